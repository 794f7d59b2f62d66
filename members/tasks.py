from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .services import billing, delivery, jobs, notices


def _day(today: str | None) -> dt.date | None:
    """The day a daily job runs for: an ISO date (tasks take JSON), or None for today."""
    return dt.date.fromisoformat(today) if today else None


@shared_task(
    name="members.send_welcome",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_welcome(member_id: int) -> bool:
    """The welcome e-mail (sent once). Acceptance now queues ``notification_email``;
    this name stays for the rows recorded before the notification centre."""
    return notices.member_send_welcome(member_id=member_id)


@shared_task(
    name="members.notification_email",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def notification_email(notification_id: int) -> bool:
    """After the commit: e-mail one notification (once)."""
    return delivery.notification_email_send(notification_id=notification_id)


@shared_task(
    name="members.notification_sms",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def notification_sms(notification_id: int) -> bool:
    """After the commit: text one notification to the member's phone (once)."""
    return delivery.notification_sms_send(notification_id=notification_id)


@shared_task(
    name="members.deliver_notifications",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def deliver_notifications(batch: str) -> int:
    """After the commit: send what is still waiting in a batch of notifications."""
    return delivery.notifications_deliver(batch=batch)


@shared_task(name="members.bill_premiums", ignore_result=True)
def bill_premiums(today: str | None = None, batch_size: int | None = None) -> dict:
    """Daily: premiums due for the periods that start today (idempotent per period), as
    a batch run split across the workers (``billing.premiums_bill_start``; ``batch_size``
    members per batch, ``billing.BATCH_SIZE`` unless given)."""
    since = timezone.now()
    run = billing.premiums_bill_start(
        today=_day(today), batch_size=batch_size or billing.BATCH_SIZE
    )
    return jobs.batch_run_report(run, since=since, zero={"billed": 0, "failed": 0})


def _member_job(
    kind: str, today: str | None, zero: dict[str, int], batch_size: int | None = None
) -> dict:
    since = timezone.now()
    run = jobs.member_job_start(kind, today=_day(today), batch_size=batch_size or jobs.BATCH_SIZE)
    return jobs.batch_run_report(run, since=since, zero=zero)


@shared_task(name="members.enforce_grace", ignore_result=True)
def enforce_grace(today: str | None = None, batch_size: int | None = None) -> dict:
    """Daily: suspend after the grace period, lapse after the lapse period (a batch run
    split across the workers, ``jobs.member_job_start``)."""
    zero = {"suspended": 0, "lapsed": 0, "failed": 0}
    return _member_job("members.grace", today, zero, batch_size)


@shared_task(name="members.complete_withdrawals", ignore_result=True)
def complete_withdrawals(today: str | None = None) -> dict:
    """Daily: withdrawals whose effective date has come (a batch run)."""
    return _member_job("members.withdrawals", today, {"withdrawn": 0, "failed": 0})


@shared_task(name="members.expire_coverages", ignore_result=True)
def expire_coverages(today: str | None = None) -> dict:
    """Daily: end cover whose term ended and does not renew (a batch run)."""
    return _member_job("members.expiry", today, {"ended": 0, "failed": 0})
