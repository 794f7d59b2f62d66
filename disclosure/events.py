"""The one writer of the disclosure app's history (``common.events.event_record``)."""

from __future__ import annotations

from typing import Any

from mutualsociety.common.events import event_record

from .models import Publication, PublicationEvent


def publication_event(
    *,
    publication: Publication,
    type: PublicationEvent.Type | str,  # noqa: A002 - the event's type, as everywhere
    actor=None,
    old_value: str = "",
    new_value: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> PublicationEvent:
    """Append one event about ``publication`` (in the caller's transaction)."""
    return event_record(
        PublicationEvent,
        subject=publication,
        type=PublicationEvent.Type(type),
        actor=actor,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        data=data,
    )
