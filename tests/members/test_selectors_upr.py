"""``members.selectors.unearned_premiums``: pro rata by day, leap years right, to the cent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from members.models import ContributionDue
from members.selectors import premiums_billed_by_period, unearned_premiums
from tests.members.factories import member_make

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def due():
    member = member_make()
    coverage = member.coverages.first()

    def make(start, end, amount, kind="premium", status="open"):
        return ContributionDue.objects.create(
            member=member,
            coverage=coverage,
            kind=kind,
            period_start=start,
            period_end=end,
            due_date=start,
            grace_ends_on=start,
            amount=Decimal(amount),
            status=status,
        )

    return make


def test_leap_year_pro_rata_by_day(due, django_assert_num_queries):
    due(D(2024, 1, 1), D(2024, 12, 31), "366.00")  # 366 days
    due(D(2023, 7, 1), D(2024, 6, 30), "1200.00")  # 366 days: holds 29 February 2024
    due(D(2023, 3, 1), D(2024, 2, 29), "1000.00")  # 366 days, ends on 29 February

    with django_assert_num_queries(1):
        on_leap_day = unearned_premiums(as_of=D(2024, 2, 29))
    # 366 × 306/366 + 1200 × 122/366; the third is fully earned at the end of its last day
    assert on_leap_day == Decimal("706.00")
    # the day before: 366 × 307/366 + 1200 × 123/366 + 1000 × 1/366
    # = 307 + 403.2786885… + 2.7322404… = 713.0109… → 713.01 (rounded once, on the total)
    assert unearned_premiums(as_of=D(2024, 2, 28)) == Decimal("713.01")


def test_a_common_year_has_365_days(due):
    due(D(2022, 7, 1), D(2023, 6, 30), "730.00")
    assert unearned_premiums(as_of=D(2022, 12, 31)) == Decimal("362.00")  # 181 days left
    assert unearned_premiums(as_of=D(2022, 6, 30)) == Decimal("0.00")  # not billed yet
    assert unearned_premiums(as_of=D(2022, 7, 1)) == Decimal("728.00")  # 364 of 365 left
    assert unearned_premiums(as_of=D(2023, 6, 30)) == Decimal("0.00")


def test_cancelled_dues_and_shares_are_no_premium(due):
    due(D(2024, 1, 1), D(2024, 12, 31), "366.00", status="cancelled")
    due(D(2024, 1, 1), D(2024, 12, 31), "366.00", kind="share")
    assert unearned_premiums(as_of=D(2024, 6, 30)) == Decimal("0.00")


def test_premiums_billed_by_period(due):
    due(D(2024, 1, 1), D(2024, 12, 31), "366.00")
    due(D(2024, 2, 1), D(2025, 1, 31), "100.00")
    due(D(2024, 4, 1), D(2025, 3, 31), "50.00")
    due(D(2024, 4, 2), D(2025, 4, 1), "70.00", status="cancelled")

    assert premiums_billed_by_period(start=D(2024, 1, 1), end=D(2024, 6, 30), grain="quarter") == {
        D(2024, 1, 1): Decimal("466.00"),
        D(2024, 4, 1): Decimal("50.00"),
    }
    assert premiums_billed_by_period(start=D(2024, 1, 1), end=D(2024, 6, 30), grain="month") == {
        D(2024, 1, 1): Decimal("366.00"),
        D(2024, 2, 1): Decimal("100.00"),
        D(2024, 4, 1): Decimal("50.00"),
    }
