"""The daily job: flag the complaints whose acknowledgement or outcome is due or overdue
and e-mail their handler and the compliance officer, at most once per complaint and day.

The flags come from the database (``selectors.complaints_to_remind``); the day's
reminders are written in one INSERT that the unique key (complaint, day) makes
idempotent, and each new one queues its e-mail in the outbox under its own key, so a
second run the same day (or two runs at once) adds nothing and sends nothing more.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.selectors import role_emails
from mutualsociety.common.services import outbox_enqueue

from ..models import ComplaintReminder
from ..selectors import complaints_to_remind
from .settings import complaint_settings_get


def complaints_remind(*, today: dt.date | None = None) -> dict[str, int]:
    """Flag today's due and overdue complaints and queue one e-mail each (issue 13: the
    acknowledgement and outcome deadlines). Returns ``{"flagged": n, "queued": m}``;
    a second run the same day queues nothing."""
    from ..tasks import reminder_email  # tasks sit above services

    today = today or timezone.localdate()
    flagged: list[tuple[int, str, str]] = list(
        complaints_to_remind(today=today, settings=complaint_settings_get()).values_list(
            "pk", "ack_flag", "resolve_flag"
        )  # type: ignore[misc]  # the flags are annotations django-stubs cannot see
    )
    with transaction.atomic():
        already = set(
            ComplaintReminder.objects.filter(day=today).values_list("complaint_id", flat=True)
        )
        new = [
            ComplaintReminder(complaint_id=pk, day=today, flags=[f for f in (ack, res) if f])
            for pk, ack, res in flagged
            if pk not in already
        ]
        ComplaintReminder.objects.bulk_create(new, ignore_conflicts=True)
        # Every reminder of the day not yet sent has its e-mail in the outbox (its key
        # makes a second run, or a run beside this one, add nothing).
        waiting = ComplaintReminder.objects.filter(day=today, sent_at__isnull=True)
        for reminder_id in waiting.values_list("pk", flat=True):
            outbox_enqueue(
                task=reminder_email,
                args=[reminder_id],
                key=f"support.reminder_email:{reminder_id}",
            )
    return {"flagged": len(flagged), "queued": len(new)}


def reminder_email_send(*, reminder_id: int) -> bool:
    """Send one reminder to the complaint's handler and the compliance officers: the row
    is claimed (``sent_at``) in the transaction that sends, so a task run twice sends
    once. False when there was nothing to send."""
    with transaction.atomic():
        reminder = (
            ComplaintReminder.objects.select_for_update(of=("self",))
            .select_related("complaint", "complaint__handler")
            .filter(pk=reminder_id, sent_at__isnull=True)
            .first()
        )
        if reminder is None:
            return False
        complaint = reminder.complaint
        recipients = set(role_emails("compliance_officer"))
        handler = complaint.handler
        if handler is not None and handler.email:
            recipients.add(handler.email)
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
        if not recipients:
            return False
        labels = dict(ComplaintReminder.Flag.choices)
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "complaint": complaint,
                "flags": [str(labels.get(f, f)) for f in reminder.flags],
            }
            subject = render_to_string("support/email/reminder_subject.txt", context)
            body = render_to_string("support/email/reminder.txt", context)
        send_mail(
            " ".join(subject.split())[:300],
            body,
            settings.DEFAULT_FROM_EMAIL,
            sorted(recipients),
        )
    return True
