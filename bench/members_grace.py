"""members-grace: the daily grace job (``memberships_enforce_grace``) over N members.

Data (not measured): N active members with cover in force (COPYed in as the
claims-apportion benchmark does, ``claims_apportion.members_with_cover``), each with a
premium due last quarter; every other member (even ids) left it open past its grace
period, the others paid it. One member in a thousand (ids ≡ 1 mod 1000) is already
suspended with the lapse date passed and the premium open. All by set-based SQL.

Measured: the job as the schedule runs it, committed — N/2 suspensions (members, cover,
one event each, in batches of ``jobs.BATCH_SIZE``) and N/1000 lapses (cover lapsed, the
unpaid premium written off with its own balanced, keyed ledger entry, the events) —
against, in the same run, the bare statements that make the same changes to the same
rows (one UPDATE of the members, one of their cover, one INSERT ... SELECT of the events
and one UPDATE of the written-off dues, for each of the two moves), timed inside a
transaction that is then rolled back: ``baseline_seconds``, best of 3. A second run the
same day (``rerun_seconds``) changes nothing.

Peak RSS of the Python process is printed by bench/run.py: it stays flat because no
batch holds more than ``BATCH_SIZE`` ids in Python.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from bench.claims_apportion import aid_plan, members_with_cover
from bench.split import run_on_workers
from ledger.models import JournalEntry
from members.models import Member, MemberEvent
from members.services.jobs import BATCH_SIZE, member_job_start, memberships_enforce_grace

BASELINE_RUNS = int(os.environ.get("GRACE_BENCH_BASELINE_RUNS", "3"))
#: One member in LAPSE_EVERY is suspended past the lapse date when the job runs.
LAPSE_EVERY = 1000


def _load(scale: int, log: Callable[[str], None]) -> dt.date:
    """The members, their cover and their premiums; returns the day the job runs for."""
    today = timezone.localdate()
    started = time.perf_counter()
    version = aid_plan()
    members_with_cover(version, scale)
    start = today - dt.timedelta(days=90)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_contributiondue (member_id, coverage_id, kind, period_start, "
            "period_end, due_date, grace_ends_on, amount, paid_amount, status, created_at) "
            "SELECT c.member_id, c.id, 'premium', %s, %s, %s, %s, 30.00, "
            "CASE WHEN c.member_id %% 2 = 0 AND c.member_id %% %s <> 1 THEN 30.00 ELSE 0 END, "
            "CASE WHEN c.member_id %% 2 = 0 AND c.member_id %% %s <> 1 THEN 'paid' "
            "ELSE 'open' END, now() FROM members_coverage c",
            [
                start,
                start + dt.timedelta(days=29),
                start,
                start + dt.timedelta(days=60),
                LAPSE_EVERY,
                LAPSE_EVERY,
            ],
        )
        cursor.execute(
            "UPDATE members_member SET status = 'suspended', suspended_on = %s, lapses_on = %s "
            "WHERE id %% %s = 1",
            [today - dt.timedelta(days=731), today - dt.timedelta(days=1), LAPSE_EVERY],
        )
        cursor.execute(
            "UPDATE members_coverage SET status = 'suspended' WHERE member_id %% %s = 1",
            [LAPSE_EVERY],
        )
        for table in ("members_member", "members_coverage", "members_contributiondue"):
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 - fixed names
    log(f"loaded {scale:,} members, coverages and dues in {time.perf_counter() - started:.1f} s")
    return today


_BARE = (
    # Suspensions: the members, their cover, one event each.
    "UPDATE members_member m SET status = 'suspended', status_changed_at = now(), "
    "suspended_on = %(today)s, lapses_on = %(today)s::date + 730 WHERE m.status = 'active' "
    "AND m.id IN (SELECT member_id FROM members_contributiondue WHERE status = 'open' "
    "AND grace_ends_on < %(today)s)",
    "UPDATE members_coverage c SET status = 'suspended' FROM members_member m "
    "WHERE c.member_id = m.id AND m.status = 'suspended' AND m.suspended_on = %(today)s "
    "AND c.status = 'in_force'",
    "INSERT INTO members_memberevent (member_id, type, at, old_value, new_value, reason, data) "
    "SELECT id, 'status', now(), 'active', 'suspended', 'bench', '{}'::jsonb "
    "FROM members_member WHERE status = 'suspended' AND suspended_on = %(today)s",
    # Lapses: the cover, the unpaid premiums, one event each, the members.
    "UPDATE members_coverage c SET status = 'lapsed', end_date = m.lapses_on "
    "FROM members_member m WHERE c.member_id = m.id AND m.status = 'suspended' "
    "AND m.lapses_on <= %(today)s AND c.status = 'suspended'",
    "UPDATE members_contributiondue d SET status = 'cancelled' FROM members_member m "
    "WHERE d.member_id = m.id AND m.status = 'suspended' AND m.lapses_on <= %(today)s "
    "AND d.status = 'open'",
    "INSERT INTO members_memberevent (member_id, type, at, old_value, new_value, reason, data) "
    "SELECT id, 'status', now(), 'suspended', 'lapsed', 'bench', '{}'::jsonb "
    "FROM members_member WHERE status = 'suspended' AND lapses_on <= %(today)s",
    "UPDATE members_member SET status = 'lapsed', suspended_on = NULL, lapses_on = NULL "
    "WHERE status = 'suspended' AND lapses_on <= %(today)s",
)


class _Rollback(Exception):
    pass


def _baseline(today: dt.date) -> float:
    """The bare statements over the same rows, timed, then rolled back; best of 3."""
    best = float("inf")
    for _ in range(BASELINE_RUNS):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                started = time.perf_counter()
                for sql in _BARE:
                    cursor.execute(sql, {"today": today})
                best = min(best, time.perf_counter() - started)
                raise _Rollback
        except _Rollback:
            pass
    return best


def run(*, scale: int, log: Callable[[str], None], workers: int = 0) -> dict:
    today = _load(scale, log)
    baseline = _baseline(today)
    log(f"bare statements (suspend + lapse): {baseline:.2f} s")
    entries = JournalEntry.objects.count()
    started = time.perf_counter()
    extra: dict = {}
    if workers:
        # The daily task's way: a batch run whose chunks run on ``workers`` processes.
        seconds, batch = run_on_workers(
            lambda: member_job_start("members.grace", today=today), workers=workers, log=log
        )
        assert batch.status == "complete", batch.error
        result = {name: batch.result[name] for name in ("suspended", "lapsed", "failed")}
        extra = {"workers": workers, "chunks": batch.chunk_count}
    else:
        result = memberships_enforce_grace(today=today)
        seconds = time.perf_counter() - started
    log(f"memberships_enforce_grace: {seconds:.2f} s {result}")
    lapsing = len(range(1, scale + 1, LAPSE_EVERY))
    assert result["failed"] == 0 and result["lapsed"] == lapsing, result
    assert result["suspended"] == Member.objects.filter(suspended_on=today).count() > 0
    assert MemberEvent.objects.filter(type=MemberEvent.Type.STATUS).count() == (
        result["suspended"] + result["lapsed"]
    )
    assert JournalEntry.objects.count() - entries == lapsing  # one write-off per premium
    again = time.perf_counter()
    assert memberships_enforce_grace(today=today) == {"suspended": 0, "lapsed": 0, "failed": 0}
    rerun = time.perf_counter() - again
    return {
        "seconds": seconds,
        "baseline_seconds": baseline,
        "members": scale,
        "suspended": result["suspended"],
        "lapsed": result["lapsed"],
        "batch_size": BATCH_SIZE,
        "rerun_seconds": round(rerun, 4),
        **extra,
    }
