from __future__ import annotations

from datetime import datetime

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Sequence, WorkerHeartbeat


def worker_heartbeat_record(*, hostname: str, at: datetime | None = None) -> WorkerHeartbeat:
    """Record that ``hostname`` is alive. Replaying it only moves the time forward."""
    at = at or timezone.now()
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname[:200], defaults={"beat_at": at}
    )
    return heartbeat


def sessions_clear_expired() -> int:
    """Delete expired sessions (what ``manage.py clearsessions`` does); returns the count."""
    deleted, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def sequence_next(*, name: str, count: int = 1) -> int:
    """Reserve ``count`` numbers of the sequence ``name``; return the first.

    Must run inside the caller's transaction: the row stays locked until it commits, so
    two transactions never get the same number.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        Sequence.objects.filter(name=name).update(value=F("value") + count)
        value = Sequence.objects.select_for_update().get(name=name).value
    return value - count + 1
