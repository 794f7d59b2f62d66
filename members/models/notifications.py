"""The notification centre: every message the platform sends a member, kept for the portal,
and how each member wants to be told per topic.

``members.services.notifications.member_notify`` (one member) and ``member_notify_many``
(set-based, a convening notice to every voter) write the rows; the e-mail and the SMS go
after the commit through the task outbox. A row is never deleted: it is the member's
record of what they were told and when.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import Member


class Topic(models.TextChoices):
    """What a message is about; a member chooses per topic how to be told."""

    MEETINGS = "meetings", _("Meetings and votes")
    CLAIMS = "claims", _("Claims")
    APPORTIONMENT = "apportionment", _("Apportionment")
    COMPLAINTS = "complaints", _("Complaints")
    DISCLOSURE = "disclosure", _("Information disclosure")
    MEMBERSHIP = "membership", _("Membership and account")


#: Messages about the membership itself (the welcome, the member number, a change of
#: status) are always e-mailed: they carry legal effects a member must not miss by a
#: setting. The member may still add an SMS.
ALWAYS_EMAILED = frozenset({Topic.MEMBERSHIP})

#: Topics listed in the portal but e-mailed only to members who ask for it: a society
#: publishes many documents a year, and the members who want each of them by e-mail say
#: so in their settings.
EMAILED_ON_REQUEST = frozenset({Topic.DISCLOSURE})


def email_default(topic: str) -> bool:
    """Whether a topic is e-mailed to a member who saved no choice for it."""
    return topic not in EMAILED_ON_REQUEST


class Delivery(models.TextChoices):
    """The state of one channel (e-mail or SMS) of one notification."""

    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    OFF = "off", _("Not wanted (the member's choice)")
    NO_ADDRESS = "no_address", _("No address on file")


class Notification(models.Model):
    """One message to one member: listed in the portal, and e-mailed or texted as the
    member chose. ``key`` names the message ("claims.paid:12"): a replayed call adds
    nothing."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="notifications"
    )
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    key = models.CharField(
        _("key"),
        max_length=200,
        help_text=_("Names the message; the same message is recorded once."),
    )
    batch = models.CharField(
        _("batch"),
        max_length=200,
        blank=True,
        help_text=_("The message sent to many members at once that this one is part of."),
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=16, choices=Delivery.choices, default=Delivery.PENDING
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    sms_state = models.CharField(
        _("SMS"), max_length=16, choices=Delivery.choices, default=Delivery.OFF
    )
    sms_sent_at = models.DateTimeField(_("SMS sent at"), null=True, blank=True)
    sms_message_id = models.CharField(
        _("SMS message id"),
        max_length=100,
        blank=True,
        help_text=_("The SMS provider's id of the text message."),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["key"], name="notification_key_unique"),
        ]
        indexes = [
            # The portal's list, newest first, and its unread count.
            models.Index(fields=["member", "-created_at", "-id"], name="notification_member_idx"),
            models.Index(
                fields=["member"],
                name="notification_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
            # The rows of a batch still to be e-mailed or texted.
            models.Index(
                fields=["batch", "id"],
                name="notification_batch_pending_idx",
                condition=Q(email_state="pending") | Q(sms_state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """How a member wants to be told about one topic besides the portal. No row means
    the defaults: e-mail on, SMS off."""

    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    email = models.BooleanField(_("e-mail"), default=True)
    sms = models.BooleanField(_("SMS"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "topic"], name="notification_preference_one_per_topic"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.topic}"
