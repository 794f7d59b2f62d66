from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="common.worker_heartbeat", bind=True, ignore_result=True)
def worker_heartbeat(self) -> None:
    """Minutely: record that this worker is alive (read by /healthz)."""
    services.worker_heartbeat_record(hostname=self.request.hostname or "worker")


@shared_task(name="common.clear_expired_sessions", ignore_result=True)
def clear_expired_sessions() -> int:
    """Daily housekeeping: drop expired login sessions."""
    return services.sessions_clear_expired()


@shared_task(name="common.relay_outbox", ignore_result=True)
def relay_outbox() -> dict[str, int]:
    """Minutely (and when a worker starts): hand the outbox's pending tasks to the broker."""
    return services.outbox_relay()
