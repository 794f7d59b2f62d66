"""Due dates of the periodic kinds (quarters and years): the next period due under a rule
(the admin's rules page). Pure: no ORM. The periods are ``disclosure.periods``'s, whose
label is what ``Publication.period`` holds (``2026Q1``, ``2026``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from mutualsociety.common import periods

from .models import Basis, KindRule
from .periods import Period, quarter, year

#: The bases that have periods (the others are due after their event, or never).
PERIODIC = {Basis.QUARTER: "quarter", Basis.YEAR: "year"}


def period_of(index: int, grain: str) -> Period:
    """The quarter or year of ``mutualsociety.common.periods``'s ``index``."""
    if grain == "quarter":
        return quarter(index // 4, index % 4 + 1)
    return year(periods.period_start(index, grain).year)


def periods_between(basis: str, first: dt.date, last: dt.date) -> Iterator[Period]:
    """The periods of ``basis`` that end from ``first`` (the one holding it) to ``last``
    (inclusive), oldest first; none for a basis without periods."""
    grain = PERIODIC.get(Basis(basis))
    if grain is None or first > last:
        return
    index = periods.period_index(first, grain)
    while True:
        period = period_of(index, grain)
        if period.end > last:
            return
        yield period
        index += 1


def next_due(rule: KindRule, today: dt.date) -> tuple[Period, dt.date] | None:
    """The period whose due date comes next (today or later) under ``rule``, with that
    date; ``None`` for a kind due after its event or never. The period may already have
    ended (a summary due 30 days after the quarter that ended last week) or not; periods
    that start before the rule's ``first_period_start`` are not expected."""
    grain = PERIODIC.get(Basis(rule.basis))
    if grain is None:
        return None
    # Due dates grow with the period's end: walk forward from a period whose due date is
    # certainly past (one ended months_after + days_after before today, and one more).
    back = today - dt.timedelta(days=31 * rule.months_after + rule.days_after + 1)
    index = periods.period_index(back, grain) - 1
    while True:
        period = period_of(index, grain)
        due = rule.due_on(period.end)
        expected = rule.first_period_start is None or period.start >= rule.first_period_start
        if expected and due >= today:
            return period, due
        index += 1
