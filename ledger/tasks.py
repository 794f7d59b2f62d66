from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="ledger.integrity_check", ignore_result=True)
def integrity_check() -> int:
    """Daily: check the ledger balances; one kept result per day (idempotent)."""
    return services.integrity_check_run().pk


@shared_task(
    name="ledger.alert_integrity_failure",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def alert_integrity_failure(check_id: int) -> bool:
    """After a failed check commits: the e-mail to ADMINS."""
    return services.integrity_check_alert(check_id=check_id)
