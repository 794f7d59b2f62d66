"""Reads of the solvency app shared by its services and faces (and by the disclosure
issue later): the regime in force, the latest approved assessment and the history,
the asset holdings of a valuation date, and the reserve totals an assessment uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, QuerySet
from django.utils.translation import gettext_lazy

from mutualsociety.common.money import ZERO

from .calculations import regimes as calc
from .models import AssessmentLine, AssetHolding, Regime, SolvencyAssessment

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
    rows = _approved(regime).prefetch_related("regime__rungs").order_by("-valuation_date")
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


# --- Reserves --------------------------------------------------------------------------
# >>> STAND-IN (issue 11, capital branch): the reserves engineer writes the real
# ``reserve_run_latest_approved`` and ``reserve_totals`` in parallel. The lead DROPS this
# block when merging their branch; the assessment service reads only these two names and
# the attributes ``upr``, ``outstanding`` and ``ibnr`` of the totals
# (``services.evaluation.reserve_figures``).


@dataclass(frozen=True)
class ReserveTotals:
    """The reserves of an approved run: unearned premiums, outstanding claims, IBNR."""

    upr: Decimal = ZERO
    outstanding: Decimal = ZERO
    ibnr: Decimal = ZERO


def reserve_run_latest_approved(as_of: dt.date):
    """STAND-IN: no reserve run exists yet on this branch."""
    return None


def reserve_totals(run) -> ReserveTotals:
    """STAND-IN: zeros when there is no run."""
    return ReserveTotals()


# <<< END OF STAND-IN
