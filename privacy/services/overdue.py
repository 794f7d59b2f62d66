"""The daily check of deadlines: requests not answered by their due date are flagged,
once, and their handler is e-mailed, once (PIPL art. 50: timely handling).

Flagging is set-based (one UPDATE, one INSERT of events); the e-mails are handed to the
task outbox in the same transaction and sent after the commit, each claimed first
(``overdue_emailed_at``) so that a task run twice sends once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.roles import ROLE_BY_SLUG
from mutualsociety.common.services import outbox_enqueue

from ..models import PrivacyRequest, PrivacyRequestEvent

OPEN = (PrivacyRequest.Status.RECEIVED, PrivacyRequest.Status.IN_PROGRESS)
#: Who is e-mailed about an overdue request nobody has taken up: the compliance officers.
COMPLIANCE_GROUP = ROLE_BY_SLUG["compliance_officer"].group_name


def privacy_requests_flag_overdue(*, today: dt.date | None = None) -> int:
    """Flag the open requests past their due date that are not flagged yet, and queue
    the e-mail to their handlers. Returns how many were flagged; a second run the same
    day flags none."""
    from ..tasks import overdue_emails  # tasks sit above services

    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        due = PrivacyRequest.objects.select_for_update().filter(
            status__in=OPEN, due_on__lt=today, overdue_at__isnull=True
        )
        ids = list(due.values_list("pk", flat=True))
        if not ids:
            return 0
        PrivacyRequest.objects.filter(pk__in=ids).update(overdue_at=now)
        PrivacyRequestEvent.objects.bulk_create(
            PrivacyRequestEvent(
                request_id=pk, type=PrivacyRequestEvent.Type.OVERDUE, at=now, new_value="overdue"
            )
            for pk in ids
        )
        outbox_enqueue(task=overdue_emails, key=f"privacy.overdue_emails:{today.isoformat()}")
    return len(ids)


def _recipients(request: PrivacyRequest) -> list[str]:
    handler = request.handler
    if handler is not None and handler.email:
        return [handler.email]
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=COMPLIANCE_GROUP)
        .exclude(email="")
    )
    found = sorted({u.email for u in users})
    return found or [admin[1] for admin in settings.ADMINS]


def privacy_overdue_emails_send() -> int:
    """E-mail the handler of each flagged request not e-mailed yet (each once); returns
    how many went now."""
    sent = 0
    pending = PrivacyRequest.objects.filter(
        overdue_at__isnull=False, overdue_emailed_at__isnull=True
    ).select_related("handler", "member")
    for request in pending:
        recipients = _recipients(request)
        if not recipients:
            continue
        with transaction.atomic():
            claimed = PrivacyRequest.objects.filter(
                pk=request.pk, overdue_emailed_at__isnull=True
            ).update(overdue_emailed_at=timezone.now())
            if not claimed:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                context = {"request": request}
                subject = render_to_string("privacy/email/overdue_subject.txt", context).strip()
                body = render_to_string("privacy/email/overdue.txt", context)
            send_mail(" ".join(subject.split()), body, None, recipients)
        sent += 1
    return sent
