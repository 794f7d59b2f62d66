"""The topical public pages of the disclosure site (no login): at a glance, governance,
finances, solvency, claims, products and events.

Faces only: every figure comes from a selector of the app that owns it (members,
ledger, claims, governance, solvency, and ``disclosure.selectors`` for the figures at a
glance and the source publications); the views choose what to read and hand it to
their template.

Caching: a page is rendered once per language and query and kept for
``disclosure.cache.TIMEOUT`` under ``cache_key("page:<name>:<language>:<query>")``;
publishing anything bumps the cache's generation, so the next request renders afresh.
What is kept is the whole page as an anonymous reader gets it, with a placeholder where
the language switch's CSRF token goes: each answer gets its own token, so a cached page
takes no query at all. A signed-in reader (whose header names them) and a reader with
messages waiting get the page rendered for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from claims.selectors import apportionment_history, claim_statistics_by_quarter
from governance.selectors import (
    bodies_with_mandates,
    meeting_minutes,
    meeting_results,
    motion_receipts,
    published_meetings,
)
from ledger.selectors import balance_sheet, first_posting_date, income_statement
from members.selectors import plans_open_with_terms
from mutualsociety.common.models import Society
from mutualsociety.common.selectors import society_get
from solvency.charts import line_chart
from solvency.selectors import (
    assessment_latest_approved,
    liquidity_view,
    solvency_history,
    solvency_summary,
)

from .. import periods
from ..cache import TIMEOUT, cache_key
from ..charts import money_bar_chart
from ..models import Kind
from ..selectors.figures import key_figures
from ..selectors.sources import (
    key_figure_sources,
    publication_latest,
    publications_of_kinds,
)

#: Stands for the CSRF token in a cached page; each answer puts its own token in.
CSRF_PLACEHOLDER = "__disclosure_csrf_token__"

#: How many solvency quarters the chart and its table show.
SOLVENCY_QUARTERS = 8
#: Publications per page of the events list.
EVENTS_PER_PAGE = 25
#: Past this page number, a 404 without asking the database.
MAX_EVENTS_PAGE = 100_000


class PageProblem(Exception):
    """What a reader asked for cannot be shown: an unknown period (404) or a parameter
    that is not well formed (400, naming it). Answered with a page in the site's
    layout, never cached."""

    def __init__(self, status: int, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def problem_response(request: HttpRequest, problem: PageProblem) -> HttpResponse:
    title = _("Not found") if problem.status == 404 else _("Bad request")
    return render(
        request,
        "disclosure/public/problem.html",
        {"problem": problem, "problem_title": title},
        status=problem.status,
    )


def _cacheable(request: HttpRequest) -> bool:
    """Whether the shared copy may answer (and be made from) this request: a reader
    who is not signed in and has no messages waiting (both would be in the page)."""
    if "messages" in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _answer(request: HttpRequest, html: str, status: int = 200) -> HttpResponse:
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)), status=status)


class PublicPage(TemplateView):
    """A cached public page: ``page`` names it in the cache; ``query()`` checks the
    query string and returns its canonical form (raising ``PageProblem``);
    ``get_context_data`` reads the figures."""

    page = ""
    title = gettext_lazy("Information disclosure")

    def query(self) -> str:
        return ""

    def cache_name(self) -> str:
        return self.page

    def get(self, request, *args, **kwargs):
        try:
            query = self.query()
        except PageProblem as problem:
            return problem_response(request, problem)
        key = None
        if _cacheable(request):
            language = translation.get_language() or ""
            key = cache_key(f"page:{self.cache_name()}:{language}:{query}")
            html = cache.get(key)
            if html is not None:
                return _answer(request, html)
        try:
            context = self.get_context_data(**kwargs)
        except PageProblem as problem:
            return problem_response(request, problem)
        context["csrf_token"] = CSRF_PLACEHOLDER
        response = self.render_to_response(context)
        response.render()
        html = response.content.decode()
        if key is not None:
            cache.set(key, html, TIMEOUT)
        return _answer(request, html)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.title
        return context


# --- At a glance --------------------------------------------------------------------


class HomeView(PublicPage):
    """The key figures, each with the day it stands at and the publication it was
    disclosed in."""

    page = "home"
    title = gettext_lazy("At a glance")
    template_name = "disclosure/public/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = key_figures(as_of=timezone.localdate())
        solvency = figures.solvency
        context.update(
            figures=figures,
            solvency=solvency,
            sources=key_figure_sources(
                solvency_date=solvency.valuation_date if solvency is not None else None
            ),
        )
        return context


# --- Governance ---------------------------------------------------------------------


class GovernanceView(PublicPage):
    """The bodies with the members sitting on them, and the published meetings."""

    page = "governance"
    title = gettext_lazy("Governance")
    template_name = "disclosure/public/governance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            bodies=bodies_with_mandates(on=timezone.localdate()),
            meetings=list(published_meetings()),
        )
        return context


class MeetingView(PublicPage):
    """One published meeting: its resolutions with their votes and turnout, the
    voter-roll fingerprint, each motion's receipt list and the minutes."""

    page = "meeting"
    template_name = "disclosure/public/meeting.html"

    def cache_name(self) -> str:
        return f"meeting:{self.kwargs['meeting_id']}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = published_meetings().filter(pk=self.kwargs["meeting_id"]).first()
        if meeting is None:
            raise PageProblem(404, _("No published meeting has this number."))
        motions = meeting_results(meeting)
        for motion in motions:
            motion.meeting = meeting  # already read: no query per motion for it
            motion.published_receipts = motion_receipts(motion)
        context.update(
            meeting=meeting,
            motions=motions,
            minutes=meeting_minutes(meeting),
            page_title=meeting.title,
            receipt_url=reverse("governance:receipt"),
        )
        return context


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


# --- Products and events ------------------------------------------------------------


class ProductsView(PublicPage):
    """The plans open for enrolment with their terms in force, and the published
    product information."""

    page = "products"
    title = gettext_lazy("Products")
    template_name = "disclosure/public/products.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            offers=plans_open_with_terms(on=timezone.localdate()),
            publications=list(publications_of_kinds([Kind.PRODUCT])),
        )
        return context


class EventsView(PublicPage):
    """Material events and related-party transactions, newest first, withdrawn ones
    with their reason; ``?page=2`` for older ones."""

    page = "events"
    title = gettext_lazy("Material events and related-party transactions")
    template_name = "disclosure/public/events.html"

    def query(self) -> str:
        text = self.request.GET.get("page", "")
        if not text:
            self.page_number = 1
            return ""
        # ASCII digits only: str.isdigit() also passes "²", which int() refuses
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise PageProblem(400, _("The page must be a whole number from 1."), field="page")
        self.page_number = int(text)
        if self.page_number > MAX_EVENTS_PAGE:
            # beyond any page there is; its offset would not fit the database's integers
            raise PageProblem(404, _("There is no such page of events."))
        return str(self.page_number)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start = (self.page_number - 1) * EVENTS_PER_PAGE
        # one more than a page: whether there is a next page, without counting them all
        rows = list(
            publications_of_kinds([Kind.MATERIAL_EVENT, Kind.RELATED_PARTY])[
                start : start + EVENTS_PER_PAGE + 1
            ]
        )
        if self.page_number > 1 and not rows:
            raise PageProblem(404, _("There is no such page of events."))
        context.update(
            publications=rows[:EVENTS_PER_PAGE],
            page_number=self.page_number,
            has_next=len(rows) > EVENTS_PER_PAGE,
        )
        return context
