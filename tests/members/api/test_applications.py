"""API: /api/v1/applications/ — the underwriters' queue and their decisions."""

from __future__ import annotations

import pytest

from members.models import Application, Member
from tests.helpers import assert_error
from tests.members.factories import enrol

pytestmark = pytest.mark.django_db

LIST = "/api/v1/applications/"
VIEW = "members.view_application"
CHANGE = "members.change_application"


def decide_url(application, decision: str) -> str:
    return f"/api/v1/applications/{application.pk}/{decision}/"


@pytest.fixture
def referred(premium) -> Application:
    return enrol(premium, yes=("refer",))


# --- The queue ---


def test_anonymous_is_refused(client, referred):
    assert_error(client.get(LIST), 403, "not_authenticated")
    assert_error(
        client.post(decide_url(referred, "accept"), {"reason": "x"}), 403, "not_authenticated"
    )


def test_a_member_without_the_permission_is_refused(member_client, referred):
    assert_error(member_client.get(LIST), 403, "permission_denied")
    assert_error(
        member_client.post(decide_url(referred, "accept"), {"reason": "Me!"}),
        403,
        "permission_denied",
    )
    referred.refresh_from_db()
    assert referred.status == Application.Status.REFERRED


def test_the_queue_lists_referred_applications_oldest_first(staff_client, premium):
    first = enrol(premium, yes=("refer",))
    enrol(premium)  # accepted automatically
    enrol(premium, yes=("decline",))
    second = enrol(premium, yes=("refer",))
    client = staff_client(VIEW)

    data = client.get(LIST, {"status": "referred"}).json()

    assert data["count"] == 2
    assert [a["id"] for a in data["results"]] == [first.pk, second.pk]
    row = data["results"][0]
    assert row["status"] == "referred"
    assert row["plan"] == "care"
    assert row["member"]["legal_name"] == first.member.legal_name
    assert row["member"]["member_number"] is None
    assert row["reasons"] == ["Answered yes: Have you been in hospital in the last two years?"]
    assert row["decided_by"] is None


def test_without_a_status_every_application_is_listed(staff_client, premium):
    enrol(premium, yes=("refer",))
    enrol(premium)
    enrol(premium, yes=("decline",))

    data = staff_client(VIEW).get(LIST).json()

    assert data["count"] == 3
    assert {a["status"] for a in data["results"]} == {"referred", "accepted", "declined"}
    assert (
        staff_client(VIEW, username="other").get(LIST, {"status": "declined"}).json()["count"] == 1
    )


def test_an_unknown_status_filter_is_refused(staff_client):
    assert_error(staff_client(VIEW).get(LIST, {"status": "lost"}), 400, "invalid", {"status"})


# --- Decisions ---


def test_accepting_makes_the_applicant_a_member(staff_client, referred):
    client = staff_client(VIEW, CHANGE)

    response = client.post(
        decide_url(referred, "accept"),
        {"reason": "Recovered fully."},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "accepted"
    assert data["decided_by"] == "staff"
    assert data["reasons"][-1] == "Recovered fully."
    member = Member.objects.get(pk=referred.member_id)
    assert member.status == Member.Status.ACTIVE
    assert data["member"]["member_number"] == member.member_number
    assert member.coverages.count() == 1


def test_declining_declines_the_applicant(staff_client, referred):
    response = staff_client(VIEW, CHANGE).post(
        decide_url(referred, "decline"), {"reason": "Still in treatment."}
    )

    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    assert Member.objects.get(pk=referred.member_id).status == Member.Status.DECLINED


@pytest.mark.parametrize("decision", ["accept", "decline"])
def test_viewing_is_not_enough_to_decide(staff_client, referred, decision):
    assert_error(
        staff_client(VIEW).post(decide_url(referred, decision), {"reason": "x"}),
        403,
        "permission_denied",
    )


@pytest.mark.parametrize("decision", ["accept", "decline"])
@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_a_decision_needs_a_reason(staff_client, referred, decision, body):
    assert_error(
        staff_client(VIEW, CHANGE).post(
            decide_url(referred, decision), body, content_type="application/json"
        ),
        400,
        "invalid",
        {"reason"},
    )
    referred.refresh_from_db()
    assert referred.status == Application.Status.REFERRED


@pytest.mark.parametrize("decision", ["accept", "decline"])
def test_a_decided_application_answers_409(staff_client, premium, decision):
    accepted = enrol(premium)

    assert_error(
        staff_client(VIEW, CHANGE).post(decide_url(accepted, decision), {"reason": "Again."}),
        409,
        "transition_not_allowed",
    )


def test_deciding_twice_answers_409_the_second_time(staff_client, referred):
    client = staff_client(VIEW, CHANGE)
    assert client.post(decide_url(referred, "accept"), {"reason": "Yes."}).status_code == 200

    assert_error(
        client.post(decide_url(referred, "decline"), {"reason": "No."}),
        409,
        "transition_not_allowed",
    )
    assert Application.objects.get(pk=referred.pk).status == Application.Status.ACCEPTED


def test_an_unknown_application_answers_404(staff_client):
    assert_error(
        staff_client(VIEW, CHANGE).post("/api/v1/applications/999999/accept/", {"reason": "x"}),
        404,
        "not_found",
    )
