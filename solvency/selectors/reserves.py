"""Reserve runs and their totals: what an assessment counts (``reserve_run_latest_approved``,
``reserve_totals``: ``services.evaluation.reserve_figures``), the history the API and the
disclosure pages read."""

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
