"""The key figures of the public site's "at a glance" panel, the reports and the API.

Each figure carries the day it stands at (``as_of``) and, for a flow, the first day of
the period it covers (``since``: 1 January of the year, year to date). The definitions
are in docs/disclosure.md ("Key figures and statistics"); in short:

- members in force: ``members.selectors.members_in_force_count`` at the end of the day;
- contributions: contribution and apportionment income (ledger 6031) posted this year
  to the day — what was billed (premiums and the benefits part of the apportionment
  shares), net of cancellations and write-offs; the management fee of the apportionments
  is the society's fee income (6051), not a contribution;
- claims paid: claims paid (6511) posted this year to the day;
- claims ratio (综合赔付率): claims incurred ÷ contributions earned;
- expense ratio (综合费用率): operating expenses (6601) ÷ contributions earned;
- solvency: the latest approved assessment valued on or before the day.

The liquidity of the mutual aid plans (funds held against claims owed) is
``solvency.selectors.liquidity_view``; it is not repeated here. A constant number of
queries: one for the members, one grouped over the ledger's postings, two or three for
the solvency summary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ledger import chart
from ledger.selectors import account_totals
from members.selectors import members_in_force_count
from mutualsociety.common.money import quantize_rate
from solvency.selectors import SolvencySummary, approved_assessments, solvency_summary

#: The ledger accounts the figures read (``ledger.chart``).
ACCOUNTS = (
    chart.CONTRIBUTION_INCOME,
    chart.UPR_CHANGE,
    chart.CLAIMS_PAID,
    chart.CLAIMS_RESERVE_CHANGE,
    chart.OPERATING_EXPENSES,
)


@dataclass(frozen=True)
class Figure:
    """One figure: its value (None when it cannot be computed, e.g. a ratio over no
    contributions), the day it stands at and, for a flow over a period, the period's
    first day (None for a count at a day)."""

    value: Decimal | int | None
    as_of: dt.date
    since: dt.date | None = None


@dataclass(frozen=True)
class KeyFigures:
    """The figures at a glance. Amounts are ``Decimal`` to the cent; ratios are
    ``Decimal`` fractions with 6 places (0.853000 is 85.3%; the ``percent`` filter
    shows them); the solvency ratios are the assessment's own percentages.
    ``contributions_earned``, ``claims_incurred`` and ``operating_expenses`` are the
    parts of the two ratios, for a footnote that shows the working."""

    as_of: dt.date
    members_in_force: Figure
    contributions: Figure
    claims_paid: Figure
    claims_ratio: Figure
    expense_ratio: Figure
    contributions_earned: Figure
    claims_incurred: Figure
    operating_expenses: Figure
    solvency: SolvencySummary | None


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """part ÷ whole with 6 places; None when nothing was earned (0 or less)."""
    return quantize_rate(part / whole) if whole > 0 else None


def solvency_summary_as_of(as_of: dt.date) -> SolvencySummary | None:
    """The summary of the latest approved assessment (default regime) valued on or
    before ``as_of``; None when there is none. For today this is
    ``solvency.selectors.solvency_summary_latest()``; for a past day (a report of a
    closed period) it is the position as it stood then, not a later one."""
    assessment = (
        approved_assessments(None)
        .filter(valuation_date__lte=as_of)
        .order_by("-valuation_date", "-version")
        .first()
    )
    return solvency_summary(assessment) if assessment is not None else None


def key_figures(*, as_of: dt.date) -> KeyFigures:
    """The key figures at the end of ``as_of``, flows from 1 January of its year.

    Claims ratio = claims incurred ÷ contributions earned, where claims incurred = claims
    paid (6511) + the change in the claims reserves, case and IBNR (6502), and
    contributions earned = contributions (6031) − the change in the unearned premium
    reserve (6501); expense ratio = operating expenses (6601) ÷ contributions earned.
    These are the Chinese insurers' 综合赔付率 and 综合费用率 (the income statement's
    已赚保费 = 保险业务收入 − 提取未到期责任准备金; ratios over earned premium, so that the two
    add up to the combined ratio 综合成本率), for a society without reinsurance (no
    ceded premiums or recoveries to deduct) and without commissions or taxes posted.
    Both are None when nothing was earned."""
    since = dt.date(as_of.year, 1, 1)
    totals = account_totals(codes=ACCOUNTS, start=since, end=as_of)
    contributions = totals[chart.CONTRIBUTION_INCOME]
    earned = contributions - totals[chart.UPR_CHANGE]
    incurred = totals[chart.CLAIMS_PAID] + totals[chart.CLAIMS_RESERVE_CHANGE]
    expenses = totals[chart.OPERATING_EXPENSES]

    def flow(value: Decimal | None) -> Figure:
        return Figure(value=value, as_of=as_of, since=since)

    return KeyFigures(
        as_of=as_of,
        members_in_force=Figure(value=members_in_force_count(as_of=as_of), as_of=as_of),
        contributions=flow(contributions),
        claims_paid=flow(totals[chart.CLAIMS_PAID]),
        claims_ratio=flow(_ratio(incurred, earned)),
        expense_ratio=flow(_ratio(expenses, earned)),
        contributions_earned=flow(earned),
        claims_incurred=flow(incurred),
        operating_expenses=flow(expenses),
        solvency=solvency_summary_as_of(as_of),
    )
