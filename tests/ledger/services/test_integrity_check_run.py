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
        assert check.reason == (
            "1 journal entries do not balance. Total debits 13.00 differ from total credits 10.00."
        )
        transaction.set_rollback(True)

    assert len(mail.outbox) == 1
    assert "2025-06-01" in mail.outbox[0].subject
    assert "1 journal entries do not balance" in mail.outbox[0].body


# --- Sums the ledger can hold, and checks that cannot be computed ------------------------

#: The largest amount one posting can hold (18 digits, 2 decimals).
POSTING_MAX = "9999999999999999.99"


@pytest.mark.postgres
def test_totals_larger_than_one_posting_are_kept_to_the_cent(django_capture_on_commit_callbacks):
    """Totals are sums over every posting, so they outgrow a posting's column: two
    postings of the largest amount a posting holds add up to 20 digits. The check stores
    them exactly (on PostgreSQL the old column overflowed with "numeric field overflow",
    so no result was kept and no alert sent, every day after)."""
    transfer("huge", CASH, CONTRIBUTIONS, POSTING_MAX)
    transfer("huge-2", OPERATING, CASH, POSTING_MAX)
    transfer("cent", CASH, CONTRIBUTIONS, "0.01")

    with django_capture_on_commit_callbacks(execute=True):
        check = integrity_check_run(on=dt.date(2025, 6, 1))

    check.refresh_from_db()
    assert check.ok is True
    assert check.total_debits == check.total_credits == Decimal("19999999999999999.99")
    assert check.reason == ""
    assert mail.outbox == []


def _cannot_sum(*args, **kwargs):
    raise ArithmeticError("the totals cannot be represented")


def test_a_check_it_cannot_compute_is_kept_as_failed_and_alerts_the_admins(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Whatever stops the check from computing its totals (here an arithmetic error), it
    does not crash: it keeps a failed result for the day with the reason, and the admins
    get one e-mail after commit. A second run the same day returns that result."""
    settings.ADMINS = ["finance@example.org"]
    transfer("fine", CASH, CONTRIBUTIONS, "10.00")
    monkeypatch.setattr("ledger.services.integrity._integrity_totals", _cannot_sum)

    with django_capture_on_commit_callbacks(execute=True):
        check = integrity_check_run(on=dt.date(2025, 6, 1))
    with django_capture_on_commit_callbacks(execute=True):
        again = integrity_check_run(on=dt.date(2025, 6, 1))

    check.refresh_from_db()
    assert check.ok is False
    assert "the totals cannot be represented" in check.reason
    assert (check.total_debits, check.total_credits, check.unbalanced_entries) == (None, None, None)
    assert again.pk == check.pk
    assert IntegrityCheck.objects.count() == 1
    assert len(mail.outbox) == 1
    assert "2025-06-01" in mail.outbox[0].subject
    assert "the totals cannot be represented" in mail.outbox[0].body


@pytest.mark.postgres
def test_a_database_error_while_checking_is_kept_as_failed(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A real database error during the check (PostgreSQL's numeric overflow, which
    aborts the statement) is recorded as a failed check in the same transaction: the
    error is contained in a savepoint, so the result can still be written."""
    from django.db import connection

    settings.ADMINS = ["finance@example.org"]

    def overflow():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 100000000000000000::numeric(18, 2)")

    monkeypatch.setattr("ledger.services.integrity._integrity_totals", overflow)

    with django_capture_on_commit_callbacks(execute=True):
        check = integrity_check_run(on=dt.date(2025, 6, 1))

    check.refresh_from_db()
    assert check.ok is False
    assert "numeric field overflow" in check.reason
    assert len(mail.outbox) == 1
