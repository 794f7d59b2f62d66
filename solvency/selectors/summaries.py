"""Summaries of approved assessments: the dashboard, the API and the disclosure pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    QuerySet,
)
from django.utils.translation import gettext_lazy

from mutualsociety.common.money import ZERO

from ..calculations import regimes as calc
from ..models import (
    AssessmentLine,
    Regime,
    SolvencyAssessment,
)
from .assessments import approved_assessments, assessment_latest_approved, regime_default

# --- Summaries: the dashboard, the API and the disclosure pages ---------------------
# What a reader sees of an assessment is judged by the thresholds it was computed under
# (copied into its inputs), not by the regime as it may have been edited since.

#: The statuses every regime has beside its rungs' own (``calculations.regimes``).
STATUS_LABELS = {
    calc.ADEQUATE: gettext_lazy("Adequate"),
    calc.EARLY_WARNING: gettext_lazy("Early warning"),
}

#: Who may read an assessment that was never approved (a draft, or a draft superseded by
#: a newer computation): the people who compute and approve them. Everyone else with
#: ``solvency.view_solvencyassessment`` (director, supervisor, regulator, finance) reads
#: approved assessments and the approved versions later corrected.
DRAFT_READERS = (
    "solvency.compute_solvencyassessment",
    "solvency.approve_solvencyassessment",
)


@dataclass(frozen=True)
class Thresholds:
    comprehensive: Decimal | None
    core: Decimal | None
    mcr: Decimal | None
    rating: str
    early_warning_points: Decimal


@dataclass(frozen=True)
class SolvencySummary:
    """The latest approved position, as the dashboard and disclosure show it."""

    assessment_id: int
    valuation_date: dt.date
    regime_code: str
    regime_name: str
    comprehensive_ratio: Decimal | None
    core_ratio: Decimal | None
    mcr_ratio: Decimal | None
    status: str
    status_label: str
    early_warning: bool
    rating: str
    deadline: dt.date | None
    thresholds: Thresholds
    approved_at: dt.datetime | None


@dataclass(frozen=True)
class HistoryPoint:
    """One quarter of the history: its latest approved assessment."""

    quarter: str  # "2026Q3"
    valuation_date: dt.date
    comprehensive_ratio: Decimal | None
    core_ratio: Decimal | None
    mcr_ratio: Decimal | None
    status: str
    status_label: str
    early_warning: bool
    assessment_id: int


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def assessment_thresholds(assessment: SolvencyAssessment) -> Thresholds:
    """The thresholds ``assessment`` was judged by (from its inputs; the regime's own
    for an assessment stored without them)."""
    regime = assessment.regime
    used = (assessment.inputs or {}).get("regime", {}).get("thresholds")
    if not used:
        return Thresholds(
            regime.comprehensive_min,
            regime.core_min,
            regime.mcr_min if regime.has_mcr else None,
            regime.rating_min,
            regime.early_warning_points,
        )
    has_mcr = bool((assessment.inputs or {}).get("regime", {}).get("mcr"))
    return Thresholds(
        comprehensive=_decimal(used.get("comprehensive")),
        core=_decimal(used.get("core")),
        mcr=_decimal(used.get("mcr")) if has_mcr else None,
        rating=used.get("rating") or "",
        early_warning_points=_decimal(used.get("early_warning_points")) or ZERO,
    )


def status_label(status: str, *, regime: Regime) -> str:
    """A status on the ladder as people read it: "Adequate", "Early warning", or the
    name of the regime's rung that gives it (the slug when no rung has it any more)."""
    if status in STATUS_LABELS:
        return str(STATUS_LABELS[status])
    rung = next((r for r in regime.rungs.all() if r.status == status), None)
    return rung.display_name if rung is not None else status


def solvency_summary(assessment: SolvencyAssessment) -> SolvencySummary:
    return SolvencySummary(
        assessment_id=assessment.pk,
        valuation_date=assessment.valuation_date,
        regime_code=assessment.regime.code,
        regime_name=assessment.regime.display_name,
        comprehensive_ratio=assessment.comprehensive_ratio,
        core_ratio=assessment.core_ratio,
        mcr_ratio=assessment.mcr_ratio,
        status=assessment.ladder_status,
        status_label=status_label(assessment.ladder_status, regime=assessment.regime),
        early_warning=assessment.early_warning,
        rating=assessment.rating,
        deadline=assessment.deadline,
        thresholds=assessment_thresholds(assessment),
        approved_at=assessment.approved_at,
    )


