"""members.services.contributions and lifecycle at the edges of cover: no premium for a
period without cover, billing while suspended, write-offs at a lapse or a death, and the
end of a term that does not renew. Amounts to the cent; the ledger per account."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.db.models import Sum

from ledger.models import JournalEntry, Posting
from members.models import ContributionDue, Coverage, Member, MemberEvent, PaymentAllocation
from members.services.contributions import coverage_bill, due_create, premiums_bill
from members.services.enrolment import coverage_open
from members.services.lifecycle import (
    coverages_expire,
    member_mark_deceased,
    member_withdraw_request,
    memberships_enforce_grace,
    withdrawals_complete,
)
from tests.members.factories import member_make, mutual_aid_plan_make, pay, premium_plan_make

pytestmark = pytest.mark.django_db

D = dt.date
C = Decimal


def on(day: dt.date):
    """Run as if today were ``day`` (the services' and the factories' calendar)."""
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def balances(*codes: str) -> dict[str, Decimal]:
    """The balance of each account (debits positive, credits negative)."""
    return {
        code: Posting.objects.filter(account__code=code).aggregate(s=Sum("amount"))["s"]
        or C("0.00")
        for code in codes
    }


ACCOUNTS = ("1002", "1122", "2203", "6031")


def dues(member: Member) -> list[tuple[dt.date, Decimal, Decimal, str]]:
    return list(
        member.dues.order_by("period_start").values_list(
            "period_start", "amount", "paid_amount", "status"
        )
    )


def daily_jobs(day: dt.date) -> None:
    """The members jobs in their scheduled order (00:20, 00:40, 00:50, 02:00)."""
    with on(day):
        premiums_bill(today=day)
        withdrawals_complete(today=day)
        coverages_expire(today=day)
        memberships_enforce_grace(today=day)


# --- 1. No premium for a period without cover ---


def test_an_advance_is_not_spent_on_the_period_a_withdrawal_takes_effect(premium):
    """Paid 90.00 for a 30.00 month and asked to leave: the withdrawal takes effect the day
    after the paid month. The billing run of that morning bills nothing for it, so the
    60.00 advance stays the member's."""
    with on(D(2025, 1, 10)):
        member = member_make(premium)
        pay(member, "90.00")
    with on(D(2025, 1, 20)):
        member_withdraw_request(member=member, reason="Moving.")
    member.refresh_from_db()
    assert member.withdrawal_effective_on == D(2025, 2, 10)

    daily_jobs(D(2025, 2, 10))

    member.refresh_from_db()
    assert member.status == Member.Status.WITHDRAWN
    assert dues(member) == [(D(2025, 1, 10), C("30.00"), C("30.00"), "paid")]
    assert balances(*ACCOUNTS) == {
        "1002": C("90.00"),
        "1122": C("0.00"),
        "2203": C("-60.00"),
        "6031": C("-30.00"),
    }


def test_a_partly_paid_premium_for_a_period_without_cover_goes_back_to_the_advance(premium):
    """Billed ahead and partly paid, the premium of the period starting on the effective
    date is cancelled even when the job runs days late: the 15.00 paid on it returns to
    the advance (Dr 1122 / Cr 2203), its 30.00 entry is reversed (Dr 6031 / Cr 1122)."""
    with on(D(2025, 1, 10)):
        member = member_make(premium)
        pay(member, "30.00")
        coverage_bill(coverage=member.coverages.get(), until=D(2025, 3, 10))
    with on(D(2025, 1, 25)):
        second = pay(member, "45.00")
        member_withdraw_request(member=member, reason="Moving.")
    member.refresh_from_db()
    assert member.withdrawal_effective_on == D(2025, 3, 10)
    march = member.dues.get(period_start=D(2025, 3, 10))
    assert (march.paid_amount, march.status) == (C("15.00"), "open")

    with on(D(2025, 3, 13)):
        assert withdrawals_complete(today=D(2025, 3, 13)) == {"withdrawn": 1, "failed": 0}

    assert dues(member) == [
        (D(2025, 1, 10), C("30.00"), C("30.00"), "paid"),
        (D(2025, 2, 10), C("30.00"), C("30.00"), "paid"),
        (D(2025, 3, 10), C("30.00"), C("0.00"), "cancelled"),
    ]
    second.refresh_from_db()
    assert second.allocated_amount == C("30.00")
    assert not PaymentAllocation.objects.filter(due=march).exists()
    assert set(member.coverages.values_list("end_date", flat=True)) == {D(2025, 3, 10)}
    assert balances(*ACCOUNTS) == {
        "1002": C("75.00"),
        "1122": C("0.00"),
        "2203": C("-15.00"),
        "6031": C("-60.00"),
    }
    reversal = JournalEntry.objects.get(reverses_id=march.ledger_entry_id)
    assert sorted(reversal.postings.values_list("account__code", "amount")) == [
        ("1122", C("-30.00")),
        ("6031", C("30.00")),
    ]
    before = (JournalEntry.objects.count(), MemberEvent.objects.count())
    with on(D(2025, 3, 14)):
        assert withdrawals_complete(today=D(2025, 3, 14)) == {"withdrawn": 0, "failed": 0}
    assert (JournalEntry.objects.count(), MemberEvent.objects.count()) == before


