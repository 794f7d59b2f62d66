"""Pure rules of membership: no database, table-driven tests."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: dt.date, frequency: str) -> dt.date:
    """The last day of a premium period starting on ``start``."""
    return add_months(start, FREQUENCY_MONTHS[frequency]) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Question:
    id: int
    text: str
    yes_outcome: str  # accept | refer | decline


@dataclass(frozen=True)
class Decision:
    outcome: str  # accepted | referred | declined
    reasons: list[str]


def underwrite(*, questions: list[Question], answers: dict[str, bool]) -> Decision:
    """The plan's automatic underwriting of a health declaration.

    Any "yes" whose rule is decline declines; otherwise any "yes" whose rule is refer sends
    the application to an underwriter; otherwise it is accepted. Every deciding answer is
    given as a reason.
    """
    declines, referrals = [], []
    for question in questions:
        if not answers.get(str(question.id)):
            continue
        if question.yes_outcome == "decline":
            declines.append(_("Answered yes: %(q)s") % {"q": question.text})
        elif question.yes_outcome == "refer":
            referrals.append(_("Answered yes: %(q)s") % {"q": question.text})
    if declines:
        return Decision("declined", declines)
    if referrals:
        return Decision("referred", referrals)
    return Decision("accepted", [_("Every answer of the health declaration was accepted.")])


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of a string of digits (catches one mistyped digit or a swap)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def member_number(year: int, sequence: int) -> str:
    """A stable, human-readable member number: M-2026-000123-3 (year, sequence, check)."""
    body = f"{year}{sequence:06d}"
    return f"M-{year}-{sequence:06d}-{luhn_digit(body)}"


def withdrawal_effective_date(
    *, requested_on: dt.date, notice_days: int, paid_to: dt.date | None
) -> dt.date:
    """A withdrawal takes effect after the plan's notice, and never inside a paid period."""
    effective = requested_on + dt.timedelta(days=notice_days)
    if paid_to is not None and paid_to >= effective:
        effective = paid_to + dt.timedelta(days=1)
    return effective
