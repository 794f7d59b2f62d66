"""On PostgreSQL the database itself keeps the ledger append-only and balanced
(migration 0003), whatever code or person writes to it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from ledger.models import Account
from tests.ledger.factories import CASH, ledger_counts, post, posting_lines

# Committed transactions are needed (the balance check runs at COMMIT): chart_of_accounts
# brings a transactional database with the chart seeded.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures("chart_of_accounts"),
]


def run_sql(sql: str, params: tuple = ()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("UPDATE ledger_posting SET amount = amount * 2", id="update-postings"),
        pytest.param("DELETE FROM ledger_posting", id="delete-postings"),
        pytest.param("UPDATE ledger_journalentry SET memo = 'rewritten'", id="update-entries"),
        pytest.param("DELETE FROM ledger_journalentry", id="delete-entries"),
    ],
)
def test_raw_sql_cannot_update_or_delete_ledger_rows(sql):
    """A raw UPDATE or DELETE of postings or entries is refused by the trigger; the rows
    stay as they were."""
    entry = post("committed")

    with pytest.raises(IntegrityError, match="append-only"):
        run_sql(sql)

    assert ledger_counts() == (1, 2)
    entry.refresh_from_db()
    assert entry.memo == "Test entry"
    assert posting_lines(entry) == [(CASH, "100.00"), ("6031", "-100.00")]


def insert_entry(cursor, key: str) -> int:
    cursor.execute(
        "INSERT INTO ledger_journalentry "
        "(idempotency_key, date, memo, currency, source_type, source_id, created_at) "
        "VALUES (%s, '2025-01-15', 'raw', 'CNY', '', '', now()) RETURNING id",
        [key],
    )
    return cursor.fetchone()[0]


def insert_posting(cursor, entry_id: int, amount: str) -> None:
    cursor.execute(
        "INSERT INTO ledger_posting (entry_id, account_id, amount, date) "
        "VALUES (%s, %s, %s, '2025-01-15')",
        [entry_id, Account.objects.get(code=CASH).pk, amount],
    )


@pytest.mark.parametrize(
    "amounts",
    [
        pytest.param(["100.00", "-99.99"], id="unbalanced"),
        pytest.param(["100.00"], id="one-posting"),
        pytest.param([], id="no-postings"),
    ],
)
def test_a_raw_unbalanced_entry_fails_at_commit(amounts):
    """Raw INSERTs of an entry whose postings do not sum to zero (or that has fewer than
    two) are accepted statement by statement and refused at COMMIT by the deferred
    constraint trigger; nothing is left behind."""
    with (
        pytest.raises(IntegrityError, match="does not balance"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        entry_id = insert_entry(cursor, "raw")
        for amount in amounts:
            insert_posting(cursor, entry_id, amount)
        # Still inside the transaction: every statement was accepted.
        cursor.execute("SELECT count(*) FROM ledger_posting WHERE entry_id = %s", [entry_id])
        assert cursor.fetchone()[0] == len(amounts)

    assert ledger_counts() == (0, 0)


def test_a_raw_balanced_entry_commits():
    """The trigger accepts a balanced entry written in raw SQL."""
    with transaction.atomic(), connection.cursor() as cursor:
        entry_id = insert_entry(cursor, "raw")
        insert_posting(cursor, entry_id, "10.00")
        insert_posting(cursor, entry_id, "-10.00")

    assert ledger_counts() == (1, 2)


def test_entries_posted_by_the_service_commit():
    """Entries written by entry_post satisfy the commit-time check."""
    post("a")
    post("b")

    assert ledger_counts() == (2, 4)