def test_a_death_cancels_the_premiums_from_the_date_of_death(premium, make_user):
    """Dead on 15 February, recorded on the 20th: the March premium, already paid from the
    advance, is cancelled and its 30.00 held as an advance for the estate; February's
    period, which began before the death, stays paid."""
    with on(D(2025, 1, 10)):
        member = member_make(premium)
        pay(member, "90.00")
        coverage_bill(coverage=member.coverages.get(), until=D(2025, 3, 10))
    assert [d[3] for d in dues(member)] == ["paid", "paid", "paid"]

    with on(D(2025, 2, 20)):
        member_mark_deceased(
            member=member,
            actor=make_user("clerk", is_staff=True),
            reason="Death certificate seen.",
            died_on=D(2025, 2, 15),
        )

    assert dues(member) == [
        (D(2025, 1, 10), C("30.00"), C("30.00"), "paid"),
        (D(2025, 2, 10), C("30.00"), C("30.00"), "paid"),
        (D(2025, 3, 10), C("30.00"), C("0.00"), "cancelled"),
    ]
    assert set(member.coverages.values_list("status", "end_date")) == {
        (Coverage.Status.ENDED, D(2025, 2, 15))
    }
    assert balances(*ACCOUNTS) == {
        "1002": C("90.00"),
        "1122": C("0.00"),
        "2203": C("-30.00"),
        "6031": C("-60.00"),
    }


# --- 2. Suspension and reinstatement ---


def test_a_member_reinstated_after_a_billing_outage_is_not_suspended_again(premium):
    """Suspended on 3 March with billing not run since; the arrears paid on 1 July
    reinstate. The periods billed late the next day get their 60 days of grace from that
    day, so the next days' jobs leave the member active."""
    day = D(2025, 1, 1)
    with on(day):
        member = member_make(premium)
    while day <= D(2025, 3, 3):
        daily_jobs(day)
        day += dt.timedelta(days=1)
    member.refresh_from_db()
    assert (member.status, member.suspended_on) == (Member.Status.SUSPENDED, D(2025, 3, 3))

    with on(D(2025, 7, 1)):
        pay(member, "90.00")
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE

    for day in (D(2025, 7, 2), D(2025, 7, 3), D(2025, 8, 31)):
        daily_jobs(day)
        member.refresh_from_db()
        assert member.status == Member.Status.ACTIVE, day

    late = member.dues.filter(period_start__gte=D(2025, 4, 1), period_start__lte=D(2025, 7, 1))
    assert set(late.values_list("grace_ends_on", flat=True)) == {D(2025, 8, 31)}
    assert balances(*ACCOUNTS) == {
        "1002": C("90.00"),
        "1122": C("150.00"),  # April to July billed on 2 July, August on 1 August
        "2203": C("0.00"),
        "6031": C("-240.00"),
    }
    daily_jobs(D(2025, 9, 1))
    member.refresh_from_db()
    assert member.status == Member.Status.SUSPENDED


def test_premiums_fall_due_while_suspended_and_are_owed_to_reinstate(premium):
    """Billing runs daily while suspended: by 1 July the premiums of April and May are
    past their grace period and must be paid as well; June and July, within theirs, need
    not be."""
    day = D(2025, 1, 1)
    with on(day):
        member = member_make(premium)
    while day <= D(2025, 7, 1):
        daily_jobs(day)
        day += dt.timedelta(days=1)
    member.refresh_from_db()
    assert member.status == Member.Status.SUSPENDED
    assert len(dues(member)) == 7

    with on(D(2025, 7, 1)):
        pay(member, "120.00")  # January to April
    member.refresh_from_db()
    assert member.status == Member.Status.SUSPENDED  # May is overdue too

    with on(D(2025, 7, 1)):
        pay(member, "30.00")
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE
    for day in (D(2025, 7, 2), D(2025, 7, 3)):
        daily_jobs(day)
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE
    assert balances(*ACCOUNTS) == {
        "1002": C("150.00"),
        "1122": C("60.00"),  # June and July
        "2203": C("0.00"),
        "6031": C("-210.00"),
    }


# --- 5. Write-offs at a lapse ---


