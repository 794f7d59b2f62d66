"""The notification centre: every message the platform sends a member is recorded for the
portal, and e-mailed or texted as the member chose per topic.

Other apps tell a member something with ``member_notify`` (one member) or
``member_notify_many`` (a set of members, set-based), inside the transaction of the
change that caused it. The row is the member's record; the e-mail and the SMS are queued
in the task outbox in the same transaction and sent after the commit (a broker outage
keeps them waiting, never loses them). ``key`` names the message: a replayed call adds
no row and sends nothing more. The sending itself, after the commit, is
``members.services.delivery``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput
from mutualsociety.common.services import outbox_enqueue

from ..events import member_event
from ..models import (
    Delivery,
    Member,
    MemberEvent,
    Notification,
    NotificationPreference,
    Topic,
)
from ..models.notifications import ALWAYS_EMAILED, email_default


def member_language(member: Member) -> str:
    """The language a member is written to in: the one of their login, else the site's."""
    user = member.user if member.user_id else None
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def notification_render(
    template: str, context: Mapping[str, Any], *, language: str
) -> tuple[str, str]:
    """(subject, body) from ``<template>_subject.txt`` and ``<template>.txt``."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", dict(context)).strip()
        body = render_to_string(f"{template}.txt", dict(context))
    return " ".join(subject.split())[:300], body


@dataclass(frozen=True)
class Channels:
    email: bool
    sms: bool


def notification_channels(*, member: Member, topic: str) -> Channels:
    """The member's choice for a topic: e-mail on (off for the topics e-mailed only on
    request) and SMS off unless they saved otherwise; membership messages are always
    e-mailed."""
    row = NotificationPreference.objects.filter(member=member, topic=topic).first()
    email = row.email if row else email_default(topic)
    return Channels(email=email or topic in ALWAYS_EMAILED, sms=row.sms if row else False)


def _state(wanted: bool, address: str) -> str:
    if not address:
        return Delivery.NO_ADDRESS
    return Delivery.PENDING if wanted else Delivery.OFF


def member_notify(
    *,
    member: Member,
    topic: str,
    key: str,
    subject: str = "",
    body: str = "",
    link: str = "",
    template: str | None = None,
    context: Mapping[str, Any] | None = None,
) -> Notification:
    """Tell ``member`` something: record it for the portal and, as they chose for
    ``topic``, queue the e-mail and the SMS for after the commit (in the caller's
    transaction). The text is ``subject`` and ``body``, or rendered from ``template``
    (``<template>_subject.txt`` and ``<template>.txt``) with ``context`` in the member's
    language. Calling again with the same ``key`` returns the first notification and
    queues nothing; the same key for another member or topic is a conflict."""
    if topic not in Topic.values:
        raise ValueError(f"Unknown notification topic {topic!r}.")
    key = key[:200]
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        if (existing.member_id, existing.topic) != (member.pk, topic):
            raise IdempotencyConflict(
                _("This message was already recorded for another member or topic.")
            )
        return existing
    if template is not None:
        subject, body = notification_render(
            template, context or {}, language=member_language(member)
        )
    if not subject:
        raise ValueError("A notification needs a subject (or a template).")
    channels = notification_channels(member=member, topic=topic)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            key=key,
            defaults={
                "member": member,
                "topic": topic,
                "subject": subject[:300],
                "body": body,
                "link": link[:300],
                "email_state": _state(channels.email, member.email),
                "sms_state": _state(channels.sms, member.phone),
            },
        )
        if created:
            _queue(notification)
    return notification


def _queue(notification: Notification) -> None:
    from ..tasks import notification_email, notification_sms  # tasks sit above services

    if notification.email_state == Delivery.PENDING:
        outbox_enqueue(
            task=notification_email,
            args=[notification.pk],
            key=f"members.notification_email:{notification.pk}",
        )
    if notification.sms_state == Delivery.PENDING:
        outbox_enqueue(
            task=notification_sms,
            args=[notification.pk],
            key=f"members.notification_sms:{notification.pk}",
        )


class MemberPlaceholder:
    """Stands for each member while a batch's text is rendered once per language: the
    tokens are replaced by every member's own values in the INSERT ... SELECT."""

    legal_name = "\u27e6member.legal_name\u27e7"
    member_number = "\u27e6member.member_number\u27e7"


