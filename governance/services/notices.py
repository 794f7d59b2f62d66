"""The convening notice: one row per voter per meeting, each sent once.

Lower than ``meetings``: convening and the roll freeze queue the notices here
(``meeting_notices_enqueue``); nothing here imports the meeting services."""

from __future__ import annotations

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from members.models import Delivery, Member, Notification, Topic
from members.services.delivery import notifications_deliver
from members.services.notifications import member_notify_many
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
    frozen roll once frozen, else the members eligible today; then give each unsent one
    through the notification centre (``member_notify_many``, topic meetings: in the
    portal, and by e-mail unless the member turned meetings e-mail off) and mark it.
    Returns how many were given now; a second run gives none. A notice whose e-mail
    fails stays unsent (the error propagates, the task retries and sends it)."""
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
    # Every voter whose notice is not given yet is told through the notification centre:
    # one INSERT ... SELECT of their notifications (a replay adds none), then the e-mails
    # of the batch, sent right here (this task already runs after the commit).
    batch = f"governance.notice:{meeting.pk}"
    unsent = ConveningNotice.objects.filter(meeting=meeting, sent_at__isnull=True)
    member_notify_many(
        members=Member.objects.filter(pk__in=unsent.values("member_id")),
        topic=Topic.MEETINGS,
        key=batch,
        template="governance/email/notice",
        context={"meeting": meeting, "society": society_get()},
        link=reverse("governance:meeting", args=[meeting.pk]),
        queue=False,
    )
    # A failed send stops here with its error (the task retries); a notice counts as
    # given once its e-mail went (or is not wanted, or has no address).
    notifications_deliver(batch=batch)
    delivered = Notification.objects.filter(batch=batch).exclude(email_state=Delivery.PENDING)
    sent = unsent.filter(member_id__in=delivered.values("member_id")).update(sent_at=timezone.now())
    if sent:
        meeting_event(meeting=meeting, type=MeetingEvent.Type.NOTICES_SENT, data={"sent": sent})
    return sent
