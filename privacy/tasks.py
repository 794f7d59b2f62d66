from __future__ import annotations

import datetime as dt

from celery import shared_task

from .services import overdue


@shared_task(name="privacy.flag_overdue", ignore_result=True)
def flag_overdue(today: str | None = None) -> int:
    """Daily: flag requests past their due date and queue the e-mails to handlers."""
    day = dt.date.fromisoformat(today) if today else None
    return overdue.privacy_requests_flag_overdue(today=day)


@shared_task(
    name="privacy.overdue_emails",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def overdue_emails() -> int:
    """After the commit: e-mail the handlers of newly overdue requests (each once)."""
    return overdue.privacy_overdue_emails_send()
