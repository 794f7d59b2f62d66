"""Celery tasks of solvency: take ids or dates, call one service. Idempotency lives in
the services (one succeeded run per job and period; one alert e-mail per alert key in
the outbox). Transient failures of the database or the network are retried."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import jobs, monitoring

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "max_retries": 5}


def _day(today: str | None) -> dt.date | None:
    return dt.date.fromisoformat(today) if today else None


@shared_task(name="solvency.quarterly_assessment", ignore_result=True, **RETRY)
def quarterly_assessment(today: str | None = None) -> int:
    """Quarterly (1 January, April, July, October): a draft assessment at the quarter end."""
    return jobs.job_quarterly_assessment(today=_day(today)).pk


@shared_task(name="solvency.daily_monitoring", ignore_result=True, **RETRY)
def daily_monitoring(today: str | None = None) -> int:
    """Daily: today's capital against the latest approved assessment; alerts."""
    return jobs.job_daily_monitoring(today=_day(today)).pk


@shared_task(name="solvency.monthly_reserve", ignore_result=True, **RETRY)
def monthly_reserve(today: str | None = None) -> int:
    """Monthly (the 1st): the reserve run of the month just ended, a draft to approve."""
    return jobs.job_monthly_reserve(today=_day(today)).pk


@shared_task(name="solvency.alert_notify", ignore_result=True, **RETRY)
def alert_notify_task(alert_id: int) -> int:
    """After an alert's commit: the e-mail to the compliance officers and directors."""
    return monitoring.alert_notify(alert_id=alert_id)
