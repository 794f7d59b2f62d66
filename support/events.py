"""The one writer of a complaint's history (``mutualsociety.common.events.event_record``)."""

from __future__ import annotations

from typing import Any

from mutualsociety.common.events import event_record

from .models import Complaint, ComplaintEvent


def complaint_event(
    *,
    complaint: Complaint,
    type: ComplaintEvent.Type | str,  # noqa: A002 - the event's type, as everywhere
    actor=None,
    old_value: str = "",
    new_value: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> ComplaintEvent:
    """Append one event about ``complaint`` (in the caller's transaction)."""
    return event_record(
        ComplaintEvent,
        subject=complaint,
        type=ComplaintEvent.Type(type),
        actor=actor,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        data=data,
    )
