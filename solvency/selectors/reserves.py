"""Reserve runs and their totals: what an assessment counts (``reserve_run_latest_approved``,
``reserve_totals``: ``services.evaluation.reserve_figures``), the history the API and the
disclosure pages read, and which runs a reader may see (``reserve_runs_visible_to``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from mutualsociety.common.money import ZERO

from ..models import ReserveRun


@dataclass(frozen=True)
class ReserveTotals:
    """The reserves of an approved run: unearned premiums, outstanding claims, IBNR."""

    upr: Decimal = ZERO
    outstanding: Decimal = ZERO
    ibnr: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.upr + self.outstanding + self.ibnr


def _approved_runs() -> QuerySet[ReserveRun]:
    return ReserveRun.objects.filter(state=ReserveRun.State.APPROVED).select_related(
        "created_by", "approved_by"
    )


def reserve_run_latest_approved(as_of: dt.date | None = None) -> ReserveRun | None:
    """The approved reserve run of the latest valuation date on or before ``as_of``
    (any date when None): what an assessment at ``as_of`` counts. One run per date is
    approved at a time (a newer version approved supersedes the one before)."""
    runs = _approved_runs()
    if as_of is not None:
        runs = runs.filter(valuation_date__lte=as_of)
    return runs.order_by("-valuation_date", "-version").first()


def reserve_totals(run: ReserveRun | None) -> ReserveTotals:
    """The totals of ``run`` (zeros when there is none)."""
    if run is None:
        return ReserveTotals()
    return ReserveTotals(upr=run.upr, outstanding=run.outstanding, ibnr=run.ibnr)


def reserve_run_history(n: int | None = None) -> list[ReserveRun]:
    """The approved run of each valuation date, newest first (the last ``n`` dates when
    given): the API's and the disclosure pages' history of the reserves."""
    runs = _approved_runs().order_by("-valuation_date", "-version")
    return list(runs[: max(n, 0)] if n is not None else runs)


def reserve_run_versions(*, valuation_date: dt.date) -> QuerySet[ReserveRun]:
    """Every version run for a valuation date, newest first (rejected and superseded too)."""
    return ReserveRun.objects.filter(valuation_date=valuation_date).order_by("-version")


#: Who may read a run that was never approved (a draft, a rejected run, a draft replaced
#: by a newer run): the people who run and approve them, as for assessments
#: (``summaries.DRAFT_READERS``). Everyone else with ``solvency.view_reserverun``
#: (director, regulator, finance) reads the runs ever approved.
RESERVE_DRAFT_READERS = (
    "solvency.run_reserverun",
    "solvency.approve_reserverun",
)


def reserve_runs_visible_to(user) -> QuerySet[ReserveRun]:
    """The reserve runs ``user`` may read, newest valuation date first (the newest
    version first within a date): all of them for the people who run or approve them
    (``RESERVE_DRAFT_READERS``), only those ever approved (approved now, or superseded
    by a newer approved version) for the other readers; none without
    ``solvency.view_reserverun``."""
    qs = ReserveRun.objects.select_related("created_by", "approved_by").order_by(
        "-valuation_date", "-version"
    )
    if not (user and user.is_authenticated and user.has_perm("solvency.view_reserverun")):
        return qs.none()
    if any(user.has_perm(perm) for perm in RESERVE_DRAFT_READERS):
        return qs
    return qs.filter(approved_at__isnull=False)