def member_notify_many(
    *,
    members: QuerySet[Member],
    topic: str,
    key: str,
    template: str | None = None,
    context: Mapping[str, Any] | None = None,
    subject: str = "",
    body: str = "",
    link: str = "",
    queue: bool = True,
    ids: tuple[int, int] | None = None,
) -> int:
    """Tell every member of ``members`` the same thing, set-based: one
    ``INSERT ... SELECT`` of the notification rows (keyed ``<key>:<member id>``; rows
    already there are left alone, so a replay adds nothing), the text rendered once per
    language with the member's name and number filled in by SQL (``member`` in the
    template is a ``MemberPlaceholder``), each member's e-mail / SMS choice read in the
    same statement. Then one outbox row sends the batch after the commit
    (``notifications_deliver``) — or none with ``queue=False``, for a caller that is
    itself the after-commit task and sends the batch right away. ``ids`` (lo, hi): only
    the members ``lo < id <= hi`` of them, one chunk of a batch run; the bound is put on
    the members' table itself, so that a chunk reads its own members by their key and not
    every member of the society (docs/scaling.md, "Publishing a period"). Returns how many
    rows were added."""
    if topic not in Topic.values:
        raise ValueError(f"Unknown notification topic {topic!r}.")
    default = settings.LANGUAGE_CODE
    texts: dict[str, tuple[str, str]] = {}
    for language, _name in settings.LANGUAGES:
        if template is not None:
            texts[language] = notification_render(
                template, {**(context or {}), "member": MemberPlaceholder()}, language=language
            )
        else:
            texts[language] = (subject, body)
    if not texts.get(default, ("", ""))[0]:
        raise ValueError("A notification needs a subject (or a template).")

    def by_language(index: int) -> tuple[str, list[str]]:
        cases = "".join(" WHEN %s THEN %s" for other in texts if other != default)
        params: list[str] = [default]
        for other, text in texts.items():
            if other != default:
                params += [other, text[index]]
        sql = f"CASE COALESCE(NULLIF(u.preferred_language, ''), %s){cases} ELSE %s END"
        return (
            f"REPLACE(REPLACE({sql}, %s, m.legal_name), %s, COALESCE(m.member_number, ''))",
            [*params, texts[default][index], MemberPlaceholder.legal_name,
             MemberPlaceholder.member_number],
        )  # fmt: skip

    subject_sql, subject_params = by_language(0)
    body_sql, body_params = by_language(1)
    email_on = (
        "TRUE"
        if topic in ALWAYS_EMAILED
        else f"COALESCE(p.email, {'TRUE' if email_default(topic) else 'FALSE'})"
    )
    ids_sql, ids_params = members.order_by().values("pk").query.sql_with_params()
    bounds = " AND m.id > %s AND m.id <= %s" if ids is not None else ""
    user_table = Member._meta.get_field("user").related_model._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"INSERT INTO {Notification._meta.db_table} (member_id, topic, key, batch, subject, "  # noqa: S608
        "body, link, created_at, email_state, sms_state, sms_message_id) "
        f"SELECT m.id, %s, %s || CAST(m.id AS VARCHAR(20)), %s, SUBSTR({subject_sql}, 1, 300), "
        f"{body_sql}, %s, %s, "
        f"CASE WHEN m.email = '' THEN 'no_address' WHEN {email_on} THEN 'pending' "
        "ELSE 'off' END, "
        "CASE WHEN m.phone = '' THEN 'no_address' WHEN COALESCE(p.sms, FALSE) THEN 'pending' "
        "ELSE 'off' END, '' "
        f"FROM {Member._meta.db_table} m LEFT JOIN {user_table} u ON u.id = m.user_id "
        f"LEFT JOIN {NotificationPreference._meta.db_table} p "
        "ON p.member_id = m.id AND p.topic = %s "
        f"WHERE m.id IN ({ids_sql}){bounds} "
        "ON CONFLICT (key) DO NOTHING"
    )
    params = [
        topic,
        f"{key}:",
        key,
        *subject_params,
        *body_params,
        link[:300],
        now,
        topic,
        *ids_params,
        *(ids or ()),
    ]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            added = max(cursor.rowcount, 0)
        if queue and added:
            notifications_deliver_later(batch=key)
    return added


