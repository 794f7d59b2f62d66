"""The membership's audit trail: the one writer of ``MemberEvent`` rows.

Every service that changes a membership, its cover or its money appends an event here
(who, when, what, from what to what, why), in the caller's transaction, over the common
event base (``mutualsociety.common.events``). Rows are never changed or deleted.
"""

from __future__ import annotations

from typing import Any

from mutualsociety.common.events import event_record

from .models import Member, MemberEvent


def member_event(
    *,
    member: Member,
    type: str,  # noqa: A002 - the event's type, as everywhere in the project
    actor=None,
    old: str = "",
    new: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> MemberEvent:
    """Append one event to ``member``'s history; an anonymous or missing actor is the
    system. ``old`` / ``new`` are the values before and after (two statuses, a date...)."""
    return event_record(
        MemberEvent,
        subject=member,
        type=type,
        actor=actor,
        old_value=old,
        new_value=new,
        reason=reason,
        data=data,
    )
