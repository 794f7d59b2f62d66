from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="ledger.integrity_check", ignore_result=True)
def integrity_check() -> int:
    """Daily: check the ledger balances; one kept result per day (idempotent)."""
    return services.integrity_check_run().pk
