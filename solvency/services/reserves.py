"""Reserve runs: the society's reserves at a valuation date, computed by an actuary (or
the monthly task), approved by a second person, posted to the ledger on approval.

``reserve_run_create`` reads, at the valuation date: the claims' paid and incurred
development triangles (``claims.selectors.claim_triangles``), the outstanding case
reserves (``claims.selectors.outstanding_claims_reserve``), the unearned premiums
(``members.selectors.unearned_premiums``) and, for Bornhuetter-Ferguson, the premiums
billed per origin period as exposure; projects the incurred triangle with
``calculations.reserving`` (chainladder); stores the run with everything it used. The
same inputs run again give back the same version and write nothing; changed inputs make
a new version, superseding an unapproved draft of the same date.

``reserve_run_approve``: maker-checker (never the person who ran it; the database holds
it too). Approval posts one ledger entry moving the reserve accounts 2601-2603 from the
balances the ledger holds at the valuation date to the run's totals (Dr 6501/6502 Cr
2601/2602/2603 for an increase, the reverse for a release), keyed by the run; approving a
newer version of a date supersedes the earlier approved one, which stays readable.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.selectors import claim_triangles, outstanding_claims_reserve
from ledger import chart
from ledger.selectors import account_balance
from ledger.services import Credit, Debit, Line, entry_post
from members.selectors import premiums_billed_by_period, unearned_premiums
from mutualsociety.common.exceptions import FourEyesViolation, InvalidInput, NotAllowed
from mutualsociety.common.money import ZERO, quantize_rate, to_decimal
from mutualsociety.common.periods import period_end, period_index

from ..calculations import reserving
from ..events import reserve_run_event
from ..models import Grain, ReserveRun, ReserveRunOrigin, ReservingBasis, ReservingMethod
from ..transitions import RESERVE_RUN
from .assessments import inputs_digest, permission_require

R = ReserveRun.State

#: Each reserve account and the expense account its movements go to.
MOVEMENT_ACCOUNTS = {
    chart.UNEARNED_PREMIUM_RESERVE: chart.UPR_CHANGE,
    chart.OUTSTANDING_CLAIMS_RESERVE: chart.CLAIMS_RESERVE_CHANGE,
    chart.IBNR_RESERVE: chart.CLAIMS_RESERVE_CHANGE,
}


def _rate(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return quantize_rate(to_decimal(value))
    except (TypeError, ValueError, ArithmeticError):
        raise InvalidInput(_("Enter a number."), field=field) from None


def _rows(rows) -> list[list[Any]]:
    return [[row.origin.isoformat(), row.lag, str(row.value)] for row in rows]


def reserve_inputs(
    *,
    valuation_date: dt.date,
    method: str,
    grain: str,
    apriori: Decimal | None = None,
    tail: Decimal | None = None,
) -> tuple[reserving.Projection | None, dict[str, Any]]:
    """Read everything a run at ``valuation_date`` uses and project it (no write): the
    projection (None when no claim has a payment or an estimate yet) and the inputs as
    JSON-ready data."""
    if method not in ReservingMethod.values:
        raise InvalidInput(_("Choose chain ladder, Mack or Bornhuetter-Ferguson."), field="method")
    if grain not in Grain.values:
        raise InvalidInput(_("Choose month, quarter or year."), field="grain")
    if tail is not None and tail < 1:
        raise InvalidInput(_("The tail factor is at least 1."), field="tail")
    if method == ReservingMethod.BF and (apriori is None or apriori <= 0):
        raise InvalidInput(
            _("Bornhuetter-Ferguson needs an a-priori loss ratio above 0."), field="apriori"
        )
    triangles = claim_triangles(valuation_date=valuation_date, grain=grain)
    exposure: dict[str, Decimal] = {}
    cells = {(row.origin.isoformat(), row.lag): row.value for row in triangles.incurred}
    if method == ReservingMethod.BF and triangles.origins:
        billed = premiums_billed_by_period(
            start=triangles.origins[0], end=valuation_date, grain=grain
        )
        exposure = {day.isoformat(): billed.get(day, ZERO) for day in triangles.origins}
    projection = None
    # Nothing to develop yet (no claims, or every origin seen at its first lag only): the
    # run holds UPR and case reserves, and no IBNR projection (the inputs say why).
    developable = bool(cells) and max(lag for _, lag in cells) > 1
    if developable:
        try:
            projection = reserving.project(
                cells, method=method, apriori=apriori, exposure=exposure, tail=tail
            )
        except reserving.TriangleError as error:
            raise InvalidInput(
                _("The triangle cannot be projected: %(reason)s.") % {"reason": error.message},
                field=error.field,
            ) from None
    parameters: dict[str, Any] = {
        "apriori": str(apriori) if apriori is not None else None,
        "tail": str(tail) if tail is not None else None,
        "exposure": {k: str(v) for k, v in exposure.items()},
    }
    if not developable:
        parameters["ibnr_not_projected"] = (
            "no claims yet" if not cells else "one development period observed"
        )
    inputs: dict[str, Any] = {
        "valuation_date": valuation_date.isoformat(),
        "method": method,
        "grain": grain,
        "parameters": parameters,
        "triangles": {"paid": _rows(triangles.paid), "incurred": _rows(triangles.incurred)},
        "upr": str(unearned_premiums(as_of=valuation_date)),
        "outstanding": str(outstanding_claims_reserve(as_of=valuation_date)),
    }
    return projection, inputs


def _store(
    projection: reserving.Projection | None,
    inputs: dict[str, Any],
    *,
    digest: str,
    version: int,
    actor,
) -> ReserveRun:
    ibnr = max(projection.ibnr, ZERO) if projection is not None else ZERO
    run = ReserveRun.objects.create(
        valuation_date=dt.date.fromisoformat(inputs["valuation_date"]),
        version=version,
        method=inputs["method"],
        grain=inputs["grain"],
        parameters=inputs["parameters"],
        triangles=inputs["triangles"],
        factors=[str(f) for f in projection.factors] if projection is not None else [],
        upr=Decimal(inputs["upr"]),
        outstanding=Decimal(inputs["outstanding"]),
        ibnr=ibnr,
        latest_total=projection.latest if projection is not None else ZERO,
        ultimate_total=projection.ultimate if projection is not None else ZERO,
        std_err_total=projection.std_err if projection is not None else None,
        inputs_digest=digest,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if projection is not None:
        ReserveRunOrigin.objects.bulk_create(
            ReserveRunOrigin(
                run=run,
                origin=row.origin,
                latest=row.latest,
                ultimate=row.ultimate,
                ibnr=row.ibnr,
                std_err=row.std_err,
                order=i,
            )
            for i, row in enumerate(projection.origins)
        )
    return run


def _close(run: ReserveRun, new: str, *, actor, reason: str) -> None:
    old = RESERVE_RUN.move(run, new)
    run.closed_at = timezone.now()
    run.save(update_fields=["state", "closed_at"])
    reserve_run_event(run=run, type=new, actor=actor, old_value=old, new_value=new, reason=reason)


def _create(
    *,
    valuation_date: dt.date,
    method: str,
    grain: str,
    apriori: Decimal | None,
    tail: Decimal | None,
    actor,
) -> ReserveRun:
    if valuation_date > timezone.localdate():
        raise InvalidInput(_("The valuation date cannot be in the future."), field="valuation_date")
    with transaction.atomic():
        # One run at a time: the versions are numbered under the basis row's lock (and
        # the unique (date, version) refuses a race the lock would not see).
        ReservingBasis.objects.select_for_update().first()
        projection, inputs = reserve_inputs(
            valuation_date=valuation_date, method=method, grain=grain, apriori=apriori, tail=tail
        )
        digest = inputs_digest(inputs)
        versions = ReserveRun.objects.select_for_update().filter(valuation_date=valuation_date)
        current = versions.filter(state__in=[R.DRAFT, R.APPROVED]).order_by("-version").first()
        if current is not None and current.inputs_digest == digest:
            return current
        draft = versions.filter(state=R.DRAFT).first()
        if draft is not None:
            _close(draft, R.SUPERSEDED, actor=actor, reason=_("A new run replaces this draft."))
        number = (versions.aggregate(n=Max("version"))["n"] or 0) + 1
        run = _store(projection, inputs, digest=digest, version=number, actor=actor)
        reserve_run_event(
            run=run,
            type="computed",
            actor=actor,
            new_value=R.DRAFT,
            data={"upr": str(run.upr), "outstanding": str(run.outstanding), "ibnr": str(run.ibnr)},
        )
    return run


def reserve_run_create(
    *,
    valuation_date: dt.date,
    method: str,
    grain: str,
    apriori: Decimal | str | None = None,
    tail: Decimal | str | None = None,
    actor,
) -> ReserveRun:
    """Run the reserves at ``valuation_date`` (a new draft version, or the current one
    when nothing changed). Refused: without ``solvency.run_reserverun``; a date in the
    future; an unknown method or grain; BF without an a-priori loss ratio; a tail below
    1; a triangle chainladder cannot project."""
    permission_require(actor, "solvency.run_reserverun")
    return _create(
        valuation_date=valuation_date,
        method=method,
        grain=grain,
        apriori=_rate(apriori, "apriori"),
        tail=_rate(tail, "tail"),
        actor=actor,
    )


def reserve_run_monthly(*, period_end: dt.date, actor=None) -> ReserveRun:
    """The monthly run (Celery beat, ``services.jobs``): a run at the last day of
    ``period_end``'s month on the reserving basis (``ReservingBasis``), as the scheduler's
    service account (no permission check: a draft that an actuary still approves, four
    eyes). Idempotent per period: the same inputs give back the same run, changed inputs
    a new version. Faces call ``reserve_run_create``."""
    day = _month_end(period_end)
    basis = ReservingBasis.objects.first() or ReservingBasis()
    return _create(
        valuation_date=day,
        method=basis.method,
        grain=basis.grain,
        apriori=basis.apriori,
        tail=basis.tail,
        actor=actor,
    )


def _month_end(day: dt.date) -> dt.date:
    return period_end(period_index(day, "month"), "month")


def reserve_movements(run: ReserveRun) -> list[Line]:
    """The lines that bring the reserve accounts from the ledger's balances at the run's
    valuation date to the run's totals (empty when they already agree)."""
    targets = {
        chart.UNEARNED_PREMIUM_RESERVE: run.upr,
        chart.OUTSTANDING_CLAIMS_RESERVE: run.outstanding,
        chart.IBNR_RESERVE: run.ibnr,
    }
    lines: list[Line] = []
    for account, target in targets.items():
        change = target - account_balance(account=account, as_of=run.valuation_date)
        expense = MOVEMENT_ACCOUNTS[account]
        if change > 0:
            lines += [Debit(expense, change), Credit(account, change)]
        elif change < 0:
            lines += [Debit(account, -change), Credit(expense, -change)]
    return lines


