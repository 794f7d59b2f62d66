"""members-billing: the daily premium billing job over N members.

Data (not measured): N active members COPYed in with cover (``claims_apportion.
members_with_cover``), moved onto a premium plan set-based: monthly premiums of 20.00 to
69.00, cover from 13 months ago, so that every coverage's next period starts today; one
member in a hundred has 50.00 paid in advance (one balanced entry for all of them), so
the run settles their new premium from it as it would in production; and a ledger with a
history (``ledger_history``: one past entry per ten members), as a society of that size has.

Measured: ``members.services.billing.premiums_bill(today=...)`` — batches of members,
each locked, its premiums totalled, one balanced entry per batch posted, one ``INSERT ...
SELECT`` of its dues, one ``UPDATE`` of its coverages' next due dates, the advance payers'
dues settled — against, in the same run, a bare ``INSERT ... SELECT`` of the same dues
into a copy of the dues table as it is (``LIKE ... INCLUDING ALL``, the same deferred
foreign keys) plus the bare ``UPDATE`` of the coverages' next due dates (rolled back):
``baseline_seconds``, best of 3. Then the rerun of the day, which bills nothing.

Peak RSS of the Python process is printed by bench/run.py: it stays flat because no row
of coverages or dues comes into Python (the advance payers' dues excepted: one in a
hundred, settled in batches).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bench.claims_apportion import members_with_cover
from bench.split import run_on_workers
from ledger.services import Credit, Debit, entry_post
from members.calculations import add_months
from members.models import ContributionDue
from members.services.billing import BATCH_SIZE, premiums_bill, premiums_bill_start
from tests.members.factories import premium_plan_make

BASELINE_RUNS = int(os.environ.get("BILLING_BENCH_BASELINE_RUNS", "3"))
#: Members per batch (the job's ``batch_size``; ``billing.BATCH_SIZE`` unless set).
BATCH = int(os.environ.get("BILLING_BENCH_BATCH_SIZE", str(BATCH_SIZE)))
#: One member in ADVANCE_EVERY has money paid in advance.
ADVANCE_EVERY = 100
ADVANCE = Decimal("50.00")
#: One past ledger entry per HISTORY_EVERY members (``ledger_history``).
HISTORY_EVERY = 10


def ledger_history(count: int, day: dt.date) -> None:
    """``count`` past entries of the society's ledger (money received, Dr 1002 bank / Cr
    2203 advances, 1.00 each), set-based. A society of a million members has millions of
    entries; a bench ledger of one entry is not such a society. With one, PostgreSQL
    plans the foreign-key check of each due's entry as a scan of the table (one page),
    keeps that plan for the connection, and the table then grows under it by the run's
    own entries: each batch's checks read every entry posted before, quadratic until
    autovacuum analyses the table (docs/scaling.md, "Billing")."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_journalentry (idempotency_key, date, memo, currency, "
            "source_type, source_id, created_at) SELECT 'bench-history:' || g, %s, "
            "'bench: history', %s, 'bench.history', CAST(g AS TEXT), now() "
            "FROM generate_series(1, %s) g",
            [day, settings.SOCIETY_CURRENCY, count],
        )
        cursor.execute(
            "INSERT INTO ledger_posting (entry_id, account_id, amount, date) "
            "SELECT e.id, a.id, CASE WHEN a.code = '1002' THEN 1 ELSE -1 END, e.date "
            "FROM ledger_journalentry e CROSS JOIN ledger_account a "
            "WHERE e.source_type = 'bench.history' AND a.code IN ('1002', '2203')"
        )


