"""Billing and a payment of the same member at the same moment (PostgreSQL).

Both lock the member row first, so whichever commits second sees the other's rows: a
premium billed while a payment is being recorded is settled from its advance, and a
payment recorded while a premium is being billed settles that premium.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from members.calculations import add_months
from members.models import ContributionDue, Payment
from members.services.contributions import coverage_bill, due_create, payment_record
from tests.members.factories import (
    consent_documents_make,
    member_make,
    mutual_aid_plan_make,
    premium_plan_make,
)

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("chart_of_accounts")]


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Statistics are a snapshot per transaction: take a fresh one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def hold_then_run(first, second) -> list[BaseException]:
    """Run ``first`` in a transaction kept open until ``second`` (in another thread) is
    either waiting on a lock or finished, then commit. Without a shared lock ``second``
    runs entirely while ``first`` is uncommitted, and cannot see its rows."""
    started = threading.Event()
    finished = threading.Event()
    errors: list[BaseException] = []

    def run_second():
        try:
            started.wait(timeout=30)
            second()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            finished.set()
            connection.close()

    thread = threading.Thread(target=run_second)
    thread.start()
    try:
        with transaction.atomic():
            first()
            started.set()
            deadline = time.monotonic() + 10
            while not finished.is_set() and time.monotonic() < deadline:
                if _waiting_on_a_lock():
                    time.sleep(0.2)  # let it queue on the lock, then commit
                    break
                time.sleep(0.05)
    finally:
        started.set()
        thread.join(timeout=30)
    assert not thread.is_alive(), "the second thread hung"
    return errors


@pytest.fixture
def member():
    consent_documents_make()
    return member_make(premium_plan_make())


def test_a_premium_billed_during_a_payment_is_settled_from_its_advance(member):
    coverage = member.coverages.get()
    today = timezone.localdate()

    errors = hold_then_run(
        lambda: payment_record(
            member=member.pk,
            amount="60.00",
            received_on=today,
            idempotency_key="race-advance",
        ),
        lambda: coverage_bill(coverage=coverage.pk, until=add_months(today, 1)),
    )

    assert errors == []
    new = ContributionDue.objects.get(coverage=coverage, period_start=add_months(today, 1))
    assert (new.paid_amount, new.status) == (Decimal("30.00"), "paid")
    assert Payment.objects.get(idempotency_key="race-advance").allocated_amount == Decimal("60.00")


def test_a_payment_during_billing_settles_the_new_premium(member):
    coverage = member.coverages.get()
    today = timezone.localdate()

    errors = hold_then_run(
        lambda: coverage_bill(coverage=coverage.pk, until=add_months(today, 1)),
        lambda: payment_record(
            member=member.pk,
            amount="60.00",
            received_on=today,
            idempotency_key="race-settles",
        ),
    )

    assert errors == []
    assert set(member.dues.values_list("status", flat=True)) == {"paid"}
    assert Payment.objects.get(idempotency_key="race-settles").allocated_amount == Decimal("60.00")


def test_a_share_apportioned_during_a_payment_is_settled_from_its_advance():
    """``due_create`` called on its own (an apportionment) takes the member lock too."""
    consent_documents_make()
    member = member_make(mutual_aid_plan_make())
    coverage = member.coverages.get()
    today = timezone.localdate()

    errors = hold_then_run(
        lambda: payment_record(
            member=member.pk, amount="5.00", received_on=today, idempotency_key="race-share"
        ),
        lambda: due_create(
            coverage=coverage,
            kind=ContributionDue.Kind.SHARE,
            period_start=today,
            period_end=today,
            due_date=today,
            amount=Decimal("1.23"),
        ),
    )

    assert errors == []
    share = member.dues.get()
    assert (share.paid_amount, share.status) == (Decimal("1.23"), "paid")
    assert Payment.objects.get(idempotency_key="race-share").allocated_amount == Decimal("1.23")


def test_two_billing_runs_at_the_same_moment_bill_once(member):
    """The daily job started twice: the second run queues on the first one's member locks,
    then finds every period billed; one premium and one entry per period."""
    from ledger.models import JournalEntry
    from members.services.contributions import premiums_bill

    others = [member_make(premium_plan_make()) for _ in range(2)]
    day = add_months(timezone.localdate(), 1)
    results: list[dict] = []

    errors = hold_then_run(
        lambda: results.append(premiums_bill(today=day)),
        lambda: results.append(premiums_bill(today=day)),
    )

    assert errors == []
    assert sorted(r["billed"] for r in results) == [0, 3]
    for one in [member, *others]:
        assert one.dues.filter(period_start=day).count() == 1
    assert JournalEntry.objects.filter(source_type="members.premiums", date=day).count() == 1
