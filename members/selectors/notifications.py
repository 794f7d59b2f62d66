"""The notification centre's reads: a member's own notifications and settings.

Domain authorization lives here: every read is of one member's rows (the portal passes
the signed-in person's membership), so no face can list another member's messages.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Member, Notification, NotificationPreference, Topic
from ..models.notifications import ALWAYS_EMAILED, email_default


def notifications_for_member(member: Member) -> QuerySet[Notification]:
    """The member's notifications, newest first."""
    return Notification.objects.filter(member=member).order_by("-created_at", "-pk")


def notification_for_member(member: Member, notification_id: int) -> Notification | None:
    """One of the member's own notifications; None for another member's (or none)."""
    return Notification.objects.filter(member=member, pk=notification_id).first()


def unread_notification_count(user) -> int:
    """How many notifications the signed-in person has not read: one query (0 for
    someone who is not a member)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(member__user_id=user.pk, read_at__isnull=True).count()


def notification_preferences(member: Member) -> dict[str, tuple[bool, bool]]:
    """``{topic: (email, sms)}`` for every topic, the defaults (e-mail on except for the
    topics e-mailed on request, SMS off) where the member saved nothing; membership
    messages always e-mailed."""
    saved = {
        row.topic: (row.email, row.sms)
        for row in NotificationPreference.objects.filter(member=member)
    }
    defaults = {topic: (email_default(topic), False) for topic in Topic.values}
    return {
        topic: (saved.get(topic, defaults[topic])[0] or topic in ALWAYS_EMAILED,
                saved.get(topic, defaults[topic])[1])
        for topic in Topic.values
    }  # fmt: skip
