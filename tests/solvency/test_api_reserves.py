"""The read-only reserve-run API: who reads what (drafts only for those who run or approve
them, as for assessments), the figures to the cent against the stored run, the filter,
bad input, and no writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from solvency.models import ReserveRun
from solvency.selectors import reserve_runs_visible_to
from solvency.services import reserve_run_approve, reserve_run_create
from tests.claims.history import claim_with_history
from tests.solvency.factories import reserve_history

pytest.importorskip("chainladder")
pytestmark = pytest.mark.django_db

BASE = "/api/v1/solvency/reserve-runs"
JUNE = dt.date(2024, 6, 30)
SEPTEMBER = dt.date(2024, 9, 30)


@pytest.fixture
def director(make_user):
    return make_user("director", roles=("director",), is_staff=True)


@pytest.fixture
def world(actuary, compliance):
    """An approved run at the end of June, an approved one at the end of September, and
    a draft of September run on a claim reported since (not approved)."""
    member = reserve_history()
    june = reserve_run_approve(
        run=reserve_run_create(valuation_date=JUNE, method="mack", grain="quarter", actor=actuary),
        actor=compliance,
    )
    september = reserve_run_approve(
        run=reserve_run_create(
            valuation_date=SEPTEMBER, method="chainladder", grain="quarter", actor=actuary
        ),
        actor=compliance,
    )
    claim_with_history(member, dt.date(2024, 9, 1), reserves=[(dt.date(2024, 9, 2), "400")])
    draft = reserve_run_create(
        valuation_date=SEPTEMBER, method="chainladder", grain="quarter", actor=actuary
    )
    assert draft.state == ReserveRun.State.DRAFT and draft.version == 2
    return {"june": june, "september": september, "draft": draft}


def money(value) -> str | None:
    return None if value is None else str(value)


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def test_the_list_is_paginated_newest_valuation_date_first(client, world, actuary):
    body = get(client, actuary, f"{BASE}/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [r["id"] for r in body["results"]] == [
        world["draft"].pk,
        world["september"].pk,
        world["june"].pk,
    ]
    page = get(client, actuary, f"{BASE}/", limit=1, offset=2).json()
    assert page["count"] == 3
    assert [r["id"] for r in page["results"]] == [world["june"].pk]


def test_the_state_filter(client, world, actuary):
    drafts = get(client, actuary, f"{BASE}/", state="draft").json()
    assert [r["id"] for r in drafts["results"]] == [world["draft"].pk]
    approved = get(client, actuary, f"{BASE}/", state="approved").json()
    assert [r["id"] for r in approved["results"]] == [world["september"].pk, world["june"].pk]


def test_a_bad_state_names_the_field_and_changes_nothing(client, world, actuary):
    before = ReserveRun.objects.count()
    response = get(client, actuary, f"{BASE}/", state="nope")
    assert response.status_code == 400
    assert "state" in response.json()["error"]["fields"]
    assert ReserveRun.objects.count() == before


def test_the_regulator_reads_approved_runs_only(client, world, regulator_user):
    body = get(client, regulator_user, f"{BASE}/").json()
    assert [r["id"] for r in body["results"]] == [world["september"].pk, world["june"].pk]
    assert get(client, regulator_user, f"{BASE}/{world['june'].pk}/").status_code == 200
    draft = get(client, regulator_user, f"{BASE}/{world['draft'].pk}/")
    assert draft.status_code == 404
    assert draft.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("who", ["director", "regulator_user"])
def test_a_draft_is_404_for_the_board_and_the_regulator(client, world, who, request):
    user = request.getfixturevalue(who)
    assert get(client, user, f"{BASE}/{world['draft'].pk}/").status_code == 404
    listed = get(client, user, f"{BASE}/", state="draft").json()
    assert listed["results"] == [] and listed["count"] == 0


@pytest.mark.parametrize("who", ["actuary", "compliance"])
def test_the_actuary_and_the_checker_read_the_draft(client, world, who, request):
    user = request.getfixturevalue(who)
    body = get(client, user, f"{BASE}/{world['draft'].pk}/").json()
    assert (body["state"], body["version"], body["approved_by"]) == ("draft", 2, None)
    assert body["approved_at"] is None


def test_a_superseded_approved_run_stays_readable(client, world, actuary, compliance, director):
    """Approving the September draft supersedes the version approved before: the board
    still reads both (they were approved), and the visibility is the selector's."""
    reserve_run_approve(run=world["draft"], actor=compliance)
    body = get(client, director, f"{BASE}/").json()
    assert [(r["id"], r["state"]) for r in body["results"]] == [
        (world["draft"].pk, "approved"),
        (world["september"].pk, "superseded"),
        (world["june"].pk, "approved"),
    ]
    assert list(reserve_runs_visible_to(director)) == list(reserve_runs_visible_to(actuary))


