"""API: POST /api/v1/enrolment/ — anonymous, throttled enrolment through the same service
as the portal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from ledger.models import JournalEntry
from members.models import Application, Consent, Member
from tests.helpers import assert_error
from tests.members.api.conftest import enrolment_body
from tests.members.factories import birth_date, premium_plan_make, question_ids, resident_id

pytestmark = pytest.mark.django_db

URL = "/api/v1/enrolment/"


def post(client, body):
    return client.post(URL, body, content_type="application/json")


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (get_user_model(), Member, Application, Consent, JournalEntry)
    )


def test_an_accepted_enrolment_answers_201_with_member_number_and_cover(client, premium):
    """Anonymous; 201 with the decision, the member number and the coverage summary,
    amounts as decimal strings; the application is recorded as coming through the API."""
    today = timezone.localdate()

    response = post(client, enrolment_body(premium, username="li.na"))

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "accepted"
    assert data["reasons"] == ["Every answer of the health declaration was accepted."]
    assert data["plan"] == "care"
    assert data["plan_version"] == 1
    member = Member.objects.get(user__username="li.na")
    assert data["member_number"] == member.member_number
    assert data["application"] == Application.objects.get(member=member).pk
    assert Application.objects.get(member=member).channel == Application.Channel.API
    coverage = data["coverage"]
    assert coverage["plan"] == "care"
    assert coverage["status"] == "in_force"
    assert coverage["start_date"] == today.isoformat()
    assert coverage["waiting_period_end"] == (today + dt.timedelta(days=90)).isoformat()
    assert coverage["waiting_days_left"] == 90
    assert coverage["sum_assured"] == "100000.00"
    assert coverage["premium"] == "30.00"
    assert coverage["payment_frequency"] == "monthly"
    assert "password" not in response.content.decode()


def test_a_mutual_aid_enrolment_has_no_premium(client, aid):
    response = post(client, enrolment_body(aid))

    assert response.status_code == 201
    assert response.json()["coverage"]["premium"] is None
    assert response.json()["coverage"]["sum_assured"] == "300000.00"


@pytest.mark.parametrize(
    ("yes", "decision"), [(("refer",), "referred"), (("decline",), "declined")]
)
def test_referred_and_declined_answer_201_without_member_number(client, premium, yes, decision):
    response = post(client, enrolment_body(premium, yes=yes))

    assert response.status_code == 201
    data = response.json()
    assert data["status"] == decision
    assert data["member_number"] is None
    assert data["coverage"] is None
    assert data["reasons"][0].startswith("Answered yes:")


def _bad(version) -> dict:
    """Each bad body → the field named in the answer."""
    older = birth_date(31)
    return {
        "invalid identity number": (
            enrolment_body(version, person={"id_number": "110105194912310021"}),
            "person.id_number",
        ),
        "date of birth disagrees": (
            enrolment_body(
                version,
                person={
                    "id_number": resident_id(birth_date(30)),
                    "date_of_birth": older.isoformat(),
                },
            ),
            "person.date_of_birth",
        ),
        "too old": (
            enrolment_body(
                version,
                person={
                    "id_number": resident_id(birth_date(70)),
                    "date_of_birth": birth_date(70).isoformat(),
                },
            ),
            "person.date_of_birth",
        ),
        "bad phone": (enrolment_body(version, person={"phone": "123"}), "person.phone"),
        "missing consent": (enrolment_body(version, articles_version=""), "articles_version"),
        "old privacy version": (
            enrolment_body(version, privacy_version="2001.1"),
            "privacy_version",
        ),
        "unanswered question": (
            enrolment_body(version, answers={}),
            f"answers.{question_ids(version)['accept']}",
        ),
        "unknown plan": (enrolment_body(version, plan="nope"), "plan"),
        "weak password": (enrolment_body(version, password="password"), "password"),
        "no payment frequency": (
            enrolment_body(version, payment_frequency=""),
            "payment_frequency",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "invalid identity number",
        "date of birth disagrees",
        "too old",
        "bad phone",
        "missing consent",
        "old privacy version",
        "unanswered question",
        "unknown plan",
        "weak password",
        "no payment frequency",
    ],
)
def test_bad_input_answers_400_naming_the_field_and_saves_nothing(client, premium, case):
    """The service's field errors, named by their path in the body; nothing saved."""
    body, field = _bad(premium)[case]
    before = counts()

    response = post(client, body)

    error = assert_error(response, 400, "invalid")
    assert field in error["fields"], error
    assert counts() == before


