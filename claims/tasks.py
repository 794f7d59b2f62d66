"""Celery tasks: take ids or dates, call one service. Idempotency lives in the services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from .services import wind_down
from .services.apportionment import apportionments_run_due
from .services.notice import notices_clear, panels_close_due
from .services.payment import claim_notify_member_paid


@shared_task(name="claims.notify_paid")
def claim_notify_paid(claim_id: int) -> bool:
    return claim_notify_member_paid(claim_id=claim_id)


@shared_task(name="claims.apportion")
def apportion(today: str | None = None) -> list[int]:
    """Daily: runs the periods of plans whose apportionment day it is (14th, 28th...)."""
    return apportionments_run_due(today=dt.date.fromisoformat(today) if today else None)


@shared_task(name="claims.close_notices_and_panels")
def close_notices_and_panels() -> dict:
    """Daily: clears ended public notices and tallies panels whose voting closed."""
    return {"cleared": notices_clear(), "panels": panels_close_due()}


@shared_task(name="claims.wind_downs_advance")
def wind_downs_advance(today: str | None = None) -> dict[str, list[int]]:
    """Daily: closes the claims windows of plans in wind-down whose last day has passed
    and ends the plans whose last claim is settled (idempotent)."""
    return wind_down.wind_downs_advance(today=dt.date.fromisoformat(today) if today else None)
