"""The quarterly job: CLAIMS_STATISTICS, COMPLAINTS_STATISTICS and FINANCIAL_STATEMENTS of
a settled quarter."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_amount, format_date, format_rate
from mutualsociety.common.periods import period_end, period_index

from ...models import Kind
from .. import figures as fig
from .common import Result, _both, _publish, _quarter_name

#: Days after a quarter's end before its claims statistics and financial statements are
#: published: late postings and claim decisions of the quarter come in first (the rules
#: give 30 days, ``KindRule``). The quarterly job runs on the 15th.
SETTLE_DAYS = 14


def quarter_settled(end: dt.date, today: dt.date) -> bool:
    """Whether the quarter ending ``end`` is published by ``today`` (``SETTLE_DAYS``)."""
    return today > end + dt.timedelta(days=SETTLE_DAYS)


def last_settled_quarter(today: dt.date) -> dt.date:
    """The end of the latest quarter settled by ``today``."""
    index = period_index(today, "quarter") - 1
    end = period_end(index, "quarter")
    if not quarter_settled(end, today):
        end = period_end(index - 1, "quarter")
    return end


def claims_statistics_publish(*, quarter_end: dt.date, at: dt.datetime | None = None) -> Result:
    """CLAIMS_STATISTICS of a quarter: claims submitted in it by status, amounts claimed,
    approved and paid, days to payment (mean, 90th percentile), rejection, objection and
    overturn rates (``claim_statistics``) and its months (``claim_statistics_by_month``)."""
    start, end = fig.quarter_bounds(quarter_end)
    content = fig.claims_figures(start, end)
    stats = content["statistics"]

    def texts() -> tuple[str, str]:
        values = {
            "quarter": _quarter_name(end),
            "start": format_date(start),
            "end": format_date(end),
            "claims": stats["claims"],
            "claimed": format_amount(stats["amount_claimed"]),
            "approved": format_amount(stats["amount_approved"]),
            "paid": format_amount(stats["amount_paid"]),
            "rejection": format_rate(stats["rejection_rate"]) or "—",
        }
        body = (
            _(
                "Claims submitted from %(start)s to %(end)s: %(claims)s claims; "
                "%(claimed)s claimed, %(approved)s approved, %(paid)s paid; rejection rate "
                "%(rejection)s. The figures include the days from submission to payment "
                "and the objection and overturn rates of the public notice."
            )
            % values
        )
        return _("Claims statistics, %(quarter)s") % values, body

    label = fig.quarter_label(end)
    return _publish(
        kind=Kind.CLAIMS_STATISTICS,
        key=f"claims_statistics:{label}",
        source=f"claims.statistics:{label}",
        content=content,
        period=label,
        period_start=start,
        period_end=end,
        at=at,
        **_both(texts),
    )


def complaints_statistics_publish(*, quarter_end: dt.date, at: dt.datetime | None = None) -> Result:
    """COMPLAINTS_STATISTICS of a quarter (the complaints desk, ``support``): complaints
    received and resolved in it, resolved within the time limit, upheld wholly or
    partly, escalated, pending at its end, and by category (``complaints_block``)."""
    start, end = fig.quarter_bounds(quarter_end)
    content = fig.complaints_block(start, end)

    def texts() -> tuple[str, str]:
        values = {
            "quarter": _quarter_name(end),
            "start": format_date(start),
            "end": format_date(end),
            "received": content["received"],
            "resolved": content["resolved"],
            "in_time": content["resolved_in_time"],
            "upheld": content["upheld"],
            "pending": content["pending"],
        }
        body = (
            _(
                "Complaints from %(start)s to %(end)s: %(received)s received, %(resolved)s "
                "resolved (%(in_time)s within the time limit), %(upheld)s of them upheld "
                "wholly or partly; %(pending)s pending at the end of the quarter. The "
                "figures include the complaints by category."
            )
            % values
        )
        return _("Complaints statistics, %(quarter)s") % values, body

    label = fig.quarter_label(end)
    return _publish(
        kind=Kind.COMPLAINTS_STATISTICS,
        key=f"complaints_statistics:{label}",
        source=f"support.statistics:{label}",
        content=content,
        period=label,
        period_start=start,
        period_end=end,
        at=at,
        **_both(texts),
    )


def financial_statements_publish(*, quarter_end: dt.date, at: dt.datetime | None = None) -> Result:
    """FINANCIAL_STATEMENTS of a quarter: the balance sheet at its end and the income
    statement of the quarter, from the ledger."""
    start, end = fig.quarter_bounds(quarter_end)
    content = fig.finances_figures(start, end)
    sheet, income = content["balance_sheet"], content["income_statement"]

    def texts() -> tuple[str, str]:
        values = {
            "quarter": _quarter_name(end),
            "start": format_date(start),
            "end": format_date(end),
            "assets": format_amount(sheet["total_assets"]),
            "liabilities": format_amount(sheet["total_liabilities"]),
            "equity": format_amount(sheet["total_equity"]),
            "income": format_amount(income["total_income"]),
            "expenses": format_amount(income["total_expenses"]),
            "result": format_amount(income["net_result"]),
        }
        body = (
            _(
                "The balance sheet at %(end)s and the income statement from %(start)s to "
                "%(end)s, from the society's ledger. Total assets %(assets)s; liabilities "
                "%(liabilities)s; equity %(equity)s. Income %(income)s, expenses "
                "%(expenses)s, result of the quarter %(result)s."
            )
            % values
        )
        return _("Financial statements, %(quarter)s") % values, body

    label = fig.quarter_label(end)
    return _publish(
        kind=Kind.FINANCIAL_STATEMENTS,
        key=f"financial_statements:{label}",
        source=f"ledger.statements:{label}",
        content=content,
        period=label,
        period_start=start,
        period_end=end,
        at=at,
        **_both(texts),
    )


def quarterly_publish(*, today: dt.date | None = None) -> list[Result]:
    """The quarterly job: the claims statistics, the complaints statistics and the
    financial statements of the last settled quarter (a second run is a no-op; new
    figures make a correction)."""
    today = today or timezone.localdate()
    end = last_settled_quarter(today)
    return [
        claims_statistics_publish(quarter_end=end),
        complaints_statistics_publish(quarter_end=end),
        financial_statements_publish(quarter_end=end),
    ]
