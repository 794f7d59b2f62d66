"""The read-only solvency API: who reads what (drafts only for those who compute or
approve them), the figures to the cent, the history by quarter, the regimes, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from solvency.services.assessments import assessment_approve, assessment_compute
from tests.solvency.factories import VALUATION, books, holdings

pytestmark = pytest.mark.django_db
BASE = "/api/v1/solvency"


@pytest.fixture
def world(actuary, compliance):
    books()
    holdings()
    first = assessment_compute(valuation_date=dt.date(2025, 9, 30), rating="B", actor=actuary)
    assessment_approve(assessment=first, actor=compliance)
    latest = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    assessment_approve(assessment=latest, actor=compliance)
    draft = assessment_compute(valuation_date=dt.date(2025, 11, 30), rating="B", actor=actuary)
    return {"first": first, "latest": latest, "draft": draft}


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def test_the_list_is_paginated_newest_first(client, world, actuary):
    body = get(client, actuary, f"{BASE}/assessments/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [r["id"] for r in body["results"]] == [
        world["latest"].pk,
        world["draft"].pk,
        world["first"].pk,
    ]
    page = get(client, actuary, f"{BASE}/assessments/", limit=1, offset=1).json()
    assert [r["id"] for r in page["results"]] == [world["draft"].pk]


def test_the_regulator_reads_approved_only(client, world, regulator_user):
    body = get(client, regulator_user, f"{BASE}/assessments/").json()
    assert [r["id"] for r in body["results"]] == [world["latest"].pk, world["first"].pk]
    draft = get(client, regulator_user, f"{BASE}/assessments/{world['draft'].pk}/")
    assert draft.status_code == 404
    assert draft.json()["error"]["code"] == "not_found"


def test_the_detail_gives_the_figures_to_the_cent(client, world, regulator_user):
    latest = world["latest"]
    body = get(client, regulator_user, f"{BASE}/assessments/{latest.pk}/").json()
    assert body["diversified_requirement"] == "38742.74"
    assert body["minimum_capital"] == str(latest.minimum_capital)
    assert body["comprehensive_ratio"] == str(latest.comprehensive_ratio)
    assert body["status"] == "adequate" and body["status_label"] == "Adequate"
    assert body["thresholds"] == {
        "comprehensive": "100.00",
        "core": "50.00",
        "mcr": None,
        "rating": "B",
        "early_warning_points": "20.00",
    }
    modules = {li["code"]: li["amount"] for li in body["lines"] if li["kind"] == "module"}
    assert set(modules) == {"insurance", "market", "credit"}
    assert body["inputs"]["valuation_date"] == VALUATION.isoformat()


def test_the_history_is_by_quarter_oldest_first(client, world, compliance):
    body = get(client, compliance, f"{BASE}/history/").json()
    assert [(p["quarter"], p["assessment"]) for p in body] == [
        ("2025Q3", world["first"].pk),
        ("2025Q4", world["latest"].pk),
    ]
    assert get(client, compliance, f"{BASE}/history/", quarters=1).json()[0]["quarter"] == "2025Q4"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"quarters": "0"}, "quarters"),
        ({"quarters": "x"}, "quarters"),
        ({"regime": "nope"}, "regime"),
    ],
)
def test_bad_history_input_names_the_field(client, compliance, params, field):
    response = get(client, compliance, f"{BASE}/history/", **params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_regimes_read_only(client, regulator_user, actuary):
    body = get(client, regulator_user, f"{BASE}/regimes/").json()
    assert [r["code"] for r in body][0] == "cross"
    cross = get(client, regulator_user, f"{BASE}/regimes/cross/").json()
    assert cross["comprehensive_min"] == "100.00"
    assert [m["code"] for m in cross["modules"]] == ["insurance", "market", "credit"]
    assert get(client, regulator_user, f"{BASE}/regimes/nope/").status_code == 404
    # a read-only account's write is refused before the API (403); anyone else finds no
    # write here
    assert client.post(f"{BASE}/regimes/", {}).status_code == 403
    client.force_login(actuary)
    assert client.post(f"{BASE}/regimes/", {}).status_code == 405


def test_writes_are_not_offered(client, world, actuary):
    client.force_login(actuary)
    url = f"{BASE}/assessments/{world['latest'].pk}/"
    assert client.delete(url).status_code == 405
    assert client.post(f"{BASE}/assessments/", {}).status_code == 405


@pytest.mark.parametrize("url", ["assessments/", "history/", "regimes/"])
def test_members_and_anonymous_are_refused(client, plain_user, url):
    assert client.get(f"{BASE}/{url}").status_code in (401, 403)
    client.force_login(plain_user)
    assert client.get(f"{BASE}/{url}").status_code == 403


def test_staff_without_the_permission_are_refused(client, make_user):
    handler = make_user("handler", roles=("claims_handler",), is_staff=True)
    client.force_login(handler)
    assert client.get(f"{BASE}/assessments/").status_code == 403
