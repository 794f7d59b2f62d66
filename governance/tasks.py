from __future__ import annotations

import datetime as dt

from celery import shared_task

from .services import consultations, meetings, notices


@shared_task(
    name="governance.send_convening_notices",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_convening_notices(meeting_id: int) -> int:
    """After convening (and again at the roll freeze): the notice to every voter, once."""
    return notices.meeting_send_notices(meeting_id=meeting_id)


@shared_task(name="governance.freeze_rolls", ignore_result=True)
def freeze_rolls(today: str | None = None) -> int:
    """Daily: freeze the voter rolls whose record date has come."""
    return meetings.meetings_freeze_due_rolls(today=dt.date.fromisoformat(today) if today else None)


@shared_task(name="governance.close_consultations", ignore_result=True)
def close_consultations() -> int:
    """Hourly: close (and publish) the consultations whose close has come; a second run
    closes none."""
    return consultations.consultations_close_due()
