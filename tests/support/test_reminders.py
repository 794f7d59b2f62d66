"""The daily job flags complaints due and overdue (acknowledgement and outcome) and
e-mails each one's handler and the compliance officer once a day at most."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from mutualsociety.common.models import OutboxTask
from mutualsociety.schedule import PERIODIC_TASKS
from support.models import Complaint, ComplaintReminder
from support.selectors import complaints_flagged
from support.services import complaint_acknowledge
from support.tasks import remind
from tests.claims.factories import covered_member
from tests.support.factories import file_for, handler_make, staff_in

pytestmark = pytest.mark.django_db
F = ComplaintReminder.Flag


def _dated(complaint, *, ack: dt.date, resolve: dt.date) -> Complaint:
    Complaint.objects.filter(pk=complaint.pk).update(acknowledge_by=ack, resolve_by=resolve)
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def today():
    return dt.date(2026, 11, 10)


def test_flags_due_and_overdue_from_the_deadlines(aid, today):
    member = covered_member(aid)
    handler = handler_make()
    late_ack = _dated(file_for(member), ack=today - dt.timedelta(days=1), resolve=today)
    ack_due = _dated(
        file_for(member), ack=today + dt.timedelta(days=1), resolve=today + dt.timedelta(days=9)
    )
    overdue = _dated(
        file_for(member), ack=today - dt.timedelta(days=9), resolve=today - dt.timedelta(days=1)
    )
    complaint_acknowledge(complaint=overdue, actor=handler)
    quiet = _dated(
        file_for(member), ack=today + dt.timedelta(days=5), resolve=today + dt.timedelta(days=9)
    )

    flags = {c.pk: (c.ack_flag, c.resolve_flag) for c in complaints_flagged(today=today)}

    assert flags[late_ack.pk] == (F.ACK_OVERDUE, F.DUE)
    assert flags[ack_due.pk] == (F.ACK_DUE, "")
    assert flags[overdue.pk] == ("", F.OVERDUE)
    assert flags[quiet.pk] == ("", "")


def test_the_job_emails_handler_and_compliance_once_a_day(
    aid, today, django_capture_on_commit_callbacks
):
    member = covered_member(aid)
    handler = handler_make(email="handler@example.com")
    staff_in("compliance_officer", email="compliance@example.com")
    complaint = _dated(
        file_for(member), ack=today - dt.timedelta(days=5), resolve=today - dt.timedelta(days=1)
    )
    complaint_acknowledge(complaint=complaint, actor=handler)
    _dated(file_for(member), ack=today + dt.timedelta(days=5), resolve=today + dt.timedelta(30))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = remind(today.isoformat())
    with django_capture_on_commit_callbacks(execute=True):
        second = remind(today.isoformat())

    assert first == {"flagged": 1, "queued": 1}
    assert second == {"flagged": 1, "queued": 0}
    (message,) = mail.outbox
    assert sorted(message.to) == ["compliance@example.com", "handler@example.com"]
    assert complaint.reference in message.subject
    reminder = ComplaintReminder.objects.get()
    assert (reminder.day, reminder.flags) == (today, [F.OVERDUE])
    assert reminder.sent_at is not None
    assert OutboxTask.objects.filter(key__startswith="support.reminder_email:").count() == 1

    # the next day it is still overdue: one more e-mail
    with django_capture_on_commit_callbacks(execute=True):
        remind((today + dt.timedelta(days=1)).isoformat())
    assert len(mail.outbox) == 2


def test_the_job_is_in_the_schedule():
    (job,) = [j for j in PERIODIC_TASKS if j.task == "support.remind"]
    assert (job.hour, job.minute) == ("7", "30")
