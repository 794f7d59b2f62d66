"""The daily deadline job: requests past their due date are flagged and their handler is
e-mailed, once, however often the job runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from privacy.models import PrivacyRequest
from privacy.services.overdue import privacy_overdue_emails_send
from privacy.services.requests import privacy_request_start, privacy_request_submit
from privacy.tasks import flag_overdue

pytestmark = pytest.mark.django_db


def _request(member, key: str) -> PrivacyRequest:
    return privacy_request_submit(
        member=member, actor=member.user, kind="deletion", key=key, items=["phone"]
    )


def test_an_overdue_request_is_flagged_and_its_handler_emailed_once(alice, officer):
    late = _request(alice, "late")
    on_time = _request(alice, "on-time")
    PrivacyRequest.objects.filter(pk=on_time.pk).update(
        due_on=on_time.due_on + dt.timedelta(days=5)
    )
    privacy_request_start(request=late, actor=officer)
    after_deadline = (late.due_on + dt.timedelta(days=1)).isoformat()
    mail.outbox.clear()

    assert flag_overdue(after_deadline) == 1
    privacy_overdue_emails_send()  # the outbox relays it after the commit
    assert flag_overdue(after_deadline) == 0
    privacy_overdue_emails_send()

    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.overdue_at is not None and late.overdue_emailed_at is not None
    assert on_time.overdue_at is None  # not due yet
    sent = [m for m in mail.outbox if "overdue" in m.subject]
    assert len(sent) == 1
    assert sent[0].to == ["officer@example.com"]
    assert f"#{late.pk}" in sent[0].subject
    assert late.events.filter(type="overdue").count() == 1


def test_an_overdue_request_without_a_handler_goes_to_the_compliance_officers(alice, officer):
    request = _request(alice, "nobody")
    mail.outbox.clear()

    flag_overdue((request.due_on + dt.timedelta(days=3)).isoformat())
    privacy_overdue_emails_send()

    assert [m.to for m in mail.outbox if "overdue" in m.subject] == [["officer@example.com"]]


def test_a_request_due_today_or_answered_is_not_overdue(alice, officer):
    request = _request(alice, "today")

    assert flag_overdue(request.due_on.isoformat()) == 0
    assert flag_overdue(timezone.localdate().isoformat()) == 0
