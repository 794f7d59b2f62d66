"""Messages to members, sent by Celery after the transaction that caused them commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from mutualsociety.common.selectors import society_get

from ..events import member_event
from ..models import Member, MemberEvent


def member_send_welcome(*, member_id: int) -> bool:
    """Send the welcome e-mail once; returns False when it was sent already or cannot be.

    Sent outside any transaction; the member row records that it went, so a retried task
    does not send it twice.
    """
    member = Member.objects.select_related("user").filter(pk=member_id).first()
    if member is None or member.welcome_sent_at or not member.email or not member.member_number:
        return False
    language = member.user.preferred_language if member.user else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "member": member,
            "society": society_get(),
            "society_currency": settings.SOCIETY_CURRENCY,
        }
        subject = render_to_string("members/email/welcome_subject.txt", context).strip()
        body = render_to_string("members/email/welcome.txt", context)
    send_mail(subject, body, None, [member.email])
    with transaction.atomic():
        updated = Member.objects.filter(pk=member.pk, welcome_sent_at__isnull=True).update(
            welcome_sent_at=timezone.now()
        )
        if updated:
            member_event(member=member, type=MemberEvent.Type.NOTICE, new="welcome")
    return bool(updated)
