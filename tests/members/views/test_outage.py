"""The enrolment wizard at /join/ with Redis down (broker and cache on a closed port):
the new member is accepted and signed in; the welcome waits in the outbox."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from members.models import Member
from mutualsociety.common.models import OutboxTask
from mutualsociety.common.services import outbox_relay

from .test_enrolment import walk

pytestmark = pytest.mark.django_db


def test_an_enrolment_in_the_portal_with_redis_down_succeeds(
    client, premium, redis_down, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = walk(client, premium)
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert response["Location"] == "/me/application/"
    assert elapsed < 10, f"the wizard took {elapsed:.1f} s"
    member = Member.objects.get()
    assert member.status == Member.Status.ACTIVE
    row = OutboxTask.objects.get()
    welcome = member.notifications.get()  # in the portal at once; its e-mail waits
    assert (row.task, row.args, row.state) == (
        "members.notification_email",
        [welcome.pk],
        "pending",
    )
    assert mail.outbox == []


@pytest.mark.redis
def test_the_portal_welcome_is_sent_once_when_redis_is_back(
    client, premium, redis_down, broker_back, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        walk(client, premium)
    broker = broker_back()

    assert outbox_relay()["sent"] == 1
    assert outbox_relay()["sent"] == 0
    assert broker.run_all() == 1
    assert [m.to for m in mail.outbox] == [["new.member@example.com"]]
