from __future__ import annotations

from celery import shared_task

from .services import contributions, lifecycle, notices


@shared_task(
    name="members.send_welcome",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_welcome(member_id: int) -> bool:
    """After acceptance: the welcome e-mail (sent once)."""
    return notices.member_send_welcome(member_id=member_id)


@shared_task(name="members.bill_premiums", ignore_result=True)
def bill_premiums() -> int:
    """Daily: premiums due for the periods that start today (idempotent per period)."""
    return contributions.premiums_bill()


@shared_task(name="members.enforce_grace", ignore_result=True)
def enforce_grace() -> dict:
    """Daily: suspend after the grace period, lapse after the lapse period."""
    return lifecycle.memberships_enforce_grace()


@shared_task(name="members.complete_withdrawals", ignore_result=True)
def complete_withdrawals() -> int:
    """Daily: withdrawals whose effective date has come."""
    return lifecycle.withdrawals_complete()
