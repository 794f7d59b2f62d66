"""The governance audit trail: the one writer of ``MeetingEvent`` and ``MandateEvent`` rows.

Every service that changes a meeting, its agenda, its roll or its votes, a seat on a
body, or a consultation (``ConsultationEvent``, moderation included), appends its event
here (in the service's transaction), over the project's event base
(``mutualsociety.common.events``): who (``actor``; empty for the system), when, what
(``MeetingEvent.Type``), from what to what (``old_value`` / ``new_value``, e.g. the two
statuses of a milestone), why (``reason``) and details (``data``). Rows are never changed
or deleted; on PostgreSQL a trigger refuses it as well (migration 0005 for meetings,
the migration that made ``MandateEvent`` for seats).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from mutualsociety.common.events import event_record

from .models import Consultation, ConsultationEvent, Mandate, MandateEvent, Meeting, MeetingEvent


def meeting_event(
    *,
    meeting: Meeting,
    type: str,  # noqa: A002 - the event's type, as everywhere in the project
    actor=None,
    reason: str = "",
    old_value: str = "",
    new_value: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> MeetingEvent:
    """Append one event to the meeting's audit log (never rewritten)."""
    return event_record(
        MeetingEvent,
        subject=meeting,
        type=type,
        actor=actor,
        reason=reason,
        old_value=old_value,
        new_value=new_value,
        data=data,
        at=at,
    )


def mandate_event(
    *,
    mandate: Mandate,
    type: str,  # noqa: A002 - the event's type, as everywhere in the project
    actor=None,
    reason: str = "",
    old_value: str = "",
    new_value: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> MandateEvent:
    """Append one event to a seat's history (never rewritten)."""
    return event_record(
        MandateEvent,
        subject=mandate,
        type=type,
        actor=actor,
        reason=reason,
        old_value=old_value,
        new_value=new_value,
        data=data,
        at=at,
    )


def consultation_event(
    *,
    consultation: Consultation,
    type: str,  # noqa: A002 - the event's type, as everywhere in the project
    actor=None,
    reason: str = "",
    old_value: str = "",
    new_value: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    comment=None,
) -> ConsultationEvent:
    """Append one event to a consultation's log (never rewritten); ``comment`` names the
    comment a moderation is about."""
    return event_record(
        ConsultationEvent,
        subject=consultation,
        type=type,
        actor=actor,
        reason=reason,
        old_value=old_value,
        new_value=new_value,
        data=data,
        at=at,
        comment=comment,
    )


def term(starts_on: dt.date, ends_on: dt.date) -> str:
    """A term as recorded in a seat's events: an ISO 8601 interval, ``start/end``."""
    return f"{starts_on.isoformat()}/{ends_on.isoformat()}"
