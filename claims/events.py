"""The one writer of a claim's history: every row of ``ClaimEvent`` goes through here
(``mutualsociety.common.events.event_record``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mutualsociety.common.events import event_record

from .models import Claim, ClaimEvent

T = ClaimEvent.Type


def claim_event(
    *,
    claim: Claim,
    type: ClaimEvent.Type | str,  # noqa: A002 - the event's type, as everywhere
    actor=None,
    old_value: str = "",
    new_value: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> ClaimEvent:
    """Append one event about ``claim`` (in the caller's transaction). For a change of
    status ``old_value`` / ``new_value`` are the statuses before and after."""
    return event_record(
        ClaimEvent,
        subject=claim,
        type=ClaimEvent.Type(type),
        actor=actor,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        data=data,
    )


def claim_events_bulk(
    *,
    claim_ids: Iterable[int],
    type: ClaimEvent.Type | str,
    reason: str = "",  # noqa: A002
) -> int:
    """The same event, by the system, on many claims at once (one INSERT: the daily jobs
    that change claims set-based). Returns how many were written."""
    kind = ClaimEvent.Type(type)
    rows = ClaimEvent.objects.bulk_create(
        ClaimEvent(claim_id=claim_id, type=kind, reason=reason) for claim_id in claim_ids
    )
    return len(rows)
