"""Celery tasks: take ids or dates, call one service. Idempotency lives in the services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from .services.notify import board_email_send, complainant_email_send
from .services.reminders import complaints_remind, reminder_email_send


@shared_task(name="support.remind")
def remind(today: str | None = None) -> dict:
    """Daily: flags the complaints due and overdue and queues one e-mail each."""
    return complaints_remind(today=dt.date.fromisoformat(today) if today else None)


@shared_task(name="support.reminder_email")
def reminder_email(reminder_id: int) -> bool:
    return reminder_email_send(reminder_id=reminder_id)


@shared_task(name="support.complainant_email")
def complainant_email(event_id: int) -> bool:
    return complainant_email_send(event_id=event_id)


@shared_task(name="support.board_email")
def board_email(complaint_id: int) -> bool:
    return board_email_send(complaint_id=complaint_id)
