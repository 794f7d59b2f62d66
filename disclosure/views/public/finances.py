"""The figures pages: finances (balance sheet and income statement of a closed
quarter or year), solvency (the C-ROSS summary, its history, the liquidity view) and
claims (statistics by quarter, complaints by quarter and the apportionment history)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.selectors import apportionment_history, claim_statistics_by_quarter
from ledger.selectors import balance_sheet, first_posting_date, income_statement
from mutualsociety.common.models import Society
from mutualsociety.common.selectors import society_get
from solvency.charts import line_chart
from solvency.selectors import (
    assessment_latest_approved,
    liquidity_view,
    solvency_history,
    solvency_summary,
)
from support.selectors import complaint_statistics_by_quarter

from ... import periods
from ...charts import money_bar_chart
from ...models import Kind
from ...selectors.sources import publication_latest
from .base import PageProblem, PublicPage

#: How many solvency quarters the chart and its table show.
SOLVENCY_QUARTERS = 8


# --- Finances -----------------------------------------------------------------------


def _closed_periods(today):
    """(quarters, years) that have closed since the society's books began (its founding
    day, or its first posting), newest first."""
    since = society_get().founded_on or first_posting_date()
    if since is None:
        return [], []
    return (
        periods.closed_quarters(since=since, today=today),
        periods.closed_years(since=since, today=today),
    )


class FinancesView(PublicPage):
    """The balance sheet at the end of a closed quarter or year and the income
    statement for it: ``?period=2026Q1`` or ``?year=2026`` (default: the latest
    closed quarter)."""

    page = "finances"
    title = gettext_lazy("Finances")
    template_name = "disclosure/public/finances.html"

    def query(self) -> str:
        params = self.request.GET
        period_text, year_text = params.get("period", ""), params.get("year", "")
        self.asked: periods.Period | None = None
        if period_text and year_text:
            raise PageProblem(
                400, _("Ask for a quarter (period) or a year, not both."), field="period"
            )
        try:
            if period_text:
                self.asked = periods.quarter_parse(period_text)
            elif year_text:
                self.asked = periods.year_parse(year_text)
        except periods.PeriodMalformed as error:
            field = "period" if period_text else "year"
            message = (
                _("The period must be a quarter written like 2026Q1.")
                if period_text
                else _("The year must be written with four digits, like 2026.")
            )
            raise PageProblem(400, message, field=field) from error
        return self.asked.label if self.asked else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        quarters, years = _closed_periods(timezone.localdate())
        shown = self.asked or (quarters[0] if quarters else None)
        if self.asked is not None and self.asked not in quarters + years:
            raise PageProblem(
                404,
                _("The society has published no accounts for %(period)s: the period has not "
                  "closed yet, or lies before its books began.") % {"period": self.asked.label},
            )  # fmt: skip
        context.update(quarters=quarters, years=years, shown=shown)
        if shown is not None:
            context.update(
                sheet=balance_sheet(as_of=shown.end),
                statement=income_statement(start=shown.start, end=shown.end),
                source=publication_latest(Kind.FINANCIAL_STATEMENTS, shown.label),
            )
        return context


# --- Solvency -----------------------------------------------------------------------


class SolvencyView(PublicPage):
    """The latest approved assessment as a C-ROSS quarterly summary, its history as a
    chart and a table, and for a mutual aid plan the liquidity view."""

    page = "solvency"
    title = gettext_lazy("Solvency")
    template_name = "disclosure/public/solvency.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        society = society_get()
        assessment = assessment_latest_approved()
        history = solvency_history(SOLVENCY_QUARTERS)
        summary = solvency_summary(assessment) if assessment is not None else None
        context.update(assessment=assessment, summary=summary, history=history)
        if summary is not None:
            context["source"] = publication_latest(
                Kind.SOLVENCY_SUMMARY, periods.quarter_of(summary.valuation_date).label
            ) or publication_latest(Kind.SOLVENCY_SUMMARY)
        if history:
            context["chart"] = line_chart(
                [point.quarter for point in history],
                [
                    (
                        _("Comprehensive solvency adequacy ratio"),
                        [point.comprehensive_ratio for point in history],
                    ),
                    (_("Core solvency adequacy ratio"), [point.core_ratio for point in history]),
                ],  # fmt: skip
                threshold=summary.thresholds.comprehensive if summary else None,
            )
        # the liquidity of the mutual aid plans, whenever the society runs one
        liquidity = liquidity_view(timezone.localdate())
        if liquidity.plans or society.kind == Society.Kind.MUTUAL_AID:
            context["liquidity"] = liquidity
        return context


# --- Claims -------------------------------------------------------------------------


@dataclass(frozen=True)
class ApportionmentChart:
    plan_name: str
    rows: list[dict]
    chart: dict


class ClaimsView(PublicPage):
    """Claims statistics by quarter, and the apportionment history of the mutual aid
    plans as a chart and a table."""

    page = "claims"
    title = gettext_lazy("Claims")
    template_name = "disclosure/public/claims.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        society = society_get()
        quarters = list(reversed(claim_statistics_by_quarter()))  # newest first
        context.update(quarters=quarters, source=publication_latest(Kind.CLAIMS_STATISTICS))
        # the complaints desk's quarters (support), newest first
        context["complaints"] = list(
            reversed(complaint_statistics_by_quarter(today=timezone.localdate()))
        )
        context["complaints_source"] = publication_latest(Kind.COMPLAINTS_STATISTICS)
        # the apportionment of every mutual aid plan the society runs (a mutual insurance
        # society may run one beside its insurance plans)
        history = apportionment_history()
        if history or society.kind == Society.Kind.MUTUAL_AID:
            by_plan: dict[str, list[dict]] = {}
            for row in history:
                by_plan.setdefault(row["plan_code"], []).append(row)
            context["apportionment"] = [
                ApportionmentChart(
                    plan_name=rows[0]["plan_name"],
                    rows=list(reversed(rows)),  # the table newest first
                    chart=money_bar_chart(
                        [(row["cutoff"].isoformat(), row["share_per_member"]) for row in rows]
                    ),  # fmt: skip
                )
                for rows in by_plan.values()
            ]
            context["apportionment_source"] = publication_latest(Kind.APPORTIONMENT)
        return context
