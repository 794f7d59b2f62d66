"""Reporting periods as the public pages name them: ``2026Q1`` for a quarter, ``2026``
for a year. Pure functions: parsing what a reader typed in the address, and listing the
periods that have closed (the only ones whose statements the site shows)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from mutualsociety.common.periods import period_index, period_start

_QUARTER = re.compile(r"^([0-9]{4})Q([1-4])$")
_YEAR = re.compile(r"^([0-9]{4})$")


class PeriodMalformed(ValueError):
    """The text is not a quarter (``2026Q1``) or a year (``2026``)."""


@dataclass(frozen=True, order=True)
class Period:
    """A calendar quarter or year: its label (``2026Q1``, ``2026``), first and last day."""

    start: dt.date
    end: dt.date
    label: str
    grain: str  # "quarter" or "year"

    @property
    def is_quarter(self) -> bool:
        return self.grain == "quarter"

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def quarter(self) -> int | None:
        return (self.start.month - 1) // 3 + 1 if self.is_quarter else None


def quarter(year: int, number: int) -> Period:
    index = year * 4 + number - 1
    start = period_start(index, "quarter")
    # the last day of the quarter's last month, without the next quarter's first day
    # (9999Q4 has no next quarter in ``datetime``)
    last_month = start.month + 2
    return Period(
        start=start,
        end=dt.date(start.year, last_month, calendar.monthrange(start.year, last_month)[1]),
        label=f"{year}Q{number}",
        grain="quarter",
    )


def year(number: int) -> Period:
    return Period(
        start=dt.date(number, 1, 1), end=dt.date(number, 12, 31), label=str(number), grain="year"
    )


def quarter_parse(text: str) -> Period:
    """``"2026Q1"`` (``q`` accepted) → the first quarter of 2026; else PeriodMalformed."""
    match = _QUARTER.match((text or "").strip().upper())
    if not match or int(match[1]) < 1:
        raise PeriodMalformed(text)
    return quarter(int(match[1]), int(match[2]))


def year_parse(text: str) -> Period:
    """``"2026"`` → the year 2026; else PeriodMalformed."""
    match = _YEAR.match((text or "").strip())
    if not match or int(match[1]) < 1:
        raise PeriodMalformed(text)
    return year(int(match[1]))


def quarter_of(day: dt.date) -> Period:
    index = period_index(day, "quarter")
    return quarter(index // 4, index % 4 + 1)


def closed_quarters(*, since: dt.date, today: dt.date) -> list[Period]:
    """The quarters from the one holding ``since`` to the last one ended before
    ``today``, newest first (none when ``since`` is in the current quarter)."""
    first = period_index(since, "quarter")
    last = period_index(today, "quarter") - 1
    return [quarter(i // 4, i % 4 + 1) for i in range(last, first - 1, -1)]


def closed_years(*, since: dt.date, today: dt.date) -> list[Period]:
    """The years from ``since``'s to the last one ended before ``today``, newest first."""
    return [year(y) for y in range(today.year - 1, since.year - 1, -1)]