def test_every_field_error_is_reported_at_once(client, premium):
    body = enrolment_body(premium, articles_version="", person={"phone": "1", "region": "11"})
    body["answers"] = {}

    error = assert_error(post(client, body), 400, "invalid")

    assert {"person.phone", "articles_version"} <= set(error["fields"])
    assert {f"answers.{i}" for i in question_ids(premium).values()} <= set(error["fields"])
    assert error["message"] == "Please correct the marked fields."


def test_a_second_membership_is_refused_naming_the_identity_number(client, premium, member):
    body = enrolment_body(
        premium,
        person={
            "id_number": member.id_number,
            "date_of_birth": member.date_of_birth.isoformat(),
            "sex": member.sex,
        },
    )
    before = counts()

    error = assert_error(post(client, body), 400, "invalid", fields={"person.id_number"})

    assert "membership already exists" in error["fields"]["person.id_number"][0]
    assert counts() == before


def test_a_taken_user_name_is_refused(client, premium, member):
    error = assert_error(
        post(client, enrolment_body(premium, username=member.user.username.upper())),
        400,
        "invalid",
        fields={"username"},
    )
    assert "taken" in error["fields"]["username"][0]


def test_a_closed_plan_is_refused(client, documents):
    closed = premium_plan_make(is_open=False)

    assert_error(post(client, enrolment_body(closed)), 400, "invalid", fields={"plan"})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.pop("person"), "person"),
        (lambda b: b["person"].pop("legal_name"), "person.legal_name"),
        (lambda b: b["person"].update(date_of_birth="15/06/1990"), "person.date_of_birth"),
        (lambda b: b["person"].update(date_of_birth="１９９０-０６-１５"), "person.date_of_birth"),
        (lambda b: b["person"].update(date_of_birth="19900615"), "person.date_of_birth"),
        (lambda b: b["person"].update(sex="X"), "person.sex"),
        (lambda b: b["person"].update(id_type="driving_licence"), "person.id_type"),
        (lambda b: b.update(answers=["yes"]), "answers"),
        (lambda b: b.pop("username"), "username"),
        (lambda b: b.pop("password"), "password"),
        (lambda b: b.update(payment_frequency="weekly"), "payment_frequency"),
    ],
    ids=[
        "no person",
        "no name",
        "date format",
        "full-width date",
        "basic date format",
        "sex",
        "id type",
        "answers not an object",
        "no username",
        "no password",
        "frequency",
    ],
)
def test_a_malformed_body_answers_400_naming_the_field(client, premium, change, field):
    body = enrolment_body(premium)
    change(body)
    before = counts()

    error = assert_error(post(client, body), 400, "invalid")

    assert field in error["fields"], error
    assert counts() == before


def test_an_answer_that_is_not_yes_or_no_is_refused(client, premium):
    body = enrolment_body(premium)
    key = question_ids(premium)["refer"]
    body["answers"][key] = None

    error = assert_error(post(client, body), 400, "invalid")

    assert f"answers.{key}" in error["fields"]


def test_no_csrf_token_or_session_is_needed(premium, member):
    """The endpoint is for other front ends: no session authentication, so no CSRF check,
    even from a browser that is signed in."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(member.user)

    response = post(client, enrolment_body(premium))

    assert response.status_code == 201


def test_enrolment_is_throttled(client, premium, settings):
    """After the scope's rate, 429 in the error shape; failed attempts count too."""
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "enrolment": "2/hour",
        },
    }

    assert post(client, enrolment_body(premium, plan="nope")).status_code == 400
    assert post(client, enrolment_body(premium)).status_code == 201
    response = post(client, enrolment_body(premium))

    assert_error(response, 429, "throttled")
    assert "Retry-After" in response
    assert Member.objects.count() == 1


def test_the_default_rate_is_configured():
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["enrolment"]


def test_messages_follow_the_language_of_the_request(client, premium):
    body = enrolment_body(premium, plan="nope")

    english = post(client, body).json()["error"]["fields"]["plan"][0]
    chinese = client.post(
        URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).json()["error"]["fields"]["plan"][0]

    assert english == "There is no plan with the code nope."
    assert chinese != english


def test_only_post_is_allowed(client, premium):
    assert_error(client.get(URL), 405, "method_not_allowed")
