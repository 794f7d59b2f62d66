"""The one writer of ``PrivacyRequestEvent`` rows (the common event base)."""

from __future__ import annotations

from typing import Any

from mutualsociety.common.events import event_record

from .models import PrivacyRequest, PrivacyRequestEvent


def request_event(
    *,
    request: PrivacyRequest,
    type: str,  # noqa: A002 - the event's type, as everywhere in the project
    actor=None,
    old: str = "",
    new: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> PrivacyRequestEvent:
    """Append one event to the request's history (in the caller's transaction)."""
    return event_record(
        PrivacyRequestEvent,
        subject=request,
        type=type,
        actor=actor,
        old_value=old,
        new_value=new,
        reason=reason,
        data=data,
    )
