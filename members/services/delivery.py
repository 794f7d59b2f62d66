"""Sending the notification centre's messages (``members.services.notifications`` writes
them): after the commit, outside any transaction, by the tasks in ``members.tasks``.

Sending claims the row first (``pending`` → ``sent`` in the transaction that sends), so a
task run twice sends once, and a failed send leaves it pending for the retry. A batch
(``member_notify_many``) is read in chunks, and the rows of members with no address are
marked in one ``UPDATE`` each.
"""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Delivery, Notification
from ..providers import sms_provider

#: How many notifications of a batch are read at a time while sending it.
DELIVERY_CHUNK = 2000


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification if it is still waiting; True when it went now."""
    notification = Notification.objects.select_related("member").filter(pk=notification_id).first()
    if notification is None or notification.email_state != Delivery.PENDING:
        return False
    return _email(notification)


def notification_sms_send(*, notification_id: int) -> bool:
    """Text one notification if it is still waiting; True when it went now."""
    notification = Notification.objects.select_related("member").filter(pk=notification_id).first()
    if notification is None or notification.sms_state != Delivery.PENDING:
        return False
    return _sms(notification)


def notifications_deliver(*, batch: str) -> int:
    """Send what is still waiting in a batch (``member_notify_many``), oldest first, read
    in chunks; returns how many e-mails went now. A failed send stops the run with its
    error (the task retries); what went before it stays sent. The rows of members with no
    address (or no phone) are marked so first, in one UPDATE each, not one per row."""
    for state, contact in (("email_state", "member__email"), ("sms_state", "member__phone")):
        Notification.objects.filter(batch=batch, **{state: Delivery.PENDING, contact: ""}).update(
            **{state: Delivery.NO_ADDRESS}
        )
    pending = (
        Notification.objects.filter(batch=batch)
        .filter(Q(email_state=Delivery.PENDING) | Q(sms_state=Delivery.PENDING))
        .select_related("member")
        .order_by("pk")
    )
    sent = 0
    for notification in pending.iterator(chunk_size=DELIVERY_CHUNK):
        if notification.email_state == Delivery.PENDING:
            sent += _email(notification)
        if notification.sms_state == Delivery.PENDING:
            _sms(notification)
    return sent


def _claim(notification: Notification, **changes: Any) -> bool:
    field = "email_state" if "email_state" in changes else "sms_state"
    return bool(
        Notification.objects.filter(pk=notification.pk, **{field: Delivery.PENDING}).update(
            **changes
        )
    )


def _email(notification: Notification) -> bool:
    # Claim the row and send in one short transaction: a concurrent run cannot send it
    # twice (the claim locks the row), and a failed send rolls the claim back.
    address = notification.member.email
    with transaction.atomic():
        if not address:
            _claim(notification, email_state=Delivery.NO_ADDRESS)
            return False
        if not _claim(notification, email_state=Delivery.SENT, emailed_at=timezone.now()):
            return False
        send_mail(notification.subject, notification.body, None, [address])
    return True


def _sms(notification: Notification) -> bool:
    phone = notification.member.phone
    with transaction.atomic():
        if not phone:
            _claim(notification, sms_state=Delivery.NO_ADDRESS)
            return False
        if not _claim(notification, sms_state=Delivery.SENT, sms_sent_at=timezone.now()):
            return False
        message_id = sms_provider().send(phone, notification.subject)
        Notification.objects.filter(pk=notification.pk).update(sms_message_id=message_id[:100])
    return True
