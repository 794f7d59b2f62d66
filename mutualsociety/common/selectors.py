from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .models import Society, WorkerHeartbeat


def society_get() -> Society:
    """The society's row (created by migration 0002; recreated with defaults if deleted)."""
    society, _created = Society.objects.get_or_create(pk=1)
    return society


def worker_last_heartbeat() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.order_by("-beat_at").first()


def worker_is_alive(*, within: timedelta = timedelta(minutes=3)) -> bool:
    """A worker ran the minutely heartbeat within ``within``."""
    return WorkerHeartbeat.objects.filter(beat_at__gte=timezone.now() - within).exists()
