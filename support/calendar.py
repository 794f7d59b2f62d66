"""Working days: Monday to Friday, except the holidays staff enter in the calendar
(``CalendarDay``), plus the weekend days worked instead of a holiday (调休).

The project had no working-day calendar before the complaints desk; it lives here, in
the app that counts working days, and takes the exceptions as data.
"""

from __future__ import annotations

import datetime as dt

from .models import CalendarDay

#: How far ahead the calendar is read at once (a deadline is a few weeks away at most).
HORIZON_DAYS = 120


def is_working_day(day: dt.date, exceptions: dict[dt.date, bool]) -> bool:
    """Whether ``day`` is a working day, given the calendar's exceptions."""
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def calendar_exceptions(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """The calendar's exceptions from ``start`` to ``end`` (one query)."""
    return dict(
        CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list(
            "day", "is_working_day"
        )
    )


def working_days_after(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted; 0: the
    first working day from ``start`` on, ``start`` when it is one). A complaint received
    on a Friday with 2 working days to acknowledge is due on Tuesday."""
    exceptions = calendar_exceptions(start, start + dt.timedelta(days=HORIZON_DAYS + days * 3))
    day = start
    if days <= 0:
        while not is_working_day(day, exceptions):
            day += dt.timedelta(days=1)
        return day
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, exceptions):
            counted += 1
    return day
