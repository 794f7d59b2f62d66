"""The annual report's figures: the key figures, governance, finances, solvency at the
year end, claims and the complaints hook, read through the other figure modules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation

from claims.selectors.statistics import apportionment_summaries
from solvency.models import SolvencyAssessment
from support.models import Complaint
from support.selectors import complaint_statistics

from ...reports import jsonable
from ...selectors.figures import key_figures
from .claims import claims_figures
from .finances import finances_figures
from .governance import governance_figures
from .periods import _common, _label, _local_day
from .solvency import reserves_block, solvency_block, solvency_history_until


def complaints_figures(start: dt.date, end: dt.date) -> dict[str, Any] | None:
    """The complaints statistics of ``start``..``end`` (the annual report's and the
    quarterly publication's "complaints" block, layout in ``disclosure.reports.builders``),
    read from the complaints desk's selector (``support.selectors.complaint_statistics``,
    computed by the database): received, resolved, pending at the end, resolved in time,
    upheld (wholly or partly) and its share, escalated, and by category (each with its
    label in both languages). None while the society has recorded no complaint at all
    (the report then says none were reported)."""
    if not Complaint.objects.exists():
        return None
    return complaints_block(start, end)


def complaints_block(start: dt.date, end: dt.date) -> dict[str, Any]:
    """The complaints statistics of ``start``..``end`` whether or not any complaint was
    ever recorded (the quarterly publication states zeros as zeros)."""
    stats = complaint_statistics(date_from=start, date_to=end)
    labels = dict(Complaint.Category.choices)
    by_category = []
    for row in stats["by_category"]:
        label = labels.get(row["category"], row["category"])
        by_category.append(
            {
                "category": _label(_in("zh-hans", label), _in("en", label)),
                "code": row["category"],
                **{k: row[k] for k in ("received", "resolved", "resolved_in_time", "upheld")},
                "pending": row["pending"],
            }
        )
    return jsonable(
        {
            "period": stats["period"],
            **{
                k: stats[k]
                for k in (
                    "received",
                    "resolved",
                    "pending",
                    "resolved_in_time",
                    "upheld",
                    "upheld_share",
                    "in_time_share",
                    "escalated",
                )
            },
            "by_category": by_category,
        }
    )


def _in(language: str, text) -> str:
    with translation.override(language):
        return str(text)


def annual_figures(year: int, q4: SolvencyAssessment) -> dict[str, Any]:
    """The annual report's figures for ``year``: the key figures, governance, finances
    (the year's balance sheet and income statement), solvency at the year end (``q4``,
    the approved Q4 assessment) with its history, claims (statistics, months,
    apportionments of the year) and complaints (``complaints_figures``); dated by the Q4
    approval."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    generated = _local_day(q4.approved_at) or end
    claims = claims_figures(start, end)
    apportionments = [
        {
            "plan": _label(p.plan.name, p.plan.name_en),
            "period_start": p.period_start,
            "cutoff": p.cutoff,
            "claim_count": p.claim_count,
            "benefits_total": p.benefits_total,
            "fee_rate": p.fee_rate,
            "fee": p.fee,
            "total": p.total,
            "members_sharing": p.members_sharing,
            "share_per_member": p.share_per_member,
            "shortfall": p.shortfall,
        }
        for p in apportionment_summaries().filter(cutoff__gte=start, cutoff__lte=end)
    ]
    finances = finances_figures(start, end)
    sheet, income = finances["balance_sheet"], finances["income_statement"]
    figures: dict[str, Any] = {
        **_common(start, end, generated),
        "governance": governance_figures(start, end),
        "finances": {
            "balance_sheet": {k: sheet[k] for k in ("as_of", "assets", "liabilities", "equity")},
            "income_statement": {k: income[k] for k in ("start", "end", "income", "expenses")},
        },
        "solvency": solvency_block(q4),
        "history": solvency_history_until(q4),
        "claims": {
            "statistics": claims["statistics"],
            "by_month": claims["by_month"],
            "apportionments": apportionments,
        },
    }
    reserves = reserves_block(q4.valuation_date)
    if reserves is not None:
        figures["reserves"] = reserves
    key = key_figures_block(end)
    if key is not None:
        figures["key_figures"] = key
    complaints = complaints_figures(start, end)
    if complaints is not None:
        figures["complaints"] = complaints
    return jsonable(figures)


def key_figures_block(end: dt.date) -> dict[str, Any] | None:
    """The year's key figures at its last day (``disclosure.selectors.key_figures``):
    members in force, contributions, claims paid, claims and expense ratios. None when
    nothing was earned in the year (the ratios are then not defined, and the report's
    overview says so by showing none)."""
    figures = key_figures(as_of=end)
    if figures.claims_ratio.value is None or figures.expense_ratio.value is None:
        return None
    return {
        "members_in_force": figures.members_in_force.value,
        "contributions": figures.contributions.value,
        "claims_paid": figures.claims_paid.value,
        "claims_ratio": figures.claims_ratio.value,
        "expense_ratio": figures.expense_ratio.value,
    }
