"""payment_record under contention (PostgreSQL): a retried payment is recorded once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from ledger.models import JournalEntry
from members.calculations import add_months
from members.models import ContributionDue, Payment, PaymentAllocation
from members.services.contributions import coverage_bill, payment_record
from tests.helpers import run_at_once
from tests.members.factories import consent_documents_make, member_make, premium_plan_make

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("chart_of_accounts")]

THREADS = 10


@pytest.fixture
def member():
    consent_documents_make()
    member = member_make(premium_plan_make())
    coverage_bill(coverage=member.coverages.get(), until=add_months(timezone.localdate(), 2))
    return member


def test_ten_simultaneous_records_of_one_key_make_one_payment(member):
    """Ten threads recording the same payment at the same moment: one payment, one ledger
    entry, one allocation set; every thread gets that payment."""
    entries_before = JournalEntry.objects.count()

    results, errors = run_at_once(
        lambda n: (
            payment_record(
                member=member.pk,
                amount="45.00",
                received_on=timezone.localdate(),
                idempotency_key="bank-transfer-777",
            ).pk
        )
    )

    assert errors == []
    payment = Payment.objects.get()
    assert results == [payment.pk] * THREADS
    # The payment, and the settlement of next month's premium on its due date.
    assert JournalEntry.objects.count() == entries_before + 2
    assert JournalEntry.objects.filter(source_type="members.payment").count() == 1
    assert JournalEntry.objects.filter(source_type="members.allocation").count() == 1
    assert PaymentAllocation.objects.filter(payment=payment).count() == 2
    assert sorted(member.dues.values_list("paid_amount", flat=True)) == [
        Decimal("0.00"),
        Decimal("15.00"),
        Decimal("30.00"),
    ]


def test_simultaneous_different_payments_never_over_allocate(member):
    """Ten different payments of 10.00 at once settle the 90.00 owed oldest first and
    keep 10.00 as an advance; no due is paid beyond its amount."""
    results, errors = run_at_once(
        lambda n: (
            payment_record(
                member=member.pk,
                amount="10.00",
                received_on=timezone.localdate(),
                idempotency_key=f"transfer-{n}",
            ).pk
        )
    )

    assert errors == []
    assert len(set(results)) == THREADS
    dues = list(member.dues.order_by("due_date"))
    assert [d.paid_amount for d in dues] == [Decimal("30.00")] * 3
    assert all(d.status == ContributionDue.Status.PAID for d in dues)
    allocated = sum(Payment.objects.values_list("allocated_amount", flat=True))
    assert allocated == Decimal("90.00")
    for entry in JournalEntry.objects.all():
        assert sum(entry.postings.values_list("amount", flat=True)) == Decimal("0.00")
