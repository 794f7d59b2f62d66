"""The open-data API of figures: the key figures at a glance with their source
publications, the solvency history, the claims statistics by quarter and the published
apportionment periods. Anyone reads them, nobody writes; amounts to the cent; bad filters
are 400 in the API's error shape naming the parameter; answers validate against the
OpenAPI schema, are cached until something is published, and cost a number of queries
that does not grow with the data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from claims.models import Claim
from claims.services.apportionment import apportionment_publish, apportionment_run
from claims.services.notice import notices_clear
from disclosure.models import Kind
from disclosure.services import publication_publish_auto
from tests.claims.factories import claim_approved, claim_make, covered_member
from tests.claims.test_selectors_quarters import at as beijing
from tests.claims.test_selectors_quarters import paid_claim, submitted
from tests.disclosure.archive.factories import at, solvency
from tests.disclosure.public.conftest import on_day
from tests.disclosure.test_figures import AS_OF, approved
from tests.governance.factories import members_backdate
from tests.helpers import assert_error
from tests.members.factories import mutual_aid_plan_make, premium_plan_make

pytestmark = pytest.mark.django_db

API = "/api/v1/disclosure/"
FIGURES = f"{API}figures/"
HISTORY = f"{API}solvency/history/"
CLAIMS = f"{API}claims/statistics/"
SHARING = f"{API}apportionment-periods/"


@pytest.fixture
def api():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(scope="module")
def _schema_dict(django_db_blocker):
    with django_db_blocker.unblock():
        return Client().get("/api/schema/", {"format": "json"}).json()


def _valid(response, schema: dict):
    OpenAPI.from_dict(schema).validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    return response


def financial_statements(year: int):
    publication, _created = publication_publish_auto(
        kind=Kind.FINANCIAL_STATEMENTS,
        key=f"financial_statements:{year}",
        title=f"{year}年度财务报表",
        title_en=f"Financial statements, {year}",
        source="ledger.statements",
        content={},
        period=str(year),
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        at=at(year + 1, 4, 20),
    )
    return publication


# --- Key figures ------------------------------------------------------------------


def test_key_figures_to_the_cent_with_their_day_and_source(first_half, api, _schema_dict):
    """As on 30 June 2026 (tests.disclosure.test_figures.first_half): contributions
    2,289.30 year to date, claims paid 500.00, claims ratio 700.00 ÷ 2,100.00, expense
    ratio 210.00 ÷ 2,100.00, two members in force; each figure names the publication it
    was last disclosed in (none yet for the claims statistics); the solvency position of
    31 December 2025 with its quarter's summary."""
    statements = financial_statements(2025)
    summary = solvency(2025, 4, when=at(2026, 1, 20))
    with on_day(AS_OF):
        response = _valid(api.get(FIGURES), _schema_dict)
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-06-30"
    assert body["contributions"]["value"] == "2289.30"
    assert body["contributions"]["since"] == "2026-01-01"
    assert body["contributions"]["as_of"] == "2026-06-30"
    assert body["claims_paid"]["value"] == "500.00"
    assert body["claims_ratio"]["value"] == "0.333333"
    assert body["expense_ratio"]["value"] == "0.100000"
    assert body["contributions_earned"]["value"] == "2100.00"
    assert body["claims_incurred"]["value"] == "700.00"
    assert body["operating_expenses"]["value"] == "210.00"
    assert body["members_in_force"] == {
        "value": "2",
        "as_of": "2026-06-30",
        "since": None,
        "source": None,  # no annual report published
    }
    source = body["contributions"]["source"]
    assert source["id"] == statements.pk and source["period"] == "2025"
    assert source["url"] == f"http://testserver{API}publications/{statements.pk}/"
    assert source["page"] == f"http://testserver/disclosure/publications/{statements.pk}/"
    assert body["claims_ratio"]["source"]["id"] == statements.pk
    assert body["claims_paid"]["source"] is None
    position = body["solvency"]
    assert position["valuation_date"] == "2025-12-31" and position["regime"] == "cross"
    assert (position["status"], position["status_label"]) == ("adequate", "Adequate")
    assert D(position["comprehensive_ratio"]) > 100
    assert position["source"]["id"] == summary.pk and position["source"]["period"] == "2025Q4"


