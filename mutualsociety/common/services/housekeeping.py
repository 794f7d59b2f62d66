"""Operational records: the worker's heartbeat (read by /healthz) and expired sessions."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sessions.models import Session
from django.utils import timezone

from ..models import WorkerHeartbeat


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