def solvency_summary_latest(*, regime: Regime | None = None) -> SolvencySummary | None:
    """The latest approved assessment under ``regime`` (the default when None) in
    brief: date, ratios, status, thresholds and the assessment it comes from. None when
    nothing has been approved. What the disclosure issue publishes."""
    assessment = assessment_latest_approved(regime=regime)
    return solvency_summary(assessment) if assessment is not None else None


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def solvency_history(quarters: int = 8, *, regime: Regime | None = None) -> list[HistoryPoint]:
    """The last ``quarters`` quarters that have an approved assessment, oldest first:
    each quarter's latest approved valuation date (a month-end assessment inside a
    quarter counts only when it is the quarter's latest)."""
    if quarters <= 0:
        return []
    rows = (
        approved_assessments(regime).prefetch_related("regime__rungs").order_by("-valuation_date")
    )
    picked: dict[str, SolvencyAssessment] = {}
    # One approved assessment per date: at most a few rows per quarter are read.
    for assessment in rows.iterator(chunk_size=100):
        key = quarter_of(assessment.valuation_date)
        if key in picked:
            continue
        if len(picked) == quarters:
            break
        picked[key] = assessment
    return [
        HistoryPoint(
            quarter=key,
            valuation_date=a.valuation_date,
            comprehensive_ratio=a.comprehensive_ratio,
            core_ratio=a.core_ratio,
            mcr_ratio=a.mcr_ratio,
            status=a.ladder_status,
            status_label=status_label(a.ladder_status, regime=a.regime),
            early_warning=a.early_warning,
            assessment_id=a.pk,
        )
        for key, a in reversed(picked.items())
    ]


@dataclass(frozen=True)
class CapitalLine:
    code: str
    label: str
    tier: str
    amount: Decimal


@dataclass(frozen=True)
class Dashboard:
    """Everything the solvency dashboard shows; ``latest`` None means nothing approved."""

    regime: Regime | None
    latest: SolvencySummary | None
    assessment: SolvencyAssessment | None
    history: list[HistoryPoint]
    modules: list[AssessmentLine]
    adjustments: list[AssessmentLine]
    capital_lines: list[CapitalLine]
    drafts_waiting: int


def dashboard_overview(*, quarters: int = 8, regime: Regime | None = None) -> Dashboard:
    """The dashboard's figures: the latest approved position with its breakdown, the
    history of the last ``quarters`` quarters, and how many drafts wait for approval."""
    regime = regime or regime_default()
    assessment = assessment_latest_approved(regime=regime)
    lines = list(assessment.lines.all()) if assessment is not None else []
    capital = [
        CapitalLine(
            code=line.get("code", ""),
            label=line.get("label") or "",
            tier=line.get("tier", ""),
            amount=_decimal(line.get("amount")) or ZERO,
        )
        for line in ((assessment.inputs or {}).get("capital", []) if assessment else [])
    ]
    return Dashboard(
        regime=regime,
        latest=solvency_summary(assessment) if assessment is not None else None,
        assessment=assessment,
        history=solvency_history(quarters, regime=regime),
        modules=[li for li in lines if li.kind == AssessmentLine.Kind.MODULE],
        adjustments=[li for li in lines if li.kind == AssessmentLine.Kind.ADJUSTMENT],
        capital_lines=capital,
        drafts_waiting=SolvencyAssessment.objects.filter(
            state=SolvencyAssessment.State.COMPUTED, regime=regime
        ).count()
        if regime is not None
        else 0,
    )


def assessments_visible_to(user) -> QuerySet[SolvencyAssessment]:
    """The assessments ``user`` may read (every regime), newest first: all of them for
    the people who compute or approve them (``DRAFT_READERS``), only those ever approved
    (approved now, or superseded by a correction) for the other readers; none without
    ``solvency.view_solvencyassessment``."""
    qs = SolvencyAssessment.objects.select_related("regime").order_by(
        "-valuation_date", "regime__code", "-version"
    )
    if not (user and user.is_authenticated and user.has_perm("solvency.view_solvencyassessment")):
        return qs.none()
    if any(user.has_perm(perm) for perm in DRAFT_READERS):
        return qs
    return qs.filter(approved_at__isnull=False)
