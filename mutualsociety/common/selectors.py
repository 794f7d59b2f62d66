from __future__ import annotations

import calendar
import datetime as dt
from datetime import timedelta

from django.utils import timezone

from .models import Society, WorkerHeartbeat


def society_get() -> Society:
    """The society's row (created by migration 0002; recreated with defaults if deleted)."""
    society, _created = Society.objects.get_or_create(pk=1)
    return society


#: The earliest date accepted for money that people enter (a payment received, a manual
#: ledger entry) while the society's founding date is not filled in: no mutual insurance
#: society or mutual aid plan of the kind this platform runs kept books before it (the
#: first Chinese mutual insurer was founded in 2005, the Pilot Measures date from 2015).
DATE_FLOOR = dt.date(2000, 1, 1)


def earliest_accepted_date() -> dt.date:
    """The earliest date money that people enter may carry: the society's founding date,
    or ``DATE_FLOOR`` while it is not filled in."""
    return society_get().founded_on or DATE_FLOOR


def current_period_end(today: dt.date | None = None) -> dt.date:
    """The last day of the current accounting period: the calendar month (the monthly
    close; the Basic Standard of the Accounting Standards for Business Enterprises, art. 7,
    divides the year into interim periods). A manual entry may be dated up to it (an
    accrual at the month's end), not into the next period."""
    today = today or timezone.localdate()
    return today.replace(day=calendar.monthrange(today.year, today.month)[1])


def worker_last_heartbeat() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.order_by("-beat_at").first()


def worker_is_alive(*, within: timedelta = timedelta(minutes=3)) -> bool:
    """A worker ran the minutely heartbeat within ``within``."""
    return WorkerHeartbeat.objects.filter(beat_at__gte=timezone.now() - within).exists()
