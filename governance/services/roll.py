"""The voter roll: frozen on the record date, hashed, verifiable.

The roll is frozen on the record date (articles: days before voting opens) and its
SHA-256 recorded; a database trigger refuses any later change (migrations 0002 and
0004). Below ``meetings`` (convening and the opening of the vote freeze it when due).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import NotAllowed
from mutualsociety.common.sql import sorted_sha256

from ..events import meeting_event
from ..models import Meeting, MeetingEvent, RollEntry
from ..selectors import eligible_members, eligible_members_on
from .locking import meeting_lock
from .notices import meeting_notices_enqueue

S = Meeting.Status


@transaction.atomic
def meeting_roll_freeze(
    *, meeting: Meeting | int, actor=None, at: dt.datetime | None = None
) -> Meeting:
    """Freeze the voter roll as it stands on the record date and record its SHA-256.

    Set-based: one INSERT ... SELECT of the eligible members. Replaying is a no-op. When
    the freeze runs after the record date (the daily job did not run; voting opens), the
    roll is rebuilt as of the record date (``eligible_members_on``): members who joined
    or became active after it are not on it, members suspended after it are.
    """
    at = at or timezone.now()
    meeting = meeting_lock(meeting)
    if meeting.roll_frozen:
        return meeting
    if meeting.status != S.CONVENED:
        raise NotAllowed(_("The roll is frozen between convening and the opening of the vote."))
    if meeting.record_date and timezone.localdate(at) < meeting.record_date:
        raise NotAllowed(
            _("The roll is frozen on the record date, %(date)s.")
            % {"date": format_date(meeting.record_date)}
        )
    today = timezone.localdate(at)
    if meeting.record_date and today > meeting.record_date:
        eligible = eligible_members_on(meeting.body, meeting.record_date)
    else:
        eligible = eligible_members(meeting.body, today)
    sql, params = eligible.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RollEntry._meta.db_table} (meeting_id, member_id) "  # noqa: S608
            f"SELECT %s, sub.pk FROM ({sql}) AS sub",
            [meeting.pk, *params],
        )
    meeting.roll_hash = roll_fingerprint(meeting)
    meeting.roll_size = RollEntry.objects.filter(meeting=meeting).count()
    meeting.save(update_fields=["roll_hash", "roll_size"])
    meeting_event(
        meeting=meeting,
        type=MeetingEvent.Type.ROLL_FROZEN,
        actor=actor,
        at=at,
        data={"size": meeting.roll_size, "sha256": meeting.roll_hash},
    )
    meeting_notices_enqueue(meeting.pk, occasion="roll_frozen")
    return meeting


def roll_fingerprint(meeting: Meeting) -> str:
    """The SHA-256 of the meeting's roll as ``calculations.roll_hash`` defines it (member
    numbers sorted by code point, one per line, a missing number as an empty line),
    computed in the database: no roll entry comes into Python, so a roll of a hundred
    million members hashes in one statement (``common.sql.sorted_sha256``)."""
    return sorted_sha256(
        RollEntry.objects.filter(meeting=meeting).annotate(number=F("member__member_number")),
        "number",
        separator="\n",
    )


def meeting_roll_verify(meeting: Meeting) -> bool:
    """Recompute the roll's hash: True when it is still the one recorded at the freeze."""
    return bool(meeting.roll_hash) and meeting.roll_hash == roll_fingerprint(meeting)


def meetings_freeze_due_rolls(*, today: dt.date | None = None) -> int:
    """Daily: freeze the rolls whose record date has come. Returns how many."""
    at = (
        timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        if today is not None
        else timezone.now()
    )
    due = Meeting.objects.filter(
        status=S.CONVENED, roll_hash="", record_date__lte=timezone.localdate(at)
    )
    count = 0
    for meeting_id in due.values_list("pk", flat=True):
        meeting_roll_freeze(meeting=meeting_id, at=at)
        count += 1
    return count
