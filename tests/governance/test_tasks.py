"""Celery tasks: take ids, call one service; a second run changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from governance.models import ConveningNotice, Meeting, MeetingEvent
from governance.services.meetings import meeting_convene
from governance.tasks import freeze_rolls, send_convening_notices
from tests.governance.factories import meeting_make, members_make

pytestmark = pytest.mark.django_db


def test_notice_task_sends_once_then_nothing(articles):
    voters = members_make(3)
    meeting = meeting_convene(meeting=meeting_make(opens_in=dt.timedelta(days=21)))
    assert send_convening_notices.delay(meeting.pk).get() == 3
    assert send_convening_notices.delay(meeting.pk).get() == 0
    assert len(mail.outbox) == 3
    assert meeting.title in mail.outbox[0].subject
    assert ConveningNotice.objects.filter(meeting=meeting).count() == len(voters)


def test_after_the_freeze_notices_go_to_the_roll_including_late_joiners(articles):
    members_make(2)
    now = timezone.now()
    meeting = meeting_make(opens_in=dt.timedelta(days=21))
    meeting_convene(meeting=meeting, at=now)
    assert send_convening_notices(meeting.pk) == 2
    members_make(1)  # joins before the record date: on the roll, gets the notice too
    meeting.refresh_from_db()
    assert freeze_rolls(today=meeting.record_date.isoformat()) == 1
    assert send_convening_notices(meeting.pk) == 1
    assert freeze_rolls(today=meeting.record_date.isoformat()) == 0  # already frozen
    assert MeetingEvent.objects.filter(meeting=meeting, type="roll_frozen").count() == 1


def test_no_notice_for_a_drafted_meeting(articles):
    members_make(1)
    meeting = meeting_make()
    assert send_convening_notices(meeting.pk) == 0
    assert Meeting.objects.get(pk=meeting.pk).status == "drafted"
    assert not ConveningNotice.objects.exists()


def test_a_notice_whose_send_fails_is_sent_on_the_retry(articles):
    """The mail server refuses the first notice: the task fails (and Celery retries it);
    the retry must send that voter's notice, not skip it as already sent."""
    from unittest import mock

    from django.core.mail import send_mail as real_send_mail

    from governance.services import notices
    from members.services import delivery

    voters = members_make(2)
    with mock.patch("governance.services.meetings._notices_after_commit"):
        meeting = meeting_convene(meeting=meeting_make(opens_in=dt.timedelta(days=21)))
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args[3])
        if len(calls) == 1:
            raise OSError("smtp down")
        return real_send_mail(*args, **kwargs)

    # The notice's e-mail goes through the members' notification centre.
    with mock.patch.object(delivery, "send_mail", side_effect=flaky), pytest.raises(OSError):
        notices.meeting_send_notices(meeting_id=meeting.pk)
    assert len(mail.outbox) == 0
    assert not ConveningNotice.objects.filter(meeting=meeting, sent_at__isnull=False).exists()
    assert notices.meeting_send_notices(meeting_id=meeting.pk) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(v.email for v in voters)
    assert not ConveningNotice.objects.filter(meeting=meeting, sent_at__isnull=True).exists()
    assert notices.meeting_send_notices(meeting_id=meeting.pk) == 0
