"""The figures of an approved solvency assessment: the reports' ``SOLVENCY`` block, its
history cut at its quarter, the reserves it counts, and the quarterly report's figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation

from solvency.models import SolvencyAssessment
from solvency.selectors import (
    assessment_thresholds,
    reserve_run_latest_approved,
    reserve_totals,
    solvency_history,
    solvency_summary,
    status_label,
)

from ...reports import jsonable
from .periods import _common, _label, _local_day, quarter_bounds

#: Quarters of solvency history a quarterly report shows (the dashboard's eight).
HISTORY_QUARTERS = 8
#: How far back the history is read before it is cut at the report's quarter.
HISTORY_DEPTH = 200


def _status_labels(status: str, regime) -> dict[str, str]:
    labels = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels[language] = str(status_label(status, regime=regime))
    return labels


def solvency_block(assessment: SolvencyAssessment) -> dict[str, Any]:
    """An approved assessment as the reports' ``SOLVENCY`` block: ``solvency_summary``
    with the thresholds it was judged by, and the assessment's capital, requirement and
    breakdown."""
    summary = solvency_summary(assessment)
    thresholds = assessment_thresholds(assessment)
    regime = assessment.regime
    lines = list(assessment.lines.all())
    capital_lines = (assessment.inputs or {}).get("capital", [])
    return {
        "assessment_id": assessment.pk,
        "version": assessment.version,
        "valuation_date": summary.valuation_date,
        "approved_on": _local_day(summary.approved_at),
        "regime": {"code": regime.code, "name": _label(regime.name, regime.name_en)},
        "comprehensive_ratio": summary.comprehensive_ratio,
        "core_ratio": summary.core_ratio,
        "mcr_ratio": summary.mcr_ratio,
        "rating": summary.rating,
        "status": summary.status,
        "status_label": _status_labels(summary.status, regime),
        "early_warning": summary.early_warning,
        "deadline": summary.deadline,
        "thresholds": {
            "comprehensive": thresholds.comprehensive,
            "core": thresholds.core,
            "mcr": thresholds.mcr,
            "rating": thresholds.rating,
            "early_warning_points": thresholds.early_warning_points,
        },
        "capital": {
            "core": assessment.core_capital,
            "supplementary": assessment.supplementary_capital,
            "admitted_supplementary": assessment.admitted_supplementary,
            "actual": assessment.actual_capital,
            "minimum": assessment.minimum_capital,
            "mcr": assessment.mcr,
        },
        "requirement": {
            "modules_total": assessment.undiversified_requirement,
            "diversified": assessment.diversified_requirement,
            "adjustments": assessment.adjustments_total,
        },
        "modules": [
            {"code": li.code, "name": _label(li.name, li.name_en), "amount": li.amount}
            for li in lines
            if li.kind == "module"
        ],
        "adjustments": [
            {"code": li.code, "name": _label(li.name, li.name_en), "amount": li.amount}
            for li in lines
            if li.kind == "adjustment"
        ],
        "capital_lines": [
            {
                "code": line.get("code", ""),
                "name": line.get("label") or line.get("code", ""),
                "tier": line.get("tier", ""),
                "amount": line.get("amount") or "0.00",
            }
            for line in capital_lines
        ],
    }


def solvency_history_until(assessment: SolvencyAssessment) -> list[dict[str, Any]]:
    """The last ``HISTORY_QUARTERS`` quarters of ``solvency_history`` up to the quarter of
    ``assessment`` (later quarters are cut, so that approving them changes nothing here)."""
    points = [
        p
        for p in solvency_history(HISTORY_DEPTH, regime=assessment.regime)
        if p.valuation_date <= assessment.valuation_date
    ][-HISTORY_QUARTERS:]
    return [
        {
            "quarter": p.quarter,
            "valuation_date": p.valuation_date,
            "comprehensive_ratio": p.comprehensive_ratio,
            "core_ratio": p.core_ratio,
            "mcr_ratio": p.mcr_ratio,
            "status": p.status,
            "status_label": _status_labels(p.status, assessment.regime),
            "early_warning": p.early_warning,
        }
        for p in points
    ]


def reserves_block(valuation_date: dt.date) -> dict[str, Any] | None:
    """The approved reserve run an assessment at ``valuation_date`` counts, or None."""
    run = reserve_run_latest_approved(as_of=valuation_date)
    if run is None:
        return None
    totals = reserve_totals(run)
    return {
        "valuation_date": run.valuation_date,
        "upr": totals.upr,
        "outstanding": totals.outstanding,
        "ibnr": totals.ibnr,
    }


def solvency_quarterly_figures(assessment: SolvencyAssessment) -> dict[str, Any]:
    """The quarterly solvency report's figures for an approved assessment (the layout of
    ``disclosure.reports.builders``), dated by its approval."""
    start, end = quarter_bounds(assessment.valuation_date)
    generated = _local_day(assessment.approved_at) or assessment.valuation_date
    figures = {
        **_common(start, end, generated),
        "solvency": solvency_block(assessment),
        "history": solvency_history_until(assessment),
    }
    reserves = reserves_block(assessment.valuation_date)
    if reserves is not None:
        figures["reserves"] = reserves
    return jsonable(figures)