def test_a_lapse_writes_off_the_unpaid_part_and_cancels_later_periods(premium):
    """Lapsing on its lapse date: the unpaid part of each earlier premium is written off
    (Dr 6031 / Cr 1122) and what was paid stays earned; a premium billed for a period
    from the lapse date on is cancelled; an apportioned share stays owed."""
    with on(D(2025, 1, 1)):
        member = member_make(premium)
        coverage_bill(coverage=member.coverages.get(), until=D(2025, 2, 1))
        pay(member, "40.00")  # January paid, February 10.00 of 30.00
        aid = coverage_open(
            member=member, version=mutual_aid_plan_make(), frequency="", start=D(2025, 1, 1)
        )
        share, _created = due_create(
            coverage=aid,
            kind=ContributionDue.Kind.SHARE,
            period_start=D(2025, 1, 14),
            period_end=D(2025, 1, 14),
            due_date=D(2025, 1, 14),
            amount=C("1.23"),
        )
    Member.objects.filter(pk=member.pk).update(
        status=Member.Status.SUSPENDED, suspended_on=D(2025, 4, 2), lapses_on=D(2025, 5, 1)
    )
    Coverage.objects.filter(member=member).update(status=Coverage.Status.SUSPENDED)
    with on(D(2025, 5, 1)):
        premiums_bill(today=D(2025, 5, 1))  # bills March to May while suspended

    with on(D(2025, 5, 3)):
        assert memberships_enforce_grace(today=D(2025, 5, 3))["lapsed"] == 1

    premiums = member.dues.filter(kind=ContributionDue.Kind.PREMIUM)
    assert list(
        premiums.order_by("period_start").values_list("period_start", "paid_amount", "status")
    ) == [
        (D(2025, 1, 1), C("30.00"), "paid"),
        (D(2025, 2, 1), C("10.00"), "cancelled"),
        (D(2025, 3, 1), C("0.00"), "cancelled"),
        (D(2025, 4, 1), C("0.00"), "cancelled"),
        (D(2025, 5, 1), C("0.00"), "cancelled"),
    ]
    share.refresh_from_db()
    assert share.status == ContributionDue.Status.OPEN
    assert set(member.coverages.values_list("status", "end_date")) == {
        (Coverage.Status.LAPSED, D(2025, 5, 1))
    }
    # 1122 keeps only the share; 6031: January 30.00 and February's 10.00 paid.
    assert balances(*ACCOUNTS) == {
        "1002": C("40.00"),
        "1122": C("1.23"),
        "2203": C("0.00"),
        "6031": C("-41.23"),
    }
    may = premiums.get(period_start=D(2025, 5, 1))
    assert JournalEntry.objects.filter(reverses_id=may.ledger_entry_id).exists()
    before = JournalEntry.objects.count()
    member_lapse_again = memberships_enforce_grace(today=D(2025, 5, 4))
    assert member_lapse_again == {"suspended": 0, "lapsed": 0, "failed": 0}
    assert JournalEntry.objects.count() == before


# --- 4. A term that does not renew ---


def test_cover_whose_term_does_not_renew_ends_after_the_term(documents):
    """A 12-month term from 31 January 2025 without renewal ends on 30 January 2026: the
    daily job ends the cover the next day, cancels a premium billed for a later period
    (its 30.00, paid from the advance, goes back to it), and leaves the membership."""
    version = premium_plan_make(auto_renew=False)
    with on(D(2025, 1, 31)):
        member = member_make(mutual_aid_plan_make())
        coverage = coverage_open(
            member=member, version=version, frequency="monthly", start=D(2025, 1, 31)
        )
        coverage_bill(coverage=coverage, until=D(2026, 6, 30))
    with on(D(2026, 1, 10)):
        pay(member, "390.00")
        # A premium for a period after the term (e.g. imported): paid from the advance.
        stray, _created = due_create(
            coverage=coverage,
            kind=ContributionDue.Kind.PREMIUM,
            period_start=D(2026, 1, 31),
            period_end=D(2026, 2, 27),
            due_date=D(2026, 1, 31),
            amount=C("30.00"),
        )
    assert (stray.status, stray.paid_amount) == ("paid", C("30.00"))

    assert coverages_expire(today=D(2026, 1, 30)) == {"ended": 0, "failed": 0}
    with on(D(2026, 1, 31)):
        assert coverages_expire(today=D(2026, 1, 31)) == {"ended": 1, "failed": 0}

    coverage.refresh_from_db()
    assert (coverage.status, coverage.end_date) == (Coverage.Status.ENDED, D(2026, 1, 30))
    stray.refresh_from_db()
    assert (stray.status, stray.paid_amount) == ("cancelled", C("0.00"))
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE
    assert member.events.filter(type=MemberEvent.Type.COVERAGE, new_value="ended").exists()
    assert balances(*ACCOUNTS) == {
        "1002": C("390.00"),
        "1122": C("0.00"),
        "2203": C("-30.00"),
        "6031": C("-360.00"),
    }
    before = (JournalEntry.objects.count(), MemberEvent.objects.count())
    assert coverages_expire(today=D(2026, 2, 1)) == {"ended": 0, "failed": 0}
    assert (JournalEntry.objects.count(), MemberEvent.objects.count()) == before


def test_a_renewing_term_does_not_end(premium):
    with on(D(2025, 1, 1)):
        member = member_make(premium)

    assert coverages_expire(today=D(2026, 6, 1)) == {"ended": 0, "failed": 0}
    assert member.coverages.get().status == Coverage.Status.IN_FORCE
