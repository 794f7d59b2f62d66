"""POST /api/v1/enrolment/ with Redis down: the broker and the cache on a closed port.

The enrolment commits and answers 201 at once; the welcome e-mail waits in the outbox and
is handed to the broker once when Redis is back. The throttles let requests through
while their cache is unreachable.
"""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings
from django.core import mail

from members.models import Member
from mutualsociety.common.models import OutboxTask
from mutualsociety.common.services import outbox_relay
from tests.members.api.conftest import enrolment_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/enrolment/"


def enrol_while_redis_is_down(client, premium, capture, **overrides):
    started = time.monotonic()
    with capture(execute=True):  # the commit's callbacks run, as at the end of a request
        response = client.post(
            URL, enrolment_body(premium, **overrides), content_type="application/json"
        )
    return response, time.monotonic() - started


def test_an_enrolment_with_redis_down_answers_201_and_keeps_the_welcome(
    client, premium, redis_down, django_capture_on_commit_callbacks
):
    """201 within seconds (not the 19-second hang and a 500): the member exists, the
    welcome is a pending outbox row, nothing was sent yet."""
    response, elapsed = enrol_while_redis_is_down(
        client, premium, django_capture_on_commit_callbacks, username="li.na"
    )

    assert response.status_code == 201, response.content
    assert elapsed < 5, f"the enrolment took {elapsed:.1f} s"
    member = Member.objects.get(user__username="li.na")
    assert response.json()["member_number"] == member.member_number
    row = OutboxTask.objects.get()
    welcome = member.notifications.get()  # in the portal at once; its e-mail waits
    assert (row.task, row.args, row.key) == (
        "members.notification_email",
        [welcome.pk],
        f"members.notification_email:{welcome.pk}",
    )
    assert (row.state, row.attempts) == (OutboxTask.State.PENDING, 1)
    assert mail.outbox == []


def test_the_throttles_let_enrolments_through_while_their_cache_is_down(
    client, premium, redis_down, settings, django_capture_on_commit_callbacks, caplog
):
    """The rates would refuse the second request, but their counters cannot be read:
    both answer 201 (never 500), and the cache's outage is logged once."""
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/hour", "user": "1/hour", "enrolment": "1/hour"},
    }

    first, _ = enrol_while_redis_is_down(
        client, premium, django_capture_on_commit_callbacks, username="first"
    )
    second, _ = enrol_while_redis_is_down(
        client, premium, django_capture_on_commit_callbacks, username="second"
    )

    assert (first.status_code, second.status_code) == (201, 201)
    cache_warnings = [r for r in caplog.records if r.name == "mutualsociety.cache"]
    assert len(cache_warnings) == 1
    assert "unreachable" in cache_warnings[0].getMessage()


@pytest.mark.redis
def test_the_welcome_kept_during_the_outage_is_sent_once_when_redis_is_back(
    client, premium, redis_down, broker_back, django_capture_on_commit_callbacks
):
    response, _ = enrol_while_redis_is_down(client, premium, django_capture_on_commit_callbacks)
    assert response.status_code == 201
    member = Member.objects.get()
    broker = broker_back()

    assert outbox_relay() == {"sent": 1, "pending": 0}
    assert outbox_relay() == {"sent": 0, "pending": 0}

    assert [(m["task"], m["args"]) for m in broker.messages()] == [
        ("members.notification_email", [member.notifications.get().pk])
    ]
    assert broker.run_all() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
