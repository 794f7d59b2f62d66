"""Regimes, assessments and the holdings they count."""

from __future__ import annotations

import datetime as dt

from django.db.models import (
    Max,
    QuerySet,
)

from ..models import (
    AssetHolding,
    Regime,
    SolvencyAssessment,
)

# --- Regimes and assessments -----------------------------------------------------------


def regime_default() -> Regime | None:
    """The regime the society reports under (``Regime.is_default``)."""
    return Regime.objects.filter(is_default=True).first()


def regime_get(*, code: str) -> Regime | None:
    return Regime.objects.filter(code=code).first()


def regime_list() -> QuerySet[Regime]:
    """Every regime, the default first."""
    return Regime.objects.order_by("-is_default", "code")


def regime_loaded(*, code: str) -> Regime | None:
    """A regime with its modules, factors and rungs fetched, for a page or an answer."""
    return Regime.objects.prefetch_related("modules__factors", "rungs").filter(code=code).first()


def approved_assessments(regime: Regime | None) -> QuerySet[SolvencyAssessment]:
    regime = regime or regime_default()
    return SolvencyAssessment.objects.filter(
        state=SolvencyAssessment.State.APPROVED, regime=regime
    ).select_related("regime", "computed_by", "approved_by")


def assessment_latest_approved(*, regime: Regime | None = None) -> SolvencyAssessment | None:
    """The approved assessment of the latest valuation date under ``regime`` (the
    default regime when None): what the dashboard, the alerts, fund repayment and the
    disclosure pages read. One per date can be approved at a time (a correction
    supersedes the version before it)."""
    return approved_assessments(regime).order_by("-valuation_date", "-version").first()


def assessment_history(n: int = 8, *, regime: Regime | None = None) -> list[SolvencyAssessment]:
    """The approved assessments of the last ``n`` valuation dates, newest first (8
    quarters for the dashboard's chart)."""
    return list(approved_assessments(regime).order_by("-valuation_date", "-version")[: max(n, 0)])


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
