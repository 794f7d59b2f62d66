"""Governance with Redis down (broker and cache on a closed port): convening commits and
answers 200 while the notices wait in the outbox (sent once when Redis is back), and
anyone can still check a receipt although its throttle's cache is unreachable."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings as django_settings
from django.core import mail
from rest_framework.test import APIClient

from governance.models import Meeting
from governance.services.voting import ballot_cast
from mutualsociety.common.models import OutboxTask
from mutualsociety.common.services import outbox_relay
from tests.governance.factories import meeting_make, meeting_voting, members_make

pytestmark = pytest.mark.django_db


def convene_through_the_api(secretary, meeting, capture):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(secretary)
    started = time.monotonic()
    with capture(execute=True):
        response = client.post(f"/api/v1/governance/meetings/{meeting.pk}/convene/")
    return response, time.monotonic() - started


def voters_and_a_meeting(request):
    """Two members and a drafted meeting, their welcomes sent; then Redis goes down."""
    members_make(2)
    meeting = meeting_make(opens_in=dt.timedelta(days=21))
    outbox_relay()  # the set-up's own e-mails (welcomes), in-process
    mail.outbox.clear()
    request.getfixturevalue("redis_down")
    return meeting


def test_convening_with_redis_down_answers_200_and_keeps_the_notices(
    request, articles, secretary, django_capture_on_commit_callbacks
):
    meeting = voters_and_a_meeting(request)

    response, elapsed = convene_through_the_api(
        secretary, meeting, django_capture_on_commit_callbacks
    )

    assert response.status_code == 200, response.content
    assert elapsed < 5, f"convening took {elapsed:.1f} s"
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CONVENED
    # the notices' e-mails (and, since the disclosure issue, the published notice's task)
    row = OutboxTask.objects.get(state="pending", task="governance.send_convening_notices")
    assert (row.task, row.args, row.key, row.state) == (
        "governance.send_convening_notices",
        [meeting.pk],
        f"governance.send_convening_notices:{meeting.pk}:convened",
        "pending",
    )
    assert mail.outbox == []


@pytest.mark.redis
def test_the_notices_kept_during_the_outage_go_once_when_redis_is_back(
    request, articles, secretary, broker_back, django_capture_on_commit_callbacks
):
    meeting = voters_and_a_meeting(request)
    convene_through_the_api(secretary, meeting, django_capture_on_commit_callbacks)
    broker = broker_back()

    # the notices' e-mails, and the disclosure's task that publishes the notice
    assert outbox_relay()["sent"] == 2
    assert outbox_relay()["sent"] == 0

    assert sorted((m["task"], m["args"]) for m in broker.messages()) == [
        ("disclosure.publish_meeting_notice", [meeting.pk]),
        ("governance.send_convening_notices", [meeting.pk]),
    ]
    assert broker.run_all() == 2
    assert len(mail.outbox) == 2  # one notice to each voter


def test_a_receipt_can_be_checked_while_the_throttle_cache_is_down(articles, redis_down, settings):
    """The anonymous rate would refuse the second check; with its counters unreachable
    both checks answer 200 (never 500)."""
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "1/hour",
            "user": "1/hour",
        },
    }
    (voter,) = members_make(1)
    meeting = meeting_voting()
    receipt = ballot_cast(motion=meeting.motions.get(), voter=voter, choice="for").receipt
    client = APIClient()

    answers = [client.get(f"/api/v1/governance/receipts/{receipt}/") for _ in range(2)]

    assert [a.status_code for a in answers] == [200, 200]
    assert answers[1].json()["counted"] is True
