"""The welcome: the first message to a new member, through the notification centre."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from mutualsociety.common.selectors import society_get

from ..events import member_event
from ..models import Member, MemberEvent, Notification, Topic
from .delivery import notification_email_send
from .notifications import member_notify


def member_welcome(*, member: Member) -> Notification:
    """Welcome a newly admitted member (in the caller's transaction): the welcome letter
    in their notification centre, e-mailed after the commit (membership messages are
    always e-mailed), ``welcome_sent_at`` and a notice event, once. Calling it again
    returns the same notification."""
    notification = member_notify(
        member=member,
        topic=Topic.MEMBERSHIP,
        key=f"members.welcome:{member.pk}",
        template="members/email/welcome",
        context={
            "member": member,
            "society": society_get(),
            "society_currency": settings.SOCIETY_CURRENCY,
        },
    )
    updated = Member.objects.filter(pk=member.pk, welcome_sent_at__isnull=True).update(
        welcome_sent_at=notification.created_at
    )
    if updated:
        member_event(member=member, type=MemberEvent.Type.NOTICE, new="welcome")
    return notification


def member_send_welcome(*, member_id: int) -> bool:
    """Send the welcome e-mail now if it is still waiting (outside any transaction);
    returns False when it went already or cannot go. Welcomes the member first if that
    was not recorded (a task queued before the notification centre)."""
    member = Member.objects.select_related("user").filter(pk=member_id).first()
    if member is None or not member.member_number:
        return False
    with transaction.atomic():
        notification = member_welcome(member=member)
    return notification_email_send(notification_id=notification.pk)
