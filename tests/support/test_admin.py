"""The complaints queue in the admin: open complaints with their flags by default, the
overdue filter, the steps as actions that call the services (a refused one names the
complaint and the rule), and nothing for staff without the handling permission."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from support.models import Complaint
from tests.accounts.factories import enrol
from tests.claims.factories import covered_member
from tests.support.factories import file_for, handler_make, resolved, staff_in

pytestmark = pytest.mark.django_db
QUEUE = "admin:support_complaint_changelist"


def _staff_client(client, user):
    from django_otp import DEVICE_ID_SESSION_KEY

    device = enrol(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_the_queue_shows_open_complaints_with_flags_and_filters_overdue(client, aid):
    member = covered_member(aid)
    handler = handler_make()
    late = file_for(member)
    Complaint.objects.filter(pk=late.pk).update(
        acknowledge_by=timezone.localdate() - dt.timedelta(days=2)
    )
    fresh = file_for(member)
    done = resolved(member, handler)
    _staff_client(client, handler)

    page = client.get(reverse(QUEUE))
    overdue = client.get(reverse(QUEUE), {"queue": "overdue"})

    assert page.status_code == 200
    shown = {c.pk for c in page.context["cl"].result_list}
    assert shown == {late.pk, fresh.pk}  # the answered one is not work to do
    assert done.pk not in shown
    assert "Acknowledgement overdue" in page.content.decode()
    assert {c.pk for c in overdue.context["cl"].result_list} == {late.pk}


def test_the_actions_call_the_services(client, aid):
    member = covered_member(aid)
    handler = handler_make()
    complaint = file_for(member)
    _staff_client(client, handler)

    client.post(
        reverse(QUEUE),
        {"action": "acknowledge", ACTION_CHECKBOX_NAME: [complaint.pk], "apply": "1", "note": ""},
    )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ACKNOWLEDGED
    assert complaint.events.latest().actor == handler

    response = client.post(
        reverse(QUEUE),
        {"action": "investigate", ACTION_CHECKBOX_NAME: [complaint.pk]},
        follow=True,
    )
    response = client.post(
        reverse(QUEUE),
        {"action": "investigate", ACTION_CHECKBOX_NAME: [complaint.pk]},
        follow=True,
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert shown == [
        f"{complaint.reference}: A complaint that is Being investigated cannot become "
        "Being investigated."
    ]
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.INVESTIGATING


def test_staff_without_the_handling_permission_get_no_actions(client, aid):
    complaint = file_for(covered_member(aid))
    supervisor = staff_in("supervisor")
    _staff_client(client, supervisor)

    page = client.get(reverse(QUEUE))
    assert page.status_code == 200
    client.post(reverse(QUEUE), {"action": "investigate", ACTION_CHECKBOX_NAME: [complaint.pk]})
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED


def test_a_handler_takes_a_complaint_over(client, aid):
    complaint = file_for(covered_member(aid))
    second = handler_make()
    _staff_client(client, second)

    client.post(reverse(QUEUE), {"action": "take", ACTION_CHECKBOX_NAME: [complaint.pk]})

    complaint.refresh_from_db()
    assert complaint.handler == second
    event = complaint.events.get(type="assigned")
    assert (event.actor, event.new_value) == (second, second.username)