def notifications_deliver_later(*, batch: str) -> None:
    """Queue the sending of a batch of ``member_notify_many`` after the commit (one
    outbox row; ``notifications_deliver`` sends what is still waiting in it). For a
    caller that wrote the batch in several transactions with ``queue=False``: the batch
    run of a published period's notices queues it once, when every chunk is in."""
    from ..tasks import deliver_notifications  # tasks sit above services

    outbox_enqueue(
        task=deliver_notifications,
        args=[batch],
        key=f"members.deliver_notifications:{batch}:{timezone.now().isoformat()}",
    )


# --- The member's own actions in the portal ---


def notification_mark_read(*, member: Member, notification_id: int) -> Notification:
    """Mark one of the member's own notifications read (once: reading it again keeps the
    first time). Another member's notification is not found
    (``Notification.DoesNotExist``)."""
    with transaction.atomic():
        notification = Notification.objects.get(pk=notification_id, member=member)
        if notification.read_at is None:
            notification.read_at = timezone.now()
            Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
                read_at=notification.read_at
            )
    return notification


def notifications_mark_all_read(*, member: Member) -> int:
    """Mark every unread notification of the member read, in one UPDATE."""
    return Notification.objects.filter(member=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_preferences_set(
    *, member: Member, choices: Mapping[str, tuple[bool, bool]], actor=None
) -> dict[str, Channels]:
    """Save how the member wants to be told per topic: ``{topic: (email, sms)}``.
    Membership messages are always e-mailed; SMS needs a mobile number on file. A refusal
    names the field (``<topic>_email`` / ``<topic>_sms``) and saves nothing."""
    for topic, (email, sms) in choices.items():
        if topic not in Topic.values:
            raise InvalidInput(_("Unknown topic."), field="topic")
        if not email and topic in ALWAYS_EMAILED:
            raise InvalidInput(
                _("Messages about your membership are always sent by e-mail."),
                field=f"{topic}_email",
            )
        if sms and not member.phone:
            raise InvalidInput(
                _("Add a mobile phone number to your contact details to get text messages."),
                field=f"{topic}_sms",
            )
    saved: dict[str, Channels] = {}
    with transaction.atomic():
        for topic, (email, sms) in choices.items():
            NotificationPreference.objects.update_or_create(
                member=member, topic=topic, defaults={"email": email, "sms": sms}
            )
            saved[topic] = Channels(email=email, sms=sms)
        member_event(
            member=member,
            type=MemberEvent.Type.PROFILE,
            actor=actor,
            reason=_("Notification settings changed."),
            data={"notifications": {t: [c.email, c.sms] for t, c in saved.items()}},
        )
    return saved


def notifications_erase(*, member: Member, actor=None, reason: str = "") -> dict[str, int]:
    """At the member's request (PIPL art. 47): empty the bodies of their notifications
    (the subject and the date stay: that the society told them something, and when, is
    part of the record) and forget their notification settings (back to the defaults).
    Notifications still waiting to be sent keep their body until sent. Set-based; returns
    how many rows of each were changed."""
    with transaction.atomic():
        bodies = (
            Notification.objects.filter(member=member)
            .exclude(body="")
            .exclude(email_state=Delivery.PENDING)
            .exclude(sms_state=Delivery.PENDING)
            .update(body="", link="")
        )
        settings_removed, _by_model = NotificationPreference.objects.filter(member=member).delete()
        if bodies or settings_removed:
            member_event(
                member=member,
                type=MemberEvent.Type.PROFILE,
                actor=actor,
                reason=reason,
                data={"erased": {"notification_bodies": bodies, "settings": settings_removed}},
            )
    return {"bodies": bodies, "settings": settings_removed}