def premium_members(scale: int, log: Callable[[str], None]) -> dt.date:
    """``scale`` members with monthly premium cover whose next period starts today
    (set-based); one in ``ADVANCE_EVERY`` with ``ADVANCE`` paid ahead. Returns today."""
    today = timezone.localdate()
    started = time.perf_counter()
    version = premium_plan_make(code="BENCH-P", questions=False)
    members_with_cover(version, scale)
    start = add_months(today, -13)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_coverage SET payment_frequency = 'monthly', "
            "premium = 20 + (id %% 50), start_date = %s, waiting_period_end = %s, "
            "next_due_date = %s WHERE plan_id = %s",
            [start, start + dt.timedelta(days=90), today, version.plan_id],
        )
        cursor.execute(
            "SELECT COUNT(*) FROM members_coverage WHERE plan_id = %s AND member_id %% %s = 0",
            [version.plan_id, ADVANCE_EVERY],
        )
        count = cursor.fetchone()[0]
        if count:
            total = ADVANCE * count
            entry = entry_post(
                idempotency_key="bench-advances",
                date=today - dt.timedelta(days=3),
                memo="bench: premiums paid in advance",
                lines=[Debit("1002", total), Credit("2203", total)],
            )
            cursor.execute(
                "INSERT INTO members_payment (member_id, amount, received_on, provider, "
                "reference, idempotency_key, allocated_amount, ledger_entry_id, created_at) "
                "SELECT c.member_id, %s, %s, 'bank_transfer', 'bench', "
                "'bench-advance:' || c.member_id, 0, %s, now() FROM members_coverage c "
                "WHERE c.plan_id = %s AND c.member_id %% %s = 0",
                [ADVANCE, today - dt.timedelta(days=3), entry.pk, version.plan_id, ADVANCE_EVERY],
            )
        ledger_history(max(1, scale // HISTORY_EVERY), start)
    with connection.cursor() as cursor:
        for table in (
            "members_coverage",
            "members_member",
            "members_payment",
            "ledger_journalentry",
            "ledger_posting",
        ):
            cursor.execute(f"ANALYZE {table}")
    log(
        f"loaded {scale:,} members with premium cover ({count:,} paid ahead, "
        f"{max(1, scale // HISTORY_EVERY):,} past ledger entries) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return today


def _vacuum(table: str) -> None:
    """Outside a transaction (VACUUM refuses one): the baseline's rolled-back update
    leaves dead rows that the measured run should not pay for."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")


def _baseline() -> float:
    """The same dues by a bare INSERT ... SELECT into a copy of the dues table with its
    indexes, checks and the same deferred foreign keys, and the bare UPDATE of the next
    due dates (rolled back); best of ``BASELINE_RUNS``."""
    best = float("inf")
    keys = (
        ("member_id", "members_member"),
        ("coverage_id", "members_coverage"),
        ("ledger_entry_id", "ledger_journalentry"),
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_dues (LIKE members_contributiondue INCLUDING ALL)")
        for column, target in keys:
            cursor.execute(
                f"ALTER TABLE bench_dues ADD FOREIGN KEY ({column}) REFERENCES {target} (id) "
                "DEFERRABLE INITIALLY DEFERRED"
            )
        cursor.execute("SELECT MIN(id) FROM ledger_journalentry")
        entry_id = cursor.fetchone()[0]
        for _ in range(BASELINE_RUNS):
            cursor.execute("TRUNCATE bench_dues")
            started = time.perf_counter()
            try:
                with transaction.atomic():
                    cursor.execute(
                        "INSERT INTO bench_dues (member_id, coverage_id, kind, period_start, "
                        "period_end, due_date, grace_ends_on, amount, paid_amount, status, "
                        "ledger_entry_id, created_at) "
                        "SELECT c.member_id, c.id, 'premium', c.next_due_date, "
                        "CAST(c.next_due_date + interval '1 month' - interval '1 day' AS DATE), "
                        "c.next_due_date, c.next_due_date + 60, c.premium, 0, 'open', %s, now() "
                        "FROM members_coverage c WHERE c.next_due_date IS NOT NULL",
                        [entry_id],
                    )
                    cursor.execute(
                        "UPDATE members_coverage SET next_due_date = "
                        "CAST(next_due_date + interval '1 month' AS DATE) "
                        "WHERE next_due_date IS NOT NULL"
                    )
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the FK checks, timed
                    best = min(best, time.perf_counter() - started)
                    raise _Undo
            except _Undo:
                pass
        cursor.execute("DROP TABLE bench_dues")
    _vacuum("members_coverage")
    return best


class _Undo(Exception):
    """Rolls the baseline's update of the real coverages back."""


def run(*, scale: int, log: Callable[[str], None], workers: int = 0) -> dict:
    today = premium_members(scale, log)
    baseline = _baseline()
    log(f"bare INSERT ... SELECT of the dues + UPDATE of the coverages: {baseline:.2f} s")
    started = time.perf_counter()
    extra: dict = {}
    if workers:
        # The daily task's way: a batch run whose chunks run on ``workers`` processes.
        seconds, batch = run_on_workers(
            lambda: premiums_bill_start(today=today, batch_size=BATCH), workers=workers, log=log
        )
        assert batch.status == "complete", batch.error
        result = {"billed": batch.result["billed"], "failed": batch.result["failed"]}
        extra = {"workers": workers, "chunks": batch.chunk_count}
    else:
        result = premiums_bill(today=today, batch_size=BATCH)
        seconds = time.perf_counter() - started
    log(f"premiums_bill: {seconds:.2f} s ({result})")
    assert result == {"billed": scale, "failed": 0}, result
    assert ContributionDue.objects.filter(due_date=today).count() == scale
    again = time.perf_counter()
    assert premiums_bill(today=today) == {"billed": 0, "failed": 0}
    rerun = time.perf_counter() - again
    settled = ContributionDue.objects.filter(due_date=today, paid_amount__gt=0).count()
    return {
        "seconds": seconds,
        "baseline_seconds": baseline,
        "rows": scale,
        "settled_from_advance": settled,
        "rerun_seconds": round(rerun, 4),
        "batch_size": BATCH,
        **extra,
    }
