"""members.services.contributions: premiums due per period (coverage_bill, premiums_bill)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ledger.models import JournalEntry
from members.calculations import add_months
from members.models import ContributionDue, Coverage, Member
from members.services.contributions import coverage_bill, premiums_bill
from members.services.enrolment import coverage_open
from tests.members.factories import member_make, premium_plan_make

pytestmark = pytest.mark.django_db

D = dt.date


def periods(coverage: Coverage) -> list[tuple[dt.date, dt.date]]:
    return list(
        ContributionDue.objects.filter(coverage=coverage)
        .order_by("period_start")
        .values_list("period_start", "period_end")
    )


def open_cover(version, *, start: dt.date, frequency: str = "monthly") -> Coverage:
    """Cover under ``version`` from a chosen date, for a member who already has a
    membership (through a mutual aid plan)."""
    from tests.members.factories import mutual_aid_plan_make

    member: Member = member_make(mutual_aid_plan_make())
    return coverage_open(member=member, version=version, frequency=frequency, start=start)


def test_premiums_bill_is_idempotent_per_period(premium):
    """Run twice for the same day: the second run finds nothing to bill."""
    member = member_make(premium)
    next_month = add_months(timezone.localdate(), 1)
    state = (ContributionDue.objects.count(), JournalEntry.objects.count())

    first = premiums_bill(today=next_month)
    after_first = (
        list(ContributionDue.objects.values_list("pk", "period_start", "amount")),
        JournalEntry.objects.count(),
    )
    second = premiums_bill(today=next_month)

    assert first == {"billed": 1, "failed": 0}
    assert second == {"billed": 0, "failed": 0}
    assert (ContributionDue.objects.count(), JournalEntry.objects.count()) == (
        state[0] + 1,
        state[1] + 1,
    )
    assert (
        list(ContributionDue.objects.values_list("pk", "period_start", "amount")),
        JournalEntry.objects.count(),
    ) == after_first
    assert member.dues.count() == 2


def test_billing_a_coverage_twice_for_the_same_day_adds_nothing(premium):
    coverage = member_make(premium).coverages.get()
    until = add_months(timezone.localdate(), 3)

    assert len(coverage_bill(coverage=coverage, until=until)) == 3
    assert coverage_bill(coverage=coverage, until=until) == []
    assert ContributionDue.objects.filter(coverage=coverage).count() == 4


def test_premiums_bill_with_a_horizon_bills_ahead(premium):
    member_make(premium)

    assert premiums_bill(horizon_days=62)["billed"] >= 2


def test_monthly_periods_from_the_31st_follow_the_end_of_the_month(premium):
    """Cover from 31 January is billed on the last day of shorter months and back on the
    31st after them (the periods are anchored at the start, not at the last clamp)."""
    coverage = open_cover(premium, start=D(2026, 1, 31))

    coverage_bill(coverage=coverage, until=D(2026, 5, 31))

    assert periods(coverage) == [
        (D(2026, 1, 31), D(2026, 2, 27)),
        (D(2026, 2, 28), D(2026, 3, 30)),
        (D(2026, 3, 31), D(2026, 4, 29)),
        (D(2026, 4, 30), D(2026, 5, 30)),
        (D(2026, 5, 31), D(2026, 6, 29)),
    ]


def test_periods_are_contiguous_and_each_premium_posted(premium):
    coverage = open_cover(premium, start=D(2026, 1, 29))

    coverage_bill(coverage=coverage, until=D(2026, 12, 31))

    rows = periods(coverage)
    assert len(rows) == 12
    for (_start, end), (next_start, _end) in zip(rows, rows[1:], strict=False):
        assert next_start == end + dt.timedelta(days=1)
    for due in ContributionDue.objects.filter(coverage=coverage):
        assert due.amount == Decimal("30.00")
        assert due.due_date == due.period_start
        assert due.grace_ends_on == due.due_date + dt.timedelta(days=60)
        assert due.ledger_entry.date == due.due_date


def test_a_term_without_renewal_is_billed_exactly_twelve_months(documents):
    """A 12-month term from 31 January that does not renew: twelve premiums, the last
    period ending on the term's last day, and no more billing."""
    version = premium_plan_make(auto_renew=False)
    coverage = open_cover(version, start=D(2026, 1, 31))

    coverage_bill(coverage=coverage, until=D(2027, 6, 30))

    rows = periods(coverage)
    coverage.refresh_from_db()
    assert coverage.term_end == D(2027, 1, 30)
    assert len(rows) == 12
    assert rows[-1][1] == coverage.term_end
    assert coverage.next_due_date is None


def test_the_term_renews_at_its_end(premium):
    """An auto-renewing term moves on by the policy term when the next period starts
    after it."""
    coverage = open_cover(premium, start=D(2026, 1, 1), frequency="annual")
    coverage.refresh_from_db()
    assert coverage.term_end == D(2026, 12, 31)
    assert periods(coverage) == [(D(2026, 1, 1), D(2026, 12, 31))]

    coverage_bill(coverage=coverage, until=D(2027, 1, 1))

    coverage.refresh_from_db()
    assert coverage.term_end == D(2027, 12, 31)
    assert periods(coverage)[-1] == (D(2027, 1, 1), D(2027, 12, 31))
    assert ContributionDue.objects.filter(coverage=coverage).last().amount == Decimal("340.00")
    assert coverage.next_due_date == D(2028, 1, 1)


@pytest.mark.parametrize(
    ("frequency", "amount", "count"),
    [("monthly", "30.00", 12), ("quarterly", "88.50", 4), ("annual", "340.00", 1)],
)
def test_a_year_of_premiums_by_frequency(premium, frequency, amount, count):
    coverage = open_cover(premium, start=D(2026, 1, 1), frequency=frequency)

    coverage_bill(coverage=coverage, until=D(2026, 12, 31))

    amounts = list(
        ContributionDue.objects.filter(coverage=coverage).values_list("amount", flat=True)
    )
    assert amounts == [Decimal(amount)] * count


def test_a_suspended_coverage_is_still_billed(premium):
    """Suspended cover is not terminated (PRC Insurance Law art. 36): its premiums keep
    falling due and are part of the arrears paid to reinstate it (art. 37)."""
    from members.services.lifecycle import member_suspend

    member = member_make(premium)
    member_suspend(member=member, reason="Test.")

    assert premiums_bill(today=add_months(timezone.localdate(), 2)) == {"billed": 2, "failed": 0}
    assert member.dues.count() == 3


def test_mutual_aid_cover_has_no_premiums(aid):
    member_make(aid)

    assert premiums_bill(today=add_months(timezone.localdate(), 2)) == {"billed": 0, "failed": 0}
    assert not ContributionDue.objects.exists()
