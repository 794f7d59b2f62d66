"""The convening notice: one row per voter per meeting, each sent once.

Lower than ``meetings``: convening and the roll freeze queue the notices here
(``meeting_notices_enqueue``); nothing here imports the meeting services."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from mutualsociety.common.selectors import society_get
from mutualsociety.common.services import outbox_enqueue

from ..events import meeting_event
from ..models import ConveningNotice, Meeting, MeetingEvent, RollEntry
from ..selectors import eligible_members

S = Meeting.Status


def meeting_notices_enqueue(meeting_id: int, *, occasion: str) -> None:
    """The convening notice goes to every voter not yet sent one, after the commit: when
    the meeting is convened and again when its roll is frozen (new voters). Recorded in
    the task outbox in the caller's transaction (``outbox_enqueue``), once per occasion."""
    from ..tasks import send_convening_notices  # tasks sit above the services

    outbox_enqueue(
        task=send_convening_notices,
        args=[meeting_id],
        key=f"governance.send_convening_notices:{meeting_id}:{occasion}",
    )


def meeting_send_notices(*, meeting_id: int) -> int:
    """Create the missing notice rows (set-based) for the voters of the meeting: the
    frozen roll once frozen, else the members eligible today; then send each unsent one
    and mark it. Returns how many were sent now; a second run sends none. A notice whose
    send fails stays unsent (the error propagates, the task retries and sends it)."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None or meeting.status == S.DRAFTED:
        return 0
    if meeting.roll_frozen:
        voters = RollEntry.objects.filter(meeting=meeting).values("member_id").query
    else:
        voters = eligible_members(meeting.body, timezone.localdate()).order_by().values("pk").query
    # Set-based: one INSERT ... SELECT; a row already there (sent or not) is left alone.
    # ("WHERE true" lets SQLite parse ON CONFLICT after a SELECT.)
    column = "member_id" if meeting.roll_frozen else "pk"
    sql, params = voters.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ConveningNotice._meta.db_table} (meeting_id, member_id) "  # noqa: S608
            f"SELECT %s, sub.{column} FROM ({sql}) AS sub WHERE true "
            "ON CONFLICT (meeting_id, member_id) DO NOTHING",
            [meeting.pk, *params],
        )
    society = society_get()
    sent = 0
    pending = (
        ConveningNotice.objects.filter(meeting=meeting, sent_at__isnull=True)
        .select_related("member__user")
        .order_by("pk")
    )
    for notice in pending.iterator(chunk_size=2000):
        member = notice.member
        if not member.email:
            ConveningNotice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(
                sent_at=timezone.now()
            )
            continue
        language = (
            getattr(member.user, "preferred_language", "") if member.user else ""
        ) or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {"meeting": meeting, "member": member, "society": society}
            subject = render_to_string("governance/email/notice_subject.txt", context).strip()
            body = render_to_string("governance/email/notice.txt", context)
        # Claim the row and send in one short transaction (one row, one e-mail): a
        # concurrent run cannot send the same notice twice (the claim locks the row), and
        # a failed send rolls the claim back, so the task's retry sends it.
        with transaction.atomic():
            claimed = ConveningNotice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(
                sent_at=timezone.now()
            )
            if not claimed:
                continue
            send_mail(subject, body, None, [member.email])
        sent += 1
    if sent:
        meeting_event(meeting=meeting, type=MeetingEvent.Type.NOTICES_SENT, data={"sent": sent})
    return sent
