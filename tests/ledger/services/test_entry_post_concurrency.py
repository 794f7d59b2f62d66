"""entry_post under contention: simultaneous posts of one key make one entry."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from ledger.models import JournalEntry
from ledger.services import entry_reverse
from tests.ledger.factories import CASH, CONTRIBUTIONS, ledger_counts, post, posting_lines

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.usefixtures("chart_of_accounts"),
]

THREADS = 16


def run_at_once(work, threads: int = THREADS) -> tuple[list, list[BaseException]]:
    """Run ``work()`` in ``threads`` threads released together; each closes its own
    database connection. Returns (results, errors)."""
    barrier = threading.Barrier(threads)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target():
        try:
            barrier.wait(timeout=30)
            value = work()
            with lock:
                results.append(value)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=target) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in pool), "a thread hung"
    return results, errors


def test_simultaneous_posts_of_one_key_make_one_entry():
    """16 threads posting the same key at the same moment create exactly one entry with
    its two postings, and every thread gets that entry's id."""
    results, errors = run_at_once(lambda: post("same-key").pk)

    assert errors == []
    assert len(results) == THREADS
    entry = JournalEntry.objects.get()
    assert set(results) == {entry.pk}
    assert ledger_counts() == (1, 2)
    assert posting_lines(entry) == [(CASH, "100.00"), (CONTRIBUTIONS, "-100.00")]


def test_simultaneous_posts_of_different_keys_all_succeed():
    """Contention on the table does not lose entries: 16 keys make 16 entries."""
    counter = iter(range(THREADS))
    lock = threading.Lock()

    def work():
        with lock:
            n = next(counter)
        return post(f"key-{n}").pk

    results, errors = run_at_once(work)

    assert errors == []
    assert len(set(results)) == THREADS
    assert ledger_counts() == (THREADS, 2 * THREADS)


def test_simultaneous_reversals_of_one_entry_make_one_reversal():
    """Reversing the same entry from many threads posts one mirror entry."""
    entry = post("original")

    results, errors = run_at_once(lambda: entry_reverse(entry=entry.pk).pk, threads=8)

    assert errors == []
    reversal = JournalEntry.objects.get(reverses=entry)
    assert set(results) == {reversal.pk}
    assert ledger_counts() == (2, 4)
