"""Reads of the solvency app shared by its services and faces (and by the disclosure
issue later): the regime in force, the latest approved assessment and the history,
the asset holdings of a valuation date, and the reserve totals an assessment uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, QuerySet

from mutualsociety.common.money import ZERO

from .models import AssetHolding, Regime, ReserveRun, SolvencyAssessment

# --- Regimes and assessments -----------------------------------------------------------


def regime_default() -> Regime | None:
    """The regime the society reports under (``Regime.is_default``)."""
    return Regime.objects.filter(is_default=True).first()


def regime_get(*, code: str) -> Regime | None:
    return Regime.objects.filter(code=code).first()


def _approved(regime: Regime | None) -> QuerySet[SolvencyAssessment]:
    regime = regime or regime_default()
    return SolvencyAssessment.objects.filter(
        state=SolvencyAssessment.State.APPROVED, regime=regime
    ).select_related("regime", "computed_by", "approved_by")


def assessment_latest_approved(*, regime: Regime | None = None) -> SolvencyAssessment | None:
    """The approved assessment of the latest valuation date under ``regime`` (the
    default regime when None): what the dashboard, the alerts, fund repayment and the
    disclosure pages read. One per date can be approved at a time (a correction
    supersedes the version before it)."""
    return _approved(regime).order_by("-valuation_date", "-version").first()


def assessment_history(n: int = 8, *, regime: Regime | None = None) -> list[SolvencyAssessment]:
    """The approved assessments of the last ``n`` valuation dates, newest first (8
    quarters for the dashboard's chart)."""
    return list(_approved(regime).order_by("-valuation_date", "-version")[: max(n, 0)])


def assessment_versions(*, valuation_date: dt.date, regime: Regime) -> QuerySet[SolvencyAssessment]:
    """Every version computed for a valuation date, newest first (superseded ones too)."""
    return SolvencyAssessment.objects.filter(valuation_date=valuation_date, regime=regime).order_by(
        "-version"
    )


def holdings_as_of(valuation_date: dt.date) -> tuple[dt.date | None, QuerySet[AssetHolding]]:
    """The statement of holdings an assessment at ``valuation_date`` uses: every row of
    the latest ``as_of`` on or before it (None and no rows when there is none)."""
    latest = AssetHolding.objects.filter(as_of__lte=valuation_date).aggregate(d=Max("as_of"))["d"]
    if latest is None:
        return None, AssetHolding.objects.none()
    return latest, AssetHolding.objects.filter(as_of=latest).order_by("id")


# --- Reserves --------------------------------------------------------------------------
# The assessment reads ``reserve_run_latest_approved`` and ``reserve_totals`` (the
# attributes ``upr``, ``outstanding``, ``ibnr``: ``services.evaluation.reserve_figures``).


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
