"""Reads of the solvency app shared by its services and faces (and by the disclosure
issue later), one module per subject, every name importable from here:

- ``assessments``: the regime in force, the latest approved assessment and the history,
  the asset holdings of a valuation date;
- ``ladder``: the standing alerts, whether a distribution is blocked, the fund register
  with its repayments;
- ``summaries``: what the dashboard, the API and the disclosure pages show of approved
  assessments (judged by the thresholds they were computed under);
- ``reserves``: the approved reserve runs, their totals (what an assessment counts) and
  history, the runs a reader may see;
- ``liquidity``: the liquidity view of the mutual aid plans, the latest stress results;
- ``distribution``: a member's own shares of surplus distributions, explained.
"""

from .assessments import (
    approved_assessments,
    assessment_history,
    assessment_latest_approved,
    assessment_versions,
    holdings_as_of,
    regime_default,
    regime_get,
    regime_list,
    regime_loaded,
)
from .distribution import ShareExplained, surplus_shares_for_member
from .ladder import (
    alert_status_label,
    alerts_standing,
    alerts_standing_on,
    distribution_blocked,
    material_event_drafts,
    tranches_with_repayments,
)
from .liquidity import (
    Liquidity,
    PlanLiquidity,
    liquidity_view,
    stress_results_latest,
)
from .reserves import (
    RESERVE_DRAFT_READERS,
    ReserveRunReport,
    ReserveTotals,
    heat,
    period_label,
    reserve_run_history,
    reserve_run_latest_approved,
    reserve_run_report,
    reserve_run_versions,
    reserve_runs_visible_to,
    reserve_totals,
    triangle_table,
)
from .summaries import (
    DRAFT_READERS,
    STATUS_LABELS,
    CapitalLine,
    Dashboard,
    HistoryPoint,
    SolvencySummary,
    Thresholds,
    assessment_thresholds,
    assessments_visible_to,
    dashboard_overview,
    quarter_of,
    solvency_history,
    solvency_summary,
    solvency_summary_latest,
    status_label,
)

__all__ = [
    "ShareExplained",
    "surplus_shares_for_member",
    "alert_status_label",
    "CapitalLine",
    "DRAFT_READERS",
    "Dashboard",
    "HistoryPoint",
    "Liquidity",
    "PlanLiquidity",
    "RESERVE_DRAFT_READERS",
    "ReserveRunReport",
    "ReserveTotals",
    "STATUS_LABELS",
    "SolvencySummary",
    "Thresholds",
    "alerts_standing",
    "alerts_standing_on",
    "material_event_drafts",
    "approved_assessments",
    "assessment_history",
    "assessment_latest_approved",
    "assessment_thresholds",
    "assessment_versions",
    "assessments_visible_to",
    "dashboard_overview",
    "distribution_blocked",
    "heat",
    "holdings_as_of",
    "liquidity_view",
    "period_label",
    "quarter_of",
    "regime_default",
    "regime_get",
    "regime_list",
    "regime_loaded",
    "reserve_run_history",
    "reserve_run_latest_approved",
    "reserve_run_report",
    "reserve_run_versions",
    "reserve_runs_visible_to",
    "reserve_totals",
    "solvency_history",
    "solvency_summary",
    "solvency_summary_latest",
    "status_label",
    "stress_results_latest",
    "tranches_with_repayments",
    "triangle_table",
]