def reserve_run_approve(*, run: ReserveRun | int, actor) -> ReserveRun:
    """Approve a draft run (maker-checker) and post its movements to the ledger.

    Refused: without ``solvency.approve_reserverun``; by the person who ran it; a run that
    is not a draft; a run older than the latest approved run of a later date (the ledger
    already moved past it). The version approved before for the same date becomes
    superseded. Approving again by the same person is a no-op (the ledger entry's key is
    the run: ``solvency.reserve_run:<id>``)."""
    permission_require(actor, "solvency.approve_reserverun")
    pk = run.pk if isinstance(run, ReserveRun) else run
    with transaction.atomic():
        row = ReserveRun.objects.select_for_update().get(pk=pk)
        if row.state == R.APPROVED and row.approved_by_id == actor.pk:
            return row
        if row.created_by_id == actor.pk:
            raise FourEyesViolation(
                _("You ran this reserve run; another person must approve it (four eyes).")
            )
        RESERVE_RUN.check(row.state, R.APPROVED)
        later = ReserveRun.objects.filter(state=R.APPROVED, valuation_date__gt=row.valuation_date)
        if later.exists():
            raise NotAllowed(
                _(
                    "A reserve run of a later valuation date is approved; run the reserves "
                    "again at a current date instead."
                ),
                field="valuation_date",
            )
        previous = (
            ReserveRun.objects.select_for_update()
            .filter(valuation_date=row.valuation_date, state=R.APPROVED)
            .first()
        )
        if previous is not None:
            _close(
                previous,
                R.SUPERSEDED,
                actor=actor,
                reason=_("Version %(n)d was approved in its place.") % {"n": row.version},
            )
        lines = reserve_movements(row)
        if lines:
            row.ledger_entry = entry_post(
                idempotency_key=f"solvency.reserve_run:{row.pk}",
                date=row.valuation_date,
                memo=f"Reserves at {row.valuation_date} (run {row.pk}, version {row.version})",
                lines=lines,
                source_type="solvency.reserverun",
                source_id=row.pk,
                actor=actor,
            )
        old = RESERVE_RUN.move(row, R.APPROVED)
        row.approved_by = actor
        row.approved_at = timezone.now()
        row.save(update_fields=["state", "approved_by", "approved_at", "ledger_entry"])
        reserve_run_event(
            run=row,
            type="approved",
            actor=actor,
            old_value=old,
            new_value=R.APPROVED,
            data={"ledger_entry": row.ledger_entry_id},
        )
    return row


def reserve_run_reject(*, run: ReserveRun | int, actor, reason: str) -> ReserveRun:
    """Send a draft run back (the checker does not approve it); the reason is required.
    Refused: without ``solvency.approve_reserverun``; by the person who ran it; a run
    that is not a draft."""
    permission_require(actor, "solvency.approve_reserverun")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the run is rejected."), field="reason")
    pk = run.pk if isinstance(run, ReserveRun) else run
    with transaction.atomic():
        row = ReserveRun.objects.select_for_update().get(pk=pk)
        if row.created_by_id == actor.pk:
            raise FourEyesViolation(
                _("You ran this reserve run; another person must review it (four eyes).")
            )
        _close(row, R.REJECTED, actor=actor, reason=reason)
    return row