def test_nothing_yet_no_ratio_no_solvency_and_no_error(api, _schema_dict):
    body = _valid(api.get(FIGURES), _schema_dict).json()
    assert body["contributions"]["value"] == "0.00"
    assert body["claims_ratio"]["value"] is None
    assert body["solvency"] is None


def test_cached_figures_cost_no_query_and_a_publication_shows_at_once(
    first_half, api, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with on_day(AS_OF):
        assert api.get(FIGURES).json()["solvency"]["source"] is None
        with django_assert_num_queries(0):
            assert api.get(FIGURES).json()["solvency"]["source"] is None
        with django_capture_on_commit_callbacks(execute=True):
            summary = solvency(2025, 4, when=at(2026, 1, 20))
        assert api.get(FIGURES).json()["solvency"]["source"]["id"] == summary.pk


# --- Solvency history -------------------------------------------------------------


def test_solvency_history_oldest_first_and_quarters(
    first_half, actuary, compliance, api, _schema_dict
):
    """Approved assessments at 31 December 2025 (first_half) and at the ends of the
    first two quarters of 2026: three quarters, oldest first; ``?quarters=2`` the
    last two."""
    approved(actuary, compliance, dt.date(2026, 3, 31))
    approved(actuary, compliance, dt.date(2026, 6, 30))
    rows = _valid(api.get(HISTORY), _schema_dict).json()
    assert [r["quarter"] for r in rows] == ["2025Q4", "2026Q1", "2026Q2"]
    assert rows[2]["valuation_date"] == "2026-06-30" and rows[2]["status"] == "adequate"
    assert rows[2]["comprehensive_ratio"] is not None
    last_two = _valid(api.get(HISTORY, {"quarters": "2"}), _schema_dict).json()
    assert [r["quarter"] for r in last_two] == ["2026Q1", "2026Q2"]


@pytest.mark.parametrize("value", ["0", "41", "eight", "1.5"])
def test_a_bad_number_of_quarters_is_a_400_naming_it(api, value, _schema_dict):
    response = _valid(api.get(HISTORY, {"quarters": value}), _schema_dict)
    assert_error(response, 400, "invalid", fields={"quarters"})


# --- Claims statistics ------------------------------------------------------------


@pytest.fixture
def claims_2026(handler, approver):
    """2025Q4: one claim waiting (claimed 77.77); 2026Q1: two paid claims of 100.10 and
    200.20 (paid in 10 and 20 days; the second submitted at 23:59 on 31 March, Beijing
    time) and one claim waiting (claimed 55.55); 2026Q3: one paid claim of 300.30 (30
    days)."""
    member = covered_member(premium_plan_make())
    paid_claim(member, handler, approver, "100.10", beijing(2026, 1, 10), 10)
    paid_claim(member, handler, approver, "200.20", beijing(2026, 3, 31, 23, 59), 20)
    submitted(claim_make(member, amount_claimed=D("55.55")), beijing(2026, 2, 1))
    paid_claim(member, handler, approver, "300.30", beijing(2026, 7, 1), 30)
    submitted(claim_make(member, amount_claimed=D("77.77")), beijing(2025, 11, 5))
    return member


def test_claim_statistics_by_quarter_to_the_cent(claims_2026, api, _schema_dict):
    rows = _valid(api.get(CLAIMS), _schema_dict).json()
    assert [r["quarter"] for r in rows] == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    assert rows[0]["claims"] == 1 and rows[0]["amount_claimed"] == "77.77"
    rows = rows[1:]
    first = rows[0]
    assert (first["start"], first["end"]) == ("2026-01-01", "2026-03-31")
    assert first["claims"] == 3
    assert first["amount_claimed"] == "355.85"
    assert (first["amount_approved"], first["amount_paid"]) == ("300.30", "300.30")
    assert first["rejection_rate"] == "0.000000"
    assert (first["paid_claims"], first["days_to_payment_median"]) == (2, "15.00")
    assert rows[1]["claims"] == 0 and rows[1]["rejection_rate"] is None
    assert rows[2]["amount_paid"] == "300.30"


@pytest.mark.parametrize(
    ("period", "quarters"),
    [
        ("2026", ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]),
        ("2026Q3", ["2026Q3"]),
        ("2026q1", ["2026Q1"]),
        ("2025", ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]),
        ("2024", []),
        ("", ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]),
        ("9999Q4", []),  # the calendar's last quarter (a 500 before: its end was year 10000)
        ("9999", []),
    ],
)
def test_claim_statistics_for_a_year_or_a_quarter(claims_2026, api, period, quarters, _schema_dict):
    rows = _valid(api.get(CLAIMS, {"period": period}), _schema_dict).json()
    assert [r["quarter"] for r in rows] == quarters


