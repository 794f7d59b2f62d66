"""Distributing surplus to the members (盈余分配; docs/solvency.md, "Distributing surplus").

Pilot Measures for the Supervision of Mutual Insurance Organizations (2015): surplus is
the members'; it may be distributed only after the initial operating fund and the
reserves are provided for, and while solvency stays adequate; distributing it is a
special matter of the assembly (docs/governance.md). The steps:

1. the actuary computes (``distribution_compute``): the distributable surplus with its
   workings (``distribution_checks``): surplus and the results not yet appropriated,
   after the reserves the ledger already holds, less the fund repaid (the figure the
   fund's repayment uses, ``repayment.surplus_available``), less the loans of the fund
   still owed when the rule sets them aside; the latest approved assessment recomputed
   with its core capital less the amount (``repayment.solvency_after``) must meet every
   threshold; no alert of the ladder may stand (``selectors.distribution_blocked``).
   Any failure refuses with the figures, a field each;
2. the board proposes the rule (``distribution_propose``; the basis: contributions paid
   in the year, days of membership, or both with a weight; the minimum amount), having
   looked at ``distribution_preview`` (totals, spread, a sample, members searched);
3. the assembly adopts it as a special motion on the matter "distribution of surplus",
   recorded with ``distribution_adopt`` (the motion must be adopted by an assembly whose
   results are declared, ``governance.selectors.resolution_adopted_by_assembly``);
4. finance runs it (``distribution_run``), split by member id into chunks run on the
   workers (``distribution_batch``, ``common.services.batches``). The first step, one
   transaction: every check again, the allocation fixed over the whole membership (the
   members' figures in ``SurplusBasis``, the totals, where the remainder cents of the
   largest remainder stop), the one balanced entry Dr 4104 surplus / Cr 2203
   contributions received in advance under its idempotency key, the distribution
   ``running``. Each chunk, in its own transaction: one ``INSERT ... SELECT`` of a
   ``MemberSurplusShare`` per member of its ids (to the cent what one pass over
   everyone gives, ``distribution_sql``), one ``INSERT ... SELECT`` of a contribution
   credit each (``members.services.payments.credits_insert``) that later dues consume,
   and their open dues settled from it. The finish, when every chunk is in and the
   totals agree: the distribution ``run``, ``signals.surplus_distributed`` sent after
   its commit (the disclosure). A run that fits one chunk is all one transaction;
5. it is published (``distribution_publish``; a running distribution cannot be).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Matter
from governance.selectors import resolution_adopted_by_assembly, resolution_get
from ledger import chart
from ledger.services import Credit, Debit, entry_post
from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from mutualsociety.common.money import ZERO

from ..events import distribution_event
from ..models import SurplusDistribution
from ..transitions import DISTRIBUTION
from . import distribution_sql as sql
from .access import permission_require
from .distribution_allocation import (
    Allocation,
    MemberAmount,
    Preview,
    allocate,
    distribution_preview,
)
from .distribution_batch import run_plan, run_resume, run_start
from .distribution_checks import (
    distribution_checks,
    fund_outstanding,
    money_check,
    refuse,
    weight_check,
)
from .repayment import surplus_draws_lock

S = SurplusDistribution.Status
Basis = SurplusDistribution.Basis


def distribution_compute(
    *,
    year: int,
    as_of: dt.date,
    basis: str,
    amount: Decimal | str | None = None,
    contributions_weight: Decimal | str | None = None,
    minimum_amount: Decimal | str = "0.01",
    reserve_outstanding_fund: bool = True,
    actor,
) -> SurplusDistribution:
    """The actuary computes the distributable surplus at ``as_of`` and records a draft
    rule with ``amount`` (the whole distributable amount when None). Refused, with the
    figures, unless every check passes. Needs ``solvency.add_surplusdistribution``."""
    permission_require(actor, "solvency.add_surplusdistribution")
    today = timezone.localdate()
    if not isinstance(year, int) or not 2000 <= year <= today.year:
        raise InvalidInput(_("Enter a financial year that has begun."), field="year")
    if as_of > today:
        raise InvalidInput(_("The date cannot be in the future."), field="as_of")
    if as_of < dt.date(year, 1, 1):
        raise InvalidInput(_("The date cannot be before the year begins."), field="as_of")
    weight = weight_check(basis, contributions_weight)
    minimum = money_check(minimum_amount, "minimum_amount")
    with transaction.atomic():
        if amount is None:
            _fails, workings = distribution_checks(
                amount=ZERO,
                as_of=as_of,
                reserve_outstanding_fund=reserve_outstanding_fund,
                on=today,
            )
            value = Decimal(workings["distributable"])
            if value <= 0:
                raise InvalidInput(
                    _("There is no distributable surplus at %(date)s (%(workings)s).")
                    % {"date": as_of, "workings": workings},
                    field="amount",
                )
        else:
            value = money_check(amount, "amount")
        fails, workings = distribution_checks(
            amount=value, as_of=as_of, reserve_outstanding_fund=reserve_outstanding_fund, on=today
        )
        if "assessment" not in workings:
            fails.setdefault("assessment", []).append(
                _("There is no approved solvency assessment to check against.")
            )
        refuse(fails)
        distribution = SurplusDistribution.objects.create(
            year=year,
            as_of=as_of,
            basis=basis,
            contributions_weight=weight,
            minimum_amount=minimum,
            reserve_outstanding_fund=reserve_outstanding_fund,
            distributable=Decimal(workings["distributable"]),
            amount=value,
            workings=workings,
            assessment_id=workings["assessment"],
            computed_by=actor,
        )
        distribution_event(
            distribution=distribution,
            type="computed",
            actor=actor,
            new_value=S.COMPUTED,
            data={"amount": str(value), "distributable": workings["distributable"]},
        )
    return distribution


# --- The steps ---------------------------------------------------------------------------


def _locked(distribution: SurplusDistribution | int) -> SurplusDistribution:
    pk = distribution.pk if isinstance(distribution, SurplusDistribution) else int(distribution)
    row = SurplusDistribution.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise InvalidInput(_("There is no such distribution."), field="distribution")
    return row


def distribution_propose(
    *,
    distribution: SurplusDistribution | int,
    actor,
    basis: str | None = None,
    contributions_weight: Decimal | str | None = None,
    minimum_amount: Decimal | str | None = None,
    amount: Decimal | str | None = None,
) -> SurplusDistribution:
    """The board proposes the rule to the assembly, changing any of its terms first
    (the amount is checked again). Proposing it again changes nothing. Needs
    ``solvency.propose_surplusdistribution``."""
    permission_require(actor, "solvency.propose_surplusdistribution")
    with transaction.atomic():
        row = _locked(distribution)
        if row.status == S.PROPOSED and basis is amount is minimum_amount is None:
            return row
        DISTRIBUTION.check(row.status, S.PROPOSED)
        if basis is not None:
            row.basis = basis
            row.contributions_weight = weight_check(basis, contributions_weight)
        if minimum_amount is not None:
            row.minimum_amount = money_check(minimum_amount, "minimum_amount")
        if amount is not None:
            row.amount = money_check(amount, "amount")
        fails, workings = distribution_checks(
            amount=row.amount,
            as_of=row.as_of,
            reserve_outstanding_fund=row.reserve_outstanding_fund,
            on=timezone.localdate(),
        )
        refuse(fails)
        old = DISTRIBUTION.move(row, S.PROPOSED)
        row.workings, row.distributable = workings, Decimal(workings["distributable"])
        row.proposed_by, row.proposed_at = actor, timezone.now()
        row.save()
        distribution_event(
            distribution=row,
            type="proposed",
            actor=actor,
            old_value=old,
            new_value=S.PROPOSED,
            data={
                "basis": row.basis,
                "weight": str(row.contributions_weight),
                "minimum": str(row.minimum_amount),
                "amount": str(row.amount),
            },
        )
    return row


def _resolution_check(motion_id: int | None) -> Any:
    motion = resolution_get(motion_id) if motion_id else None
    if motion is None or not resolution_adopted_by_assembly(motion, matter=Matter.SURPLUS):
        raise InvalidInput(
            _(
                "Name a resolution on the distribution of surplus that an assembly adopted "
                "as a special motion (results declared)."
            ),
            field="resolution",
        )
    return motion


def distribution_adopt(
    *, distribution: SurplusDistribution | int, resolution: Any, actor
) -> SurplusDistribution:
    """Record the assembly's resolution adopting the proposed distribution (a motion on
    the matter "distribution of surplus", adopted, results declared). The same
    resolution again changes nothing. Needs ``solvency.run_surplusdistribution``."""
    permission_require(actor, "solvency.run_surplusdistribution")
    motion_id = int(getattr(resolution, "pk", resolution) or 0)
    with transaction.atomic():
        row = _locked(distribution)
        if row.status != S.PROPOSED and row.resolution_id == motion_id:
            return row
        motion = _resolution_check(motion_id)
        if SurplusDistribution.objects.filter(resolution=motion).exclude(pk=row.pk).exists():
            raise InvalidInput(
                _("This resolution adopted another distribution."), field="resolution"
            )
        old = DISTRIBUTION.move(row, S.ADOPTED)
        row.resolution = motion
        row.save(update_fields=["status", "resolution"])
        distribution_event(
            distribution=row,
            type="adopted",
            actor=actor,
            old_value=old,
            new_value=S.ADOPTED,
            data={"resolution": motion.pk},
        )
    return row


def distribution_run(*, distribution: SurplusDistribution | int, actor) -> SurplusDistribution:
    """Credit every member's share of an adopted distribution, once (see the module's
    docstring and ``distribution_batch``). The first step, in one transaction: every
    check, the allocation fixed (the members' figures, the totals, where the remainder
    cents stop), the entry posted and the chunks of member ids started; the
    distribution is running until every chunk is in and the totals agree, then run
    (``surplus_distributed`` is sent then). A run that fits one chunk is done at once
    in this transaction. A second run of a running distribution resumes the chunks not
    done; of one run or published, returns it and writes nothing. Refused while an
    alert stands, without the resolution, or if the surplus or solvency no longer
    allow it. Needs ``solvency.run_surplusdistribution``."""
    permission_require(actor, "solvency.run_surplusdistribution")
    today = timezone.localdate()
    with transaction.atomic():
        row = _locked(distribution)
        if row.status in (S.RUN, S.PUBLISHED):
            return row
        batch = None if row.status == S.RUNNING else _start(row, actor=actor, today=today)
    if batch is None:
        # Without the row's lock: the finish takes the run's lock, then the row's.
        batch = run_resume(row)
    if batch.status == batch.Status.COMPLETE:
        row.refresh_from_db()
    return row


def _start(row: SurplusDistribution, *, actor, today: dt.date) -> Any:
    """The first step of a run (in the caller's transaction, the row locked)."""
    DISTRIBUTION.check(row.status, S.RUNNING)
    _resolution_check(row.resolution_id)
    surplus_draws_lock()
    credited = SurplusDistribution.objects.filter(
        year=row.year, status__in=(S.RUNNING, S.RUN, S.PUBLISHED)
    ).exclude(pk=row.pk)
    if credited.exists():
        raise InvalidInput(
            _("The surplus of %(year)s was distributed already; withdraw this one.")
            % {"year": row.year},
            field="year",
        )
    fails, workings = distribution_checks(
        amount=row.amount,
        as_of=row.as_of,
        reserve_outstanding_fund=row.reserve_outstanding_fund,
        on=today,
    )
    refuse(fails)
    try:
        allocation = allocate(row)
        plan = run_plan(row, allocation)
        entry = entry_post(
            idempotency_key=f"solvency.surplus_distribution:{row.pk}",
            date=today,
            memo=_("Surplus distribution %(year)s #%(id)s to %(n)d members")
            % {"year": row.year, "id": row.pk, "n": allocation.members},
            lines=[Debit(chart.SURPLUS, row.amount), Credit(chart.PREPAID, row.amount)],
            source_type="solvency.surplus_distribution",
            source_id=row.pk,
            actor=actor,
        )
    finally:
        sql.basis_drop()
    old = DISTRIBUTION.move(row, S.RUNNING)
    row.workings = {**workings, "allocation": allocation.as_json()}
    row.ledger_entry, row.run_by = entry, actor  # run_at: when it is credited
    row.save()
    distribution_event(
        distribution=row,
        type="started",
        actor=actor,
        old_value=old,
        new_value=S.RUNNING,
        data={"members": allocation.members, "chunks": len(plan.ranges), "entry": entry.pk},
    )
    return run_start(row, plan, entry_id=entry.pk, today=today)


def distribution_publish(*, distribution: SurplusDistribution | int, actor) -> SurplusDistribution:
    """Publish a distribution that was run (once; again changes nothing). Needs
    ``solvency.run_surplusdistribution``."""
    permission_require(actor, "solvency.run_surplusdistribution")
    with transaction.atomic():
        row = _locked(distribution)
        if row.status == S.PUBLISHED:
            return row
        old = DISTRIBUTION.move(row, S.PUBLISHED)
        row.published_at = timezone.now()
        row.save(update_fields=["status", "published_at"])
        distribution_event(
            distribution=row, type="published", actor=actor, old_value=old, new_value=S.PUBLISHED
        )
    return row


def distribution_withdraw(
    *, distribution: SurplusDistribution | int, actor, reason: str
) -> SurplusDistribution:
    """Withdraw a distribution not yet run, with a reason. Needs
    ``solvency.propose_surplusdistribution`` or ``solvency.add_surplusdistribution``."""
    if not (
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and (
            actor.has_perm("solvency.propose_surplusdistribution")
            or actor.has_perm("solvency.add_surplusdistribution")
        )
    ):
        raise NotAllowed(_("You do not have permission to do this."))
    if not (reason or "").strip():
        raise InvalidInput(_("Say why the distribution is withdrawn."), field="reason")
    with transaction.atomic():
        row = _locked(distribution)
        if row.status == S.WITHDRAWN:
            return row
        old = DISTRIBUTION.move(row, S.WITHDRAWN)
        row.save(update_fields=["status"])
        distribution_event(
            distribution=row,
            type="withdrawn",
            actor=actor,
            old_value=old,
            new_value=S.WITHDRAWN,
            reason=reason.strip()[:500],
        )
    return row


__all__ = [
    "Allocation",
    "MemberAmount",
    "Preview",
    "distribution_adopt",
    "distribution_checks",
    "distribution_compute",
    "distribution_preview",
    "distribution_propose",
    "distribution_publish",
    "distribution_run",
    "distribution_withdraw",
    "fund_outstanding",
]
