"""members.services.contributions.payment_record: allocation oldest first, advances,
ledger entries, idempotency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ledger.models import JournalEntry
from members.calculations import add_months
from members.models import ContributionDue, Member, MemberEvent, Payment, PaymentAllocation
from members.services.contributions import coverage_bill, payment_record
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput
from tests.members.factories import enrol, member_make, pay

pytestmark = pytest.mark.django_db


def postings(entry: JournalEntry) -> list[tuple[str, Decimal]]:
    return sorted(entry.postings.values_list("account__code", "amount"))


def assert_balanced(entry: JournalEntry) -> None:
    assert sum(amount for _code, amount in postings(entry)) == Decimal("0.00")


@pytest.fixture
def member(premium) -> Member:
    """An active member owing three monthly premiums of 30.00 (this month and two more)."""
    member = member_make(premium)
    coverage = member.coverages.get()
    coverage_bill(coverage=coverage, until=add_months(timezone.localdate(), 2))
    assert member.dues.count() == 3
    return member


def dues(member: Member) -> list[tuple[Decimal, str]]:
    return [(d.paid_amount, d.status) for d in member.dues.order_by("due_date")]


def test_a_payment_settles_the_oldest_dues_first(member):
    """75.00 settles 30.00 + 30.00 and 15.00 of the third premium. Today's premium is
    settled today (Dr 1002 / Cr 1122); the parts for the two premiums not yet due are an
    advance (Cr 2203) until each due date, when Dr 2203 / Cr 1122 settles it."""
    payment = pay(member, "75.00")

    assert dues(member) == [
        (Decimal("30.00"), "paid"),
        (Decimal("30.00"), "paid"),
        (Decimal("15.00"), "open"),
    ]
    assert payment.allocated_amount == Decimal("75.00")
    assert payment.unallocated == Decimal("0.00")
    oldest = member.dues.order_by("due_date").first()
    assert list(
        PaymentAllocation.objects.filter(payment=payment)
        .order_by("due__due_date")
        .values_list("due__due_date", "amount")
    )[0] == (oldest.due_date, Decimal("30.00"))
    assert postings(payment.ledger_entry) == [
        ("1002", Decimal("75.00")),
        ("1122", Decimal("-30.00")),
        ("2203", Decimal("-45.00")),
    ]
    assert_balanced(payment.ledger_entry)
    later = member.dues.order_by("due_date")[1:]
    settlements = JournalEntry.objects.filter(source_type="members.allocation").order_by("date")
    assert [(e.date, postings(e)) for e in settlements] == [
        (later[0].due_date, [("1122", Decimal("-30.00")), ("2203", Decimal("30.00"))]),
        (later[1].due_date, [("1122", Decimal("-15.00")), ("2203", Decimal("15.00"))]),
    ]
    assert member.events.filter(type=MemberEvent.Type.PAYMENT, new_value="75.00").exists()


def test_what_is_left_is_an_advance_applied_to_the_next_due(premium):
    """Paying more than is due keeps the rest as an advance (Cr 2203); the next premium
    is settled from it with Dr 2203 / Cr 1122."""
    member = member_make(premium)
    payment = pay(member, "100.00")
    assert postings(payment.ledger_entry) == [
        ("1002", Decimal("100.00")),
        ("1122", Decimal("-30.00")),
        ("2203", Decimal("-70.00")),
    ]
    assert payment.unallocated == Decimal("70.00")

    created = coverage_bill(
        coverage=member.coverages.get(), until=add_months(timezone.localdate(), 1)
    )

    assert len(created) == 1
    due = created[0]
    due.refresh_from_db()
    assert (due.paid_amount, due.status) == (Decimal("30.00"), ContributionDue.Status.PAID)
    payment.refresh_from_db()
    assert payment.allocated_amount == Decimal("60.00")
    applied = JournalEntry.objects.get(source_type="members.allocation", source_id=due.pk)
    assert postings(applied) == [("1122", Decimal("-30.00")), ("2203", Decimal("30.00"))]
    assert_balanced(applied)


def test_every_entry_of_a_member_balances_to_the_cent(member):
    pay(member, "10.01")
    pay(member, "99.99")
    pay(member, "0.01")

    entries = JournalEntry.objects.all()
    # Three premiums, three payments, and the settlements of the two premiums not yet due
    # (from the second payment, which reaches both).
    assert entries.count() == 3 + 3 + 2
    for entry in entries:
        assert_balanced(entry)
    balance = {
        code: sum(amount for e in entries for c, amount in postings(e) if c == code)
        for code in ("1002", "1122", "2203", "6031")
    }
    # 90.00 billed, 110.01 paid: nothing receivable, 20.01 held in advance.
    assert balance == {
        "1002": Decimal("110.01"),
        "1122": Decimal("0.00"),
        "2203": Decimal("-20.01"),
        "6031": Decimal("-90.00"),
    }


def test_a_retry_with_the_same_key_records_once(member):
    """The same key with the same payment returns the first one; nothing more is written."""
    first = pay(member, "30.00", key="bank-123")
    counts = (Payment.objects.count(), JournalEntry.objects.count(), MemberEvent.objects.count())

    again = pay(member, "30.00", key="bank-123")

    assert again.pk == first.pk
    assert (
        Payment.objects.count(),
        JournalEntry.objects.count(),
        MemberEvent.objects.count(),
    ) == counts
    assert dues(member)[:2] == [(Decimal("30.00"), "paid"), (Decimal("0.00"), "open")]


@pytest.mark.parametrize(
    "change",
    [
        {"amount": "31.00"},
        {"received_on": timezone.localdate() - dt.timedelta(days=1)},
        {"other_member": True},
    ],
    ids=["amount", "date", "member"],
)
def test_the_same_key_for_another_payment_is_a_conflict(member, premium, change):
    pay(member, "30.00", key="bank-123")
    target = member_make(premium) if change.get("other_member") else member
    before = (Payment.objects.count(), JournalEntry.objects.count())

    with pytest.raises(IdempotencyConflict) as caught:
        payment_record(
            member=target,
            amount=change.get("amount", "30.00"),
            received_on=change.get("received_on", timezone.localdate()),
            idempotency_key="bank-123",
        )

    assert set(caught.value.fields) == {"idempotency_key"}
    assert (Payment.objects.count(), JournalEntry.objects.count()) == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("0.00", "more than zero"),
        ("-30.00", "more than zero"),
        ("30.001", "more than two decimal places"),
        ("abc", "as a number"),
        ("NaN", "more than zero"),
        ("Infinity", "more than zero"),
        (30.0, "as a number"),  # a float is refused: binary fractions
    ],
)
def test_a_bad_amount_is_refused_naming_amount(member, amount, message):
    with pytest.raises(InvalidInput) as caught:
        pay(member, amount)

    assert set(caught.value.fields) == {"amount"}
    assert message in caught.value.fields["amount"][0]
    assert not Payment.objects.exists()


def test_other_bad_input_is_refused_by_field(member):
    today = timezone.localdate()
    cases = [
        ({"idempotency_key": "  "}, "idempotency_key"),
        ({"provider": "cheque"}, "provider"),
        ({"received_on": today + dt.timedelta(days=1)}, "received_on"),
        ({"member": 999_999}, "member"),
    ]
    for change, field in cases:
        arguments = {
            "member": member,
            "amount": "30.00",
            "received_on": today,
            "idempotency_key": "k",
        } | change
        with pytest.raises(InvalidInput) as caught:
            payment_record(**arguments)
        assert set(caught.value.fields) == {field}, change
    assert not Payment.objects.exists()


def test_an_applicant_has_nothing_to_pay(premium):
    applicant = enrol(premium, yes=("refer",)).member

    with pytest.raises(InvalidInput) as caught:
        pay(applicant, "30.00")

    assert set(caught.value.fields) == {"member"}
    assert not JournalEntry.objects.exists()


def test_the_recording_staff_member_is_kept(member, make_user):
    clerk = make_user("clerk", is_staff=True)

    payment = pay(member, "30.00", actor=clerk)

    assert payment.recorded_by == clerk
    assert payment.ledger_entry.created_by == clerk
