"""ledger-trial-balance: the real trial balance selector over N postings.

Data: N/2 balanced two-line entries over a year, spread over the chart of accounts,
inserted set-based with generate_series (the balance trigger is paused while loading a
scratch database; the load is not measured). Measured: ``ledger.selectors.trial_balance``
(best of 5 runs, warm cache), against the same GROUP BY written by hand and run by
PostgreSQL alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from django.db import connection, transaction

from ledger.models import Account
from ledger.selectors import trial_balance

RUNS = 5


def postings_over_a_year(
    postings: int, *, tag: str = "bench", first_day: str = "2025-01-01"
) -> None:
    """``postings`` / 2 balanced two-line entries dated over the year from ``first_day``,
    spread over the chart of accounts, set-based (also the demo society of the
    disclosure-pages benchmark; ``tag`` keeps each call's idempotency keys apart)."""
    entries = postings // 2
    account_ids = list(Account.objects.order_by("id").values_list("id", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE ledger_posting DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE ledger_journalentry DISABLE TRIGGER USER")
        cursor.execute(
            """
            INSERT INTO ledger_journalentry
                (idempotency_key, date, memo, currency, source_type, source_id, created_at)
            SELECT %s || ':' || g, %s::date + (g %% 365), 'bench entry', 'CNY',
                   %s, g::text, now()
            FROM generate_series(1, %s) AS g
            """,
            [tag, first_day, tag, entries],
        )
        # Two postings per entry: a debit on one account and the same credit on another.
        cursor.execute(
            """
            WITH e AS (
                SELECT id, date, (round((random() * 100000)::numeric, 2) + 0.01) AS amount,
                       (id %% %(n)s) AS a, ((id * 7 + 3) %% %(n)s) AS b
                FROM ledger_journalentry WHERE source_type = %(tag)s
            )
            INSERT INTO ledger_posting (entry_id, account_id, amount, date)
            SELECT e.id, (%(ids)s::bigint[])[e.a + 1], e.amount, e.date FROM e
            UNION ALL
            SELECT e.id,
                   (%(ids)s::bigint[])[
                       CASE WHEN e.b = e.a THEN (e.a + 1) %% %(n)s ELSE e.b END + 1
                   ],
                   -e.amount, e.date
            FROM e
            """,
            {"n": len(account_ids), "ids": account_ids, "tag": tag},
        )
    with connection.cursor() as cursor:
        # After the commit: the deferred foreign-key checks must have run first.
        cursor.execute("ALTER TABLE ledger_posting ENABLE TRIGGER USER")
        cursor.execute("ALTER TABLE ledger_journalentry ENABLE TRIGGER USER")
        cursor.execute("ANALYZE ledger_posting")
        cursor.execute("ANALYZE ledger_journalentry")


def _load(postings: int, log: Callable[[str], None]) -> None:
    started = time.perf_counter()
    postings_over_a_year(postings)
    entries = postings // 2
    elapsed = time.perf_counter() - started
    log(f"loaded {entries:,} entries / {entries * 2:,} postings in {elapsed:.1f} s")


BASELINE_SQL = """
SELECT account_id,
       SUM(amount) FILTER (WHERE amount > 0),
       SUM(amount) FILTER (WHERE amount < 0)
FROM ledger_posting GROUP BY account_id
"""


def _best(fn: Callable[[], object]) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(RUNS):
        started = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - started)
    return best, value


def run(*, scale: int, log: Callable[[str], None]) -> dict:
    _load(scale, log)

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL)
            return cursor.fetchall()

    baseline_seconds, rows = _best(baseline)
    seconds, tb = _best(trial_balance)
    # The selector must agree with PostgreSQL to the cent.
    assert len(tb.rows) == len(rows)
    assert tb.difference == Decimal("0.00"), tb.difference
    debits = sum((r[1] or 0 for r in rows), Decimal(0))
    assert sum((r.debits for r in tb.rows), Decimal(0)) == debits
    log(f"trial balance {seconds * 1000:.1f} ms, bare GROUP BY {baseline_seconds * 1000:.1f} ms")
    return {
        "seconds": seconds,
        "baseline_seconds": baseline_seconds,
        "postings": scale,
        "accounts": len(tb.rows),
        "total_debits": str(tb.total_debits),
    }
