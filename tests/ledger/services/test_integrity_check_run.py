"""ledger.services.integrity_check_run and the daily task that calls it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from ledger.models import Account, IntegrityCheck, JournalEntry, Posting
from ledger.services import Credit, Debit, integrity_check_run
from ledger.tasks import integrity_check
from tests.ledger.factories import CASH, CLAIMS_PAID, CONTRIBUTIONS, OPERATING, post, transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def sound_ledger():
    """Entries whose cents would not add up exactly in binary floating point."""
    post(
        "cents",
        Debit(CASH, "0.10"),
        Debit(OPERATING, "0.20"),
        Credit(CONTRIBUTIONS, "0.30"),
    )
    transfer("contributions", CASH, CONTRIBUTIONS, "1234567.89")
    transfer("claim", CLAIMS_PAID, CASH, "0.07")


def test_a_sound_ledger_passes(sound_ledger):
    """Every entry balances: the check passes and keeps the totals of the day."""
    check = integrity_check_run(on=dt.date(2025, 6, 1))

    check.refresh_from_db()
    assert check.ok is True
    assert check.checked_on == dt.date(2025, 6, 1)
    assert (check.entries, check.postings, check.unbalanced_entries) == (3, 7, 0)
    assert check.total_debits == check.total_credits == Decimal("1234568.26")
    assert mail.outbox == []


def test_an_empty_ledger_passes():
    """No entries: zero totals, and the check passes."""
    check = integrity_check_run()

    assert check.checked_on == timezone.localdate()
    assert (check.ok, check.entries, check.postings) == (True, 0, 0)
    assert check.total_debits == check.total_credits == Decimal("0.00")


def test_one_row_per_day(sound_ledger):
    """A second run the same day returns that day's row unchanged, even if the ledger
    moved since; another day gets its own row."""
    first = integrity_check_run(on=dt.date(2025, 6, 1))
    transfer("later", CASH, CONTRIBUTIONS, "5.00")

    again = integrity_check_run(on=dt.date(2025, 6, 1))
    next_day = integrity_check_run(on=dt.date(2025, 6, 2))

    assert again.pk == first.pk
    assert again.entries == 3
    assert next_day.pk != first.pk
    assert next_day.entries == 4
    assert IntegrityCheck.objects.count() == 2


def test_the_task_twice_keeps_one_row(sound_ledger):
    """The daily task run twice leaves one row for today and returns its id both times."""
    first = integrity_check.delay().get()
    second = integrity_check.delay().get()

    assert first == second
    check = IntegrityCheck.objects.get()
    assert check.pk == first
    assert check.checked_on == timezone.localdate()
    assert check.ok is True


def test_an_unbalanced_entry_fails_the_check_and_alerts_the_admins(
    settings, django_capture_on_commit_callbacks
):
    """An entry written around the services (as a broken import could) fails the check;
    the admins get one e-mail after commit."""
    settings.ADMINS = ["finance@example.org"]
    transfer("fine", CASH, CONTRIBUTIONS, "10.00")
    # Written without entry_post on purpose, inside a savepoint rolled back at the end:
    # on PostgreSQL the deferred trigger refuses such an entry at commit (and at the
    # constraint check that closes a test).
    with transaction.atomic():
        bad = JournalEntry.objects.create(idempotency_key="bad", date=dt.date(2025, 1, 1), memo="x")
        Posting.objects.create(
            entry=bad,
            account=Account.objects.get(code=CASH),
            amount=Decimal("3.00"),
            date=bad.date,
        )

        with django_capture_on_commit_callbacks(execute=True):
            check = integrity_check_run(on=dt.date(2025, 6, 1))

        assert check.ok is False
        assert check.unbalanced_entries == 1
        assert (check.total_debits, check.total_credits) == (Decimal("13.00"), Decimal("10.00"))
        transaction.set_rollback(True)

    assert len(mail.outbox) == 1
    assert "2025-06-01" in mail.outbox[0].subject
    assert "1 journal entries do not balance" in mail.outbox[0].body