def test_the_detail_gives_the_run_to_the_cent(client, world, regulator_user):
    run = world["june"]
    body = get(client, regulator_user, f"{BASE}/{run.pk}/").json()
    assert body["valuation_date"] == "2024-06-30"
    assert (body["version"], body["method"], body["grain"], body["state"]) == (
        1,
        "mack",
        "quarter",
        "approved",
    )
    assert (body["created_by"], body["approved_by"]) == ("actuary", "compliance")
    assert body["approved_at"] is not None
    # Totals: the figures of tests/solvency/services/test_reserves.py, and the stored run.
    assert (body["upr"], body["outstanding"]) == ("184.00", "2300.00")
    # Incurred 3,500.00 develops down to 3,240.00: a negative IBNR is held at 0.00.
    assert (body["ibnr"], body["total"]) == (str(run.ibnr), "2484.00") == ("0.00", "2484.00")
    assert (body["latest_total"], body["ultimate_total"]) == ("3500.00", "3240.00")
    assert (run.latest_total, run.ultimate_total) == (Decimal("3500.00"), Decimal("3240.00"))
    assert body["std_err_total"] == money(run.std_err_total)
    rows = list(run.origins.order_by("order"))
    assert [(r.origin, str(r.latest), str(r.ultimate), str(r.ibnr)) for r in rows] == [
        ("2023-10-01", "900.00", "900.00", "0.00"),
        ("2024-01-01", "600.00", "540.00", "-60.00"),
        ("2024-04-01", "2000.00", "1800.00", "-200.00"),
    ]
    assert body["origins"] == [
        {
            "origin": row.origin,
            "latest": str(row.latest),
            "ultimate": str(row.ultimate),
            "ibnr": str(row.ibnr),
            "std_err": money(row.std_err),
        }
        for row in rows
    ]
    assert body["factors"] == run.factors == ["1.000000", "0.900000"]
    assert body["parameters"] == {"apriori": None, "tail": None, "exposure": {}}
    assert body["triangles"]["incurred"][:3] == [
        {"origin": "2023-10-01", "lag": 1, "value": "1000.00"},
        {"origin": "2023-10-01", "lag": 2, "value": "1000.00"},
        {"origin": "2023-10-01", "lag": 3, "value": "900.00"},
    ]
    assert len(body["triangles"]["paid"]) == len(run.triangles["paid"])
    assert body["inputs_digest"] == run.inputs_digest


def test_chain_ladder_has_no_standard_error(client, world, actuary):
    body = get(client, actuary, f"{BASE}/{world['september'].pk}/").json()
    assert body["method"] == "chainladder"
    assert body["std_err_total"] is None
    assert {row["std_err"] for row in body["origins"]} == {None}


def test_an_unknown_run_is_404(client, world, actuary):
    response = get(client, actuary, f"{BASE}/999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_writes_are_not_offered(client, world, actuary):
    client.force_login(actuary)
    assert client.delete(f"{BASE}/{world['june'].pk}/").status_code == 405
    assert client.post(f"{BASE}/", {}).status_code == 405
    assert ReserveRun.objects.count() == 3


@pytest.mark.parametrize("url", ["", "1/"])
def test_members_and_anonymous_are_refused(client, plain_user, url):
    assert client.get(f"{BASE}/{url}").status_code in (401, 403)
    client.force_login(plain_user)
    assert client.get(f"{BASE}/{url}").status_code == 403


def test_staff_without_the_permission_are_refused(client, world, make_user):
    handler = make_user("handler", roles=("claims_handler",), is_staff=True)
    client.force_login(handler)
    assert client.get(f"{BASE}/").status_code == 403
    assert client.get(f"{BASE}/{world['june'].pk}/").status_code == 403
    assert not reserve_runs_visible_to(handler).exists()