@pytest.mark.parametrize("period", ["2026Q5", "26", "2026-03-31", "Q1 2026", "x" * 17])
def test_a_malformed_period_is_a_400_naming_it(api, period, _schema_dict):
    response = _valid(api.get(CLAIMS, {"period": period}), _schema_dict)
    assert_error(response, 400, "invalid", fields={"period"})


# --- Apportionment periods --------------------------------------------------------


def share_periods(handler, approver, plan_version, cutoffs, *, publish: int | None = None):
    """One apportionment period of ``plan_version``'s plan per cut-off, one cleared claim
    of 100.00 in each among four members sharing (members since 1 January 2024); the
    first ``publish`` published (all when None)."""
    since = dt.date(2024, 1, 1)  # covered and members from then on, whatever today is
    days_ago = (timezone.localdate() - since).days
    members = [covered_member(plan_version, days_ago=days_ago) for _ in range(4)]
    members_backdate(members, since)
    periods = []
    for cutoff in cutoffs:
        claim = claim_approved(members[0], handler, approver, amount="100.00")
        notices_clear(today=claim.notice_until + dt.timedelta(days=1))
        Claim.objects.filter(pk=claim.pk).update(cleared_on=cutoff)
        periods.append(apportionment_run(plan=plan_version.plan, cutoff=cutoff))
    for period in periods[: len(periods) if publish is None else publish]:
        apportionment_publish(period=period, actor=approver)
    return periods


@pytest.fixture
def aid_periods(handler, approver):
    """Three periods of plan ``aid`` cut off on 31 December 2025, 31 January and 28
    February 2026, the first two published; one published period of plan ``aid2`` cut
    off on 31 January 2026."""
    aid = mutual_aid_plan_make(code="aid")
    other = mutual_aid_plan_make(code="aid2")
    mine = share_periods(
        handler,
        approver,
        aid,
        [dt.date(2025, 12, 31), dt.date(2026, 1, 31), dt.date(2026, 2, 28)],
        publish=2,
    )
    theirs = share_periods(handler, approver, other, [dt.date(2026, 1, 31)])
    return mine, theirs


def test_published_periods_newest_first_to_the_cent_with_their_root(aid_periods, api, _schema_dict):
    """Published only, newest first (by cut-off, then plan code): 100.00 of benefits
    and an 8% fee, 108.00 shared by four members, 27.00 each; the Merkle root over the
    four shares."""
    (december, january, _unpublished), (other,) = aid_periods
    body = _valid(api.get(SHARING), _schema_dict).json()
    assert body["count"] == 3
    assert [r["id"] for r in body["results"]] == [other.pk, january.pk, december.pk]
    row = body["results"][2]
    assert (row["plan"], row["cutoff"]) == ("aid", "2025-12-31")
    assert (row["claim_count"], row["benefits_total"], row["fee"], row["total"]) == (
        1,
        "100.00",
        "8.00",
        "108.00",
    )
    assert (row["members_sharing"], row["share_per_member"]) == (4, "27.00")
    assert row["fee_rate"] == "0.080000" and row["annual_cap"] == "188.00"
    december.refresh_from_db()
    assert row["merkle_root"] == december.merkle_root and len(row["merkle_root"]) == 64
    assert row["merkle_leaves"] == 4


