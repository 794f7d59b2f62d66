"""members.calculations: dates of premium periods, underwriting, member numbers, withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from members.calculations import (
    Question,
    add_months,
    luhn_digit,
    member_number,
    period_end,
    underwrite,
    withdrawal_effective_date,
)

D = dt.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # clamped to the month's end
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # a leap year
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 8, 31), 3, D(2026, 11, 30)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 12, 31), 1, D(2027, 1, 31)),  # over the year's end
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
        (D(2026, 5, 10), 0, D(2026, 5, 10)),
        (D(2026, 5, 10), 24, D(2028, 5, 10)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),  # backwards too
        (D(2026, 1, 15), -1, D(2025, 12, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(day, months, expected):
    """The same day so many months later, or the last day of that month if shorter."""
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("start", "frequency", "end"),
    [
        (D(2026, 1, 1), "monthly", D(2026, 1, 31)),
        (D(2026, 1, 15), "monthly", D(2026, 2, 14)),
        (D(2026, 1, 31), "monthly", D(2026, 2, 27)),  # next period starts 28 Feb
        (D(2026, 2, 1), "monthly", D(2026, 2, 28)),
        (D(2028, 2, 1), "monthly", D(2028, 2, 29)),
        (D(2026, 1, 1), "quarterly", D(2026, 3, 31)),
        (D(2026, 11, 30), "quarterly", D(2027, 2, 27)),
        (D(2026, 1, 1), "annual", D(2026, 12, 31)),
        (D(2028, 2, 29), "annual", D(2029, 2, 27)),
    ],
)
def test_period_end_is_the_day_before_the_next_period(start, frequency, end):
    """A period runs from its start to the day before the same day a frequency later."""
    assert period_end(start, frequency) == end


def test_period_end_refuses_an_unknown_frequency():
    with pytest.raises(KeyError):
        period_end(D(2026, 1, 1), "weekly")


@pytest.mark.parametrize(
    ("digits", "check"),
    [
        ("7992739871", "3"),  # the textbook example
        ("0", "0"),
        ("1", "8"),
        ("2026000001", "1"),
        ("2026000123", "3"),
    ],
)
def test_luhn_check_digit(digits, check):
    assert luhn_digit(digits) == check


def _luhn_valid(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


@pytest.mark.parametrize(("year", "sequence"), [(2026, 1), (2026, 123), (2030, 999_999)])
def test_member_number_format_and_check_digit(year, sequence):
    """M-<year>-<6-digit sequence>-<Luhn check digit over year and sequence>."""
    number = member_number(year, sequence)

    prefix, y, seq, check = number.split("-")
    assert (prefix, y, seq) == ("M", str(year), f"{sequence:06d}")
    assert _luhn_valid(f"{y}{seq}{check}")


def test_member_numbers_catch_a_mistyped_digit():
    """Changing any one digit of the sequence makes the check digit wrong."""
    number = member_number(2026, 123)
    body = number.replace("M-", "").replace("-", "")
    for position in range(len(body) - 1):
        for digit in "0123456789":
            if digit != body[position]:
                typo = body[:position] + digit + body[position + 1 :]
                assert not _luhn_valid(typo)


Q_ACCEPT = Question(1, "Exercise?", "accept")
Q_REFER = Question(2, "Hospital?", "refer")
Q_REFER_2 = Question(3, "Medication?", "refer")
Q_DECLINE = Question(4, "Cancer?", "decline")
QUESTIONS = [Q_ACCEPT, Q_REFER, Q_REFER_2, Q_DECLINE]


@pytest.mark.parametrize(
    ("yes", "outcome", "reasons"),
    [
        ((), "accepted", ["Every answer of the health declaration was accepted."]),
        ((1,), "accepted", ["Every answer of the health declaration was accepted."]),
        ((2,), "referred", ["Answered yes: Hospital?"]),
        ((2, 3), "referred", ["Answered yes: Hospital?", "Answered yes: Medication?"]),
        ((4,), "declined", ["Answered yes: Cancer?"]),
        ((1, 2, 4), "declined", ["Answered yes: Cancer?"]),  # decline beats refer
        ((1, 2, 3, 4), "declined", ["Answered yes: Cancer?"]),
    ],
)
def test_underwriting_decline_beats_refer_beats_accept(yes, outcome, reasons):
    """A "yes" to a decline question declines; else a "yes" to a refer question refers;
    else accepted. The deciding answers are the reasons."""
    answers = {str(q.id): q.id in yes for q in QUESTIONS}

    decision = underwrite(questions=QUESTIONS, answers=answers)

    assert decision.outcome == outcome
    assert decision.reasons == reasons


def test_underwriting_without_questions_accepts():
    assert underwrite(questions=[], answers={}).outcome == "accepted"


def test_underwriting_treats_a_missing_answer_as_no():
    """The services refuse unanswered questions before underwriting; here a gap is a no."""
    assert underwrite(questions=QUESTIONS, answers={"2": True}).outcome == "referred"


@pytest.mark.parametrize(
    ("requested", "notice", "paid_to", "effective"),
    [
        (D(2026, 3, 10), 0, None, D(2026, 3, 10)),  # at once
        (D(2026, 3, 10), 30, None, D(2026, 4, 9)),  # after the notice
        (D(2026, 3, 10), 0, D(2026, 3, 31), D(2026, 4, 1)),  # never inside a paid period
        (D(2026, 3, 10), 30, D(2026, 3, 31), D(2026, 4, 9)),  # the notice is longer
        (D(2026, 3, 10), 21, D(2026, 3, 31), D(2026, 4, 1)),  # notice ends on paid_to
        (D(2026, 3, 10), 0, D(2026, 3, 9), D(2026, 3, 10)),  # paid period already over
        (D(2026, 3, 10), 0, D(2026, 3, 10), D(2026, 3, 11)),  # paid up to today
    ],
)
def test_withdrawal_effective_date(requested, notice, paid_to, effective):
    """A withdrawal takes effect after the notice and the day after the paid period."""
    assert (
        withdrawal_effective_date(requested_on=requested, notice_days=notice, paid_to=paid_to)
        == effective
    )
