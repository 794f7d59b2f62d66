"""The SOLVENCY_SUMMARY of an approved quarter-end assessment and the ANNUAL_REPORT of a
year whose Q4 assessment is approved, each with its report attached.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_amount, format_date
from solvency.models import SolvencyAssessment
from solvency.selectors import approved_assessments

from ...models import Kind
from ...reports import annual_report, solvency_quarterly_report
from .. import figures as fig
from .common import Result, _both, _publish, _quarter_name, _report_files


def _approved_on(valuation_date: dt.date) -> SolvencyAssessment | None:
    """The assessment approved now for a date under the regime in force."""
    return approved_assessments(None).filter(valuation_date=valuation_date).first()


def solvency_key(regime_code: str, valuation_date: dt.date) -> str:
    return f"solvency_summary:{regime_code}:{fig.quarter_label(valuation_date)}"


def solvency_summary_publish(
    *, assessment: SolvencyAssessment | int, at: dt.datetime | None = None
) -> Result | None:
    """The SOLVENCY_SUMMARY of the quarter of an approved assessment, with the quarterly
    solvency report attached. Only a quarter-end assessment under the regime in force is
    published (month-end and other regimes' assessments are internal); None otherwise.
    A version superseded (by a correction approved since) publishes nothing."""
    pk = assessment.pk if isinstance(assessment, SolvencyAssessment) else assessment
    # approved now under the regime in force: a version superseded by a correction
    # before its task ran publishes nothing (the correction's own task publishes it)
    current = approved_assessments(None).filter(pk=pk).first()
    if current is None or not fig.is_quarter_end(current.valuation_date):
        return None
    figures = fig.solvency_quarterly_figures(current)
    block = figures["solvency"]
    quarter = fig.quarter_label(current.valuation_date)
    start, end = fig.quarter_bounds(current.valuation_date)

    def texts() -> tuple[str, str]:
        values = {
            "quarter": _quarter_name(end),
            "regime": current.regime.display_name,
            "date": format_date(current.valuation_date),
            "comprehensive": block["comprehensive_ratio"] or "—",
            "core": block["core_ratio"] or "—",
            "actual": format_amount(current.actual_capital),
            "core_capital": format_amount(current.core_capital),
            "minimum": format_amount(current.minimum_capital),
            "rating": current.rating or "—",
            "status": block["status_label"]["en" if _english() else "zh-hans"],
        }
        body = (
            _(
                "Under %(regime)s at %(date)s: comprehensive solvency adequacy ratio "
                "%(comprehensive)s%%, core solvency adequacy ratio %(core)s%%; actual capital "
                "%(actual)s, core capital %(core_capital)s, minimum capital %(minimum)s; "
                "integrated risk rating %(rating)s; status: %(status)s."
            )
            % values
            + "\n\n"
            + _(
                "The quarterly solvency report is attached: a PDF in Chinese and one in "
                "English, and its figures as CSV and JSON."
            )
        )
        return _("Solvency report summary, %(quarter)s") % values, body

    stem = f"solvency-{current.regime.code}-{quarter}"
    return _publish(
        kind=Kind.SOLVENCY_SUMMARY,
        key=solvency_key(current.regime.code, current.valuation_date),
        source=f"solvency.solvencyassessment:{current.pk}",
        content=figures,
        period=quarter,
        period_start=start,
        period_end=end,
        files=_report_files(stem, solvency_quarterly_report, figures),
        at=at,
        **_both(texts),
    )


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


# --- The year --------------------------------------------------------------------------


def annual_report_publish(
    *, year: int, today: dt.date | None = None, at: dt.datetime | None = None
) -> Result | None:
    """The ANNUAL_REPORT of ``year`` with the report attached, once the year is over and
    its Q4 solvency assessment (31 December, regime in force) is approved; None until
    then (the daily job tries again)."""
    today = today or timezone.localdate()
    end = dt.date(year, 12, 31)
    if today <= end:
        return None
    q4 = _approved_on(end)
    if q4 is None:
        return None
    figures = fig.annual_figures(year, q4)

    def texts() -> tuple[str, str]:
        values = {"year": year}
        body = (
            _(
                "The society's annual report for %(year)s: its governing bodies and "
                "meetings, its balance sheet and income statement, its solvency at the year "
                "end with its history, and its claims and apportionments. It is published "
                "once the fourth quarter's solvency assessment is approved."
            )
            % values
            + "\n\n"
            + _(
                "The report is attached: a PDF in Chinese and one in English, and its "
                "figures as CSV and JSON."
            )
        )
        return _("Annual report %(year)s") % values, body

    return _publish(
        kind=Kind.ANNUAL_REPORT,
        key=f"annual_report:{year}",
        source=f"solvency.solvencyassessment:{q4.pk}",
        content=figures,
        period=str(year),
        period_start=dt.date(year, 1, 1),
        period_end=end,
        files=_report_files(f"annual-report-{year}", annual_report, figures),
        at=at,
        **_both(texts),
    )


def annual_report_publish_due(*, today: dt.date | None = None) -> Result | None:
    """The daily job from 1 January: the annual report of the year just ended, when its
    Q4 assessment is approved (see ``annual_report_publish``)."""
    today = today or timezone.localdate()
    return annual_report_publish(year=today.year - 1, today=today)