def test_periods_by_plan_and_year_and_pages(aid_periods, api, _schema_dict):
    (december, january, _unpublished), (other,) = aid_periods

    def ids(**query):
        body = _valid(api.get(SHARING, query), _schema_dict).json()
        return [row["id"] for row in body["results"]]

    assert ids(plan="aid") == [january.pk, december.pk]
    assert ids(plan="aid2") == [other.pk]
    assert ids(period="2025") == [december.pk]
    assert ids(plan="aid", period="2026") == [january.pk]
    assert ids(period="2024") == []
    assert ids(plan="", period="") == [other.pk, january.pk, december.pk]
    body = _valid(api.get(SHARING, {"limit": "2"}), _schema_dict).json()
    assert body["count"] == 3 and len(body["results"]) == 2
    assert body["next"] == f"http://testserver{SHARING}?limit=2&offset=2"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"plan": "no-such-plan"}, "plan"),
        ({"plan": "p" * 33}, "plan"),
        ({"period": "2026Q1"}, "period"),
        ({"period": "twenty"}, "period"),
    ],
)
def test_a_bad_apportionment_filter_is_a_400_naming_it(api, query, field, _schema_dict):
    """An unknown plan code is a 400 (a typo is not "no periods"); the period is a year."""
    response = _valid(api.get(SHARING, query), _schema_dict)
    assert_error(response, 400, "invalid", fields={field})


# --- For every endpoint -----------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", [FIGURES, HISTORY, CLAIMS, SHARING])
def test_nothing_writes(api, compliance, method, path):
    signed_in = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed_in.force_login(compliance)
    for client in (api, signed_in):
        response = getattr(client, method)(path, "{}", content_type="application/json")
        assert_error(response, 405, "method_not_allowed")


@pytest.mark.parametrize("path", [HISTORY, CLAIMS, SHARING])
def test_cached_answers_cost_no_query_until_a_publication(
    path,
    aid_periods,
    claims_2026,
    api,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    first = api.get(path).json()
    with django_assert_num_queries(0):
        assert api.get(path).json() == first
    with django_capture_on_commit_callbacks(execute=True):
        solvency(2026, 1)
    with CaptureQueriesContext(connection) as fresh:
        assert api.get(path).json() == first
    assert len(fresh) > 0  # read afresh after the publication


def _queries(api, path: str, query: dict) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path, query).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (FIGURES, {}),
        (HISTORY, {"quarters": "40"}),
        (CLAIMS, {}),
        (CLAIMS, {"period": "2026"}),
        (SHARING, {}),
        (SHARING, {"plan": "aid", "period": "2026"}),
    ],
)
def test_queries_do_not_grow_with_the_data(
    path, query, handler, approver, actuary, compliance, api
):
    aid = mutual_aid_plan_make(code="aid")
    premium = premium_plan_make()
    member = covered_member(premium)

    def more(n: int, start: int) -> None:
        for i in range(n):
            day = dt.date(2026, 1, 31) + dt.timedelta(days=31 * (start + i))
            paid_claim(member, handler, approver, "10.00", beijing(day.year, day.month, 1), i)
            approved(actuary, compliance, day)
            financial_statements(2020 + start + i)
        cutoffs = [dt.date(2025, 12, 1) + dt.timedelta(days=7 * (start + i)) for i in range(n)]
        share_periods(handler, approver, aid, cutoffs)

    more(1, 0)
    small = _queries(api, path, query)
    more(3, 1)
    large = _queries(api, path, query)
    assert large == small
