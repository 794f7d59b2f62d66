"""The application queue: referred applications first, decided with a required reason."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils.html import escape

from members.models import Application, Member, MemberEvent
from tests.members.factories import enrol, premium_plan_make, user_with_perms

pytestmark = pytest.mark.django_db

URL = reverse("admin:members_application_changelist")


@pytest.fixture
def version():
    return premium_plan_make(code="life")


@pytest.fixture
def referred(version):
    return enrol(version, yes=("refer",))


def act(client, action: str, applications, **data):
    return client.post(
        URL,
        {"action": action, ACTION_CHECKBOX_NAME: [a.pk for a in applications], **data},
        follow=True,
    )


def test_the_queue_shows_referred_applications_unless_asked_otherwise(staff, version, referred):
    accepted = enrol(version)

    queue = staff.get(URL)
    everything = staff.get(URL, {"status": "all"})
    decided = staff.get(URL, {"status": "accepted"})

    assert list(queue.context["cl"].result_list) == [referred]
    assert set(everything.context["cl"].result_list) == {referred, accepted}
    assert list(decided.context["cl"].result_list) == [accepted]
    page = queue.content.decode()
    assert escape(referred.reasons[0]) in page
    assert referred.member.legal_name in page


def test_accepting_asks_for_a_reason_first(staff, referred):
    """The first post shows the intermediate form; nothing is decided yet."""
    response = act(staff, "accept", [referred])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/action_form.html"
    assert 'name="reason"' in response.content.decode()
    referred.refresh_from_db()
    assert referred.status == Application.Status.REFERRED


def test_a_decision_without_a_reason_is_refused(staff, referred):
    response = act(staff, "decline", [referred], apply="yes", reason="   ")

    assert response.templates[0].name == "admin/action_form.html"
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    referred.refresh_from_db()
    assert referred.status == Application.Status.REFERRED


def test_accepting_with_a_reason_admits_the_member_through_the_service(staff, admin_user, referred):
    response = act(staff, "accept", [referred], apply="yes", reason="Discharged, fully recovered.")

    assert response.status_code == 200
    assert "1 application accepted." in response.content.decode()
    referred.refresh_from_db()
    assert referred.status == Application.Status.ACCEPTED
    assert referred.decided_by == admin_user
    assert referred.reasons[-1] == "Discharged, fully recovered."
    member = referred.member
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE and member.member_number
    assert member.coverages.count() == 1
    event = member.events.get(type=MemberEvent.Type.ACCEPTED)
    assert event.actor == admin_user and "fully recovered" in event.reason


def test_declining_with_a_reason_declines_through_the_service(staff, referred):
    act(staff, "decline", [referred], apply="yes", reason="Hospital stay for a chronic illness.")

    referred.refresh_from_db()
    assert referred.status == Application.Status.DECLINED
    assert referred.member.status == Member.Status.DECLINED
    assert referred.reasons[-1] == "Hospital stay for a chronic illness."


def test_each_refusal_of_the_service_is_reported_and_the_others_are_decided(
    staff, version, referred
):
    """An application decided meanwhile is reported by name; the rest go through."""
    other = enrol(version, yes=("refer",))
    act(staff, "decline", [other], apply="yes", reason="first")

    response = act(staff, "accept", [referred, other], apply="yes", reason="second look")

    page = response.content.decode()
    assert "This application was decided already (Declined)." in page
    assert "1 application accepted." in page
    referred.refresh_from_db()
    assert referred.status == Application.Status.ACCEPTED


def test_a_reader_cannot_decide(client, referred):
    """Without the change permission the actions are not offered."""
    reader = user_with_perms("reader", "members.view_application")
    client.force_login(reader)

    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["action_form"] is None

    act(client, "accept", [referred], apply="yes", reason="no")
    referred.refresh_from_db()
    assert referred.status == Application.Status.REFERRED
