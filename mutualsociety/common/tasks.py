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


@shared_task(name="common.batch_dispatch", ignore_result=True)
def batch_dispatch(run_id: int) -> int:
    """Hand a batch run's pending chunks to the workers as a chord (from the outbox)."""
    return services.batch_dispatch(run_id=run_id)


@shared_task(name="common.batch_chunk", bind=True)
def batch_chunk(self, run_id: int, number: int) -> dict[str, int]:
    """One chunk of a batch run, once (its result feeds the chord's count)."""
    return services.batch_chunk_run(
        run_id=run_id, number=number, worker=self.request.hostname or ""
    )


@shared_task(name="common.batch_finish", ignore_result=True)
def batch_finish(run_id: int) -> str:
    """The chord's callback: checks a batch run's totals and publishes it, once."""
    return services.batch_finish(run_id=run_id).status


@shared_task(name="common.resume_stalled_batches", ignore_result=True)
def resume_stalled_batches() -> int:
    """Every 10 minutes: sends again the batch runs whose chord was lost."""
    return services.batches_resume_stalled()
