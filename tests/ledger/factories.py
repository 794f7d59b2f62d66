"""Helpers that set up ledger data through ``ledger.services``."""

from __future__ import annotations

import datetime as dt

from ledger.models import JournalEntry, Posting
from ledger.services import Credit, Debit, Line, entry_post, entry_post_manual

JAN_15 = dt.date(2025, 1, 15)

# Codes from the chart of accounts seeded by ledger migration 0002.
CASH = "1002"  # asset
RECEIVABLE = "1122"  # asset
CLAIMS_PAYABLE = "2202"  # liability
PREPAID = "2203"  # liability
CLAIMS_RESERVE = "2602"  # liability
INITIAL_FUND = "4001"  # equity
CONTRIBUTIONS = "6031"  # income
CLAIMS_PAID = "6511"  # expense
RESERVE_CHANGE = "6502"  # expense
OPERATING = "6601"  # expense


def post(
    key: str,
    *lines: Line,
    on: dt.date = JAN_15,
    memo: str = "Test entry",
    actor=None,
) -> JournalEntry:
    """Post an entry; by default 100.00 of contributions received in cash."""
    return entry_post(
        idempotency_key=key,
        date=on,
        memo=memo,
        lines=list(lines) or [Debit(CASH, "100.00"), Credit(CONTRIBUTIONS, "100.00")],
        actor=actor,
    )


def transfer(
    key: str, debit: str, credit: str, amount: str, *, on: dt.date = JAN_15
) -> JournalEntry:
    """Post a two-line entry moving ``amount`` from ``credit`` to ``debit``."""
    return post(key, Debit(debit, amount), Credit(credit, amount), on=on)


def manual(
    key: str, debit: str, credit: str, amount: str, *, on: dt.date = JAN_15, actor=None
) -> JournalEntry:
    """Post a two-line manual entry, as finance does through the API."""
    return entry_post_manual(
        idempotency_key=key,
        date=on,
        memo="Manual entry",
        lines=[Debit(debit, amount), Credit(credit, amount)],
        actor=actor,
    )


def system(
    source_type: str, key: str, debit: str, credit: str, amount: str, *, on: dt.date = JAN_15
) -> JournalEntry:
    """Post a two-line entry as another part of the system does (e.g. "members.due")."""
    return entry_post(
        idempotency_key=key,
        date=on,
        memo=f"Posted by {source_type}",
        lines=[Debit(debit, amount), Credit(credit, amount)],
        source_type=source_type,
        source_id="1",
    )


def ledger_counts() -> tuple[int, int]:
    """(journal entries, postings) in the ledger."""
    return JournalEntry.objects.count(), Posting.objects.count()


def posting_lines(entry: JournalEntry) -> list[tuple[str, str]]:
    """The entry's postings as sorted (account code, amount as text) pairs."""
    return sorted(
        (code, str(amount))
        for code, amount in entry.postings.values_list("account__code", "amount")
    )
