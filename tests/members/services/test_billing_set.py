"""members.services.billing, set-based: the daily job bills batches of members with a few
statements each, one balanced entry per batch and due date, and the same dues, periods
and settlements as billing one coverage at a time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from ledger.models import JournalEntry, Posting
from members.models import ContributionDue, Coverage
from members.services.contributions import coverage_bill, premiums_bill
from members.services.enrolment import coverage_open
from members.services.lifecycle import member_withdraw_request, withdrawals_complete
from tests.members.factories import member_make, mutual_aid_plan_make, pay, premium_plan_make
from tests.members.services.test_billing_edges import on

pytestmark = pytest.mark.django_db

D = dt.date
C = Decimal


def balance(code: str) -> Decimal:
    return Posting.objects.filter(account__code=code).aggregate(s=Sum("amount"))["s"] or C("0")


def premiums() -> list[tuple]:
    return list(
        ContributionDue.objects.filter(kind="premium")
        .order_by("coverage_id", "period_start")
        .values_list(
            "coverage_id", "period_start", "period_end", "due_date", "grace_ends_on", "amount"
        )
    )


def test_batches_post_one_balanced_entry_each_and_a_rerun_adds_nothing(premium):
    """Five members billed two member ids at a time: the dues of each batch hang on one
    entry whose receivable equals their sum; the receivable is every open premium; the
    second run of the day bills nothing and posts nothing."""
    with on(D(2026, 3, 1)):
        members = [member_make(premium) for _ in range(5)]
    entries_before = JournalEntry.objects.count()

    result = premiums_bill(today=D(2026, 4, 1), batch_size=2)

    assert result == {"billed": 5, "failed": 0}
    batch = ContributionDue.objects.filter(due_date=D(2026, 4, 1))
    assert batch.count() == 5
    entries = JournalEntry.objects.filter(source_type="members.premiums", date=D(2026, 4, 1))
    ids = sorted(m.pk for m in members)
    expected_batches = len({(pk - ids[0]) // 2 for pk in ids})
    assert entries.count() == expected_batches
    for entry in entries:
        dues = batch.filter(ledger_entry=entry)
        total = dues.aggregate(s=Sum("amount"))["s"]
        assert sorted(entry.postings.values_list("account__code", "amount")) == [
            ("1122", total),
            ("6031", -total),
        ]
        assert entry.date == D(2026, 4, 1)
    assert balance("1122") == C("300.00")  # ten premiums of 30.00, none paid
    assert balance("6031") == C("-300.00")
    state = (premiums(), JournalEntry.objects.count())
    assert state[1] == entries_before + expected_batches

    assert premiums_bill(today=D(2026, 4, 1), batch_size=2) == {"billed": 0, "failed": 0}
    assert (premiums(), JournalEntry.objects.count()) == state


@pytest.mark.parametrize(
    ("start", "frequency", "renews", "until"),
    [
        (D(2026, 1, 31), "monthly", True, D(2026, 12, 31)),
        (D(2026, 1, 29), "quarterly", True, D(2027, 8, 1)),
        (D(2026, 1, 1), "annual", True, D(2028, 1, 1)),
        (D(2026, 1, 31), "monthly", False, D(2027, 6, 30)),
        (D(2024, 2, 29), "annual", True, D(2026, 3, 1)),
    ],
)
def test_a_run_that_catches_up_bills_what_one_coverage_at_a_time_would(
    documents, start, frequency, renews, until
):
    """Months of billing missed: the daily job's rounds bill every period up to the day,
    with the periods, due dates, grace periods, amounts and terms that billing the
    coverage on its own gives (month ends clamped, terms renewed or ended)."""
    version = premium_plan_make(auto_renew=renews)

    def cover() -> Coverage:
        return coverage_open(
            member=member_make(mutual_aid_plan_make()),
            version=version,
            frequency=frequency,
            start=start,
        )

    alone, batched = cover(), cover()
    coverage_bill(coverage=alone, until=until, today=until)
    premiums_bill(today=until)

    def shape(coverage: Coverage) -> tuple:
        coverage.refresh_from_db()
        rows = [row[1:] for row in premiums() if row[0] == coverage.pk]
        return rows, coverage.next_due_date, coverage.term_end

    assert shape(batched) == shape(alone)
    rows = shape(batched)[0]
    assert len(rows) > 2
    for row in rows[1:]:  # the first was billed when cover opened
        assert row[3] == max(row[2], until) + dt.timedelta(days=60)


def test_a_premium_of_a_batch_cancelled_is_taken_back_alone(premium):
    """A batch's entry posts several members' premiums: cancelling one of them (cover
    ended) posts its own entry for its amount and leaves the batch entry standing."""
    with on(D(2026, 3, 1)):
        leaving, staying = member_make(premium), member_make(premium)
    with on(D(2026, 3, 15)):
        premiums_bill(today=D(2026, 3, 15), horizon_days=80)  # April to May, both
        member_withdraw_request(member=leaving, reason="Moving.")
    leaving.refresh_from_db()
    effective = leaving.withdrawal_effective_on
    with on(effective):
        withdrawals_complete(today=effective)

    cancelled = list(leaving.dues.filter(status="cancelled"))
    assert cancelled
    for due in cancelled:
        assert due.period_start >= effective
        assert ContributionDue.objects.filter(ledger_entry=due.ledger_entry).count() == 2
        assert not JournalEntry.objects.filter(reverses=due.ledger_entry).exists()
        back = JournalEntry.objects.get(idempotency_key=f"members.due-cancelled:{due.pk}")
        assert sorted(back.postings.values_list("account__code", "amount")) == [
            ("1122", C("-30.00")),
            ("6031", C("30.00")),
        ]
    open_dues = ContributionDue.objects.filter(status="open").aggregate(s=Sum("amount"))
    assert balance("1122") == open_dues["s"]
    assert not staying.dues.filter(status="cancelled").exists()


def test_members_who_paid_ahead_are_settled_from_it_in_the_batch(premium):
    """In a batch, the premium of a member with money in advance is paid from it on its
    due date (Dr 2203 / Cr 1122); the others stay due."""
    with on(D(2026, 3, 1)):
        ahead, other = member_make(premium), member_make(premium)
        pay(ahead, "50.00")  # 30.00 settles March, 20.00 is held
    with on(D(2026, 4, 1)):
        assert premiums_bill(today=D(2026, 4, 1)) == {"billed": 2, "failed": 0}

    april = ContributionDue.objects.get(member=ahead, due_date=D(2026, 4, 1))
    assert (april.paid_amount, april.status) == (C("20.00"), "open")
    assert ContributionDue.objects.get(member=other, due_date=D(2026, 4, 1)).paid_amount == 0
    applied = JournalEntry.objects.get(source_type="members.allocation", source_id=april.pk)
    assert applied.date == D(2026, 4, 1)
    assert sorted(applied.postings.values_list("account__code", "amount")) == [
        ("1122", C("-20.00")),
        ("2203", C("20.00")),
    ]
    assert balance("2203") == C("0.00")


def test_no_period_from_the_day_the_withdrawal_takes_effect(premium):
    with on(D(2026, 3, 1)):
        member = member_make(premium)
        member_withdraw_request(member=member, reason="Moving.")
    member.refresh_from_db()
    effective = member.withdrawal_effective_on

    premiums_bill(today=effective + dt.timedelta(days=90))

    assert not member.dues.filter(period_start__gte=effective).exclude(status="cancelled")


@pytest.mark.parametrize("batch_size", [1, 5000])
def test_a_period_billed_before_its_coverage_moved_on_is_not_billed_again(premium, batch_size):
    """A coverage whose premium for its next period is already written but whose next
    due date did not move on (a run that stopped between the two) is moved on without a
    second premium, alone in its batch (1) or beside members billed now (5000)."""
    with on(D(2026, 3, 1)):
        members = [member_make(premium) for _ in range(3)]
    first = members[0].coverages.get()
    coverage_bill(coverage=first, until=D(2026, 4, 1), today=D(2026, 4, 1))
    Coverage.objects.filter(pk=first.pk).update(next_due_date=D(2026, 4, 1))

    assert premiums_bill(today=D(2026, 4, 1), batch_size=batch_size) == {
        "billed": 2,
        "failed": 0,
    }
    april = ContributionDue.objects.filter(kind="premium", period_start=D(2026, 4, 1))
    assert sorted(april.values_list("member_id", flat=True)) == sorted(m.pk for m in members)
    assert set(Coverage.objects.values_list("next_due_date", flat=True)) == {D(2026, 5, 1)}
    open_dues = ContributionDue.objects.filter(status="open").aggregate(s=Sum("amount"))
    assert balance("1122") == open_dues["s"]
    assert premiums_bill(today=D(2026, 4, 1), batch_size=batch_size)["billed"] == 0
