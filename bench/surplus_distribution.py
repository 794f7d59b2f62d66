"""surplus-distribution: one surplus distribution run over N members.

Data (not measured): N active members with cover in force (COPYed in as the
claims-apportion benchmark does, ``claims_apportion.members_with_cover``), each with a
premium of the year paid (10.00 to 109.00) and joined between 400 and 1,399 days ago;
a surplus of 100,000,000.00 in the ledger, an approved assessment with room for it, an
assembly's adopted resolution on the surplus; the distribution computed, proposed and
adopted through the services (by contributions 70%, by days of membership 30%).

Measured: ``solvency.services.distribution.distribution_run`` — every check again, the
members' figures gathered into a temporary table, the totals and remainders, the
``INSERT ... SELECT`` of one share per member (two window functions: the remainder
cents), the balanced entry, the ``INSERT ... SELECT`` of one contribution credit per
member, committed — against, in the same run, a bare ``INSERT ... SELECT`` of the same
rows into copies of the two tables they go to, as they are (``LIKE ... INCLUDING ALL``,
the same deferred foreign keys): ``baseline_seconds``, best of 3. Beside it, the bare
insert into the shares table alone, and the preview (no write).

``SURPLUS_BENCH_CHUNK=N`` splits the run into chunks of N member ids
(``BATCH_CHUNK_SIZE``; docs/scaling.md, "Surplus distribution and triangles across
workers"): the first step is timed, then the chunks run on ``SURPLUS_BENCH_THREADS``
threads (2; each its own connection and transaction, as two workers would), then the
finish; ``seconds`` is the three together. Unset or 0: the whole run in one
transaction (one chunk, as a small society's).

Peak RSS of the Python process is printed by bench/run.py: it stays flat because no row
of members ever comes into Python.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.roles import ROLE_BY_SLUG
from bench.claims_apportion import aid_plan, members_with_cover
from governance.models import Matter
from ledger.models import JournalEntry
from ledger.services import Credit, Debit, entry_post
from members.models import Payment
from mutualsociety.common.models import BatchRun
from mutualsociety.common.services import batches
from solvency.models import MemberSurplusShare
from solvency.services import (
    distribution_adopt,
    distribution_compute,
    distribution_preview,
    distribution_propose,
    distribution_run,
)
from solvency.services.distribution_batch import run_key
from tests.solvency.ladder_world import approved, resolution

BASELINE_RUNS = int(os.environ.get("SURPLUS_BENCH_BASELINE_RUNS", "3"))
CHUNK = int(os.environ.get("SURPLUS_BENCH_CHUNK", "0"))
THREADS = int(os.environ.get("SURPLUS_BENCH_THREADS", "2"))
AMOUNT = "100000000.00"


def _user(name: str, role: str):
    user = get_user_model().objects.create_user(username=name, password=None, is_staff=True)
    user.groups.add(Group.objects.get(name=ROLE_BY_SLUG[role].group_name))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def _load(scale: int, log: Callable[[str], None]) -> None:
    """Members with cover, a paid premium of the year each, varied joining dates."""
    today = timezone.localdate()
    started = time.perf_counter()
    version = aid_plan()
    members_with_cover(version, scale)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_member SET joined_on = joined_on - CAST(id %% 1000 AS INTEGER)", []
        )
        cursor.execute(
            "INSERT INTO members_contributiondue (member_id, coverage_id, kind, period_start, "
            "period_end, due_date, grace_ends_on, amount, paid_amount, status, created_at) "
            "SELECT c.member_id, c.id, 'premium', %s, %s, %s, %s, 10 + (c.id %% 100), "
            "10 + (c.id %% 100), 'paid', now() FROM members_coverage c",
            [today.replace(day=1), today, today.replace(day=1), today],
        )
        cursor.execute("ANALYZE members_member")
        cursor.execute("ANALYZE members_contributiondue")
    log(
        f"loaded {scale:,} members, coverages and paid dues "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _world(log: Callable[[str], None]):
    actuary, compliance = (
        _user("bench-actuary", "actuary"),
        _user("bench-cco", "compliance_officer"),
    )
    secretary, finance = _user("bench-sec", "board_secretary"), _user("bench-fin", "finance")
    for key, debit, credit, amount in (
        ("bench-fund", "1002", "4001", "100000000.00"),
        ("bench-surplus", "1002", "4104", "200000000.00"),
    ):
        entry_post(
            idempotency_key=key,
            date=dt.date(2020, 1, 10),
            memo="bench",
            lines=[Debit(debit, amount), Credit(credit, amount)],
        )
    approved(
        actuary,
        compliance,
        minimum="100000000.00",
        core="300000000.00",
        on=timezone.localdate() - dt.timedelta(days=1),
    )
    motion = resolution(matter=Matter.SURPLUS)
    return actuary, secretary, finance, motion


def _baseline(distribution_id: int, entry_id: int, *, credits: bool) -> float:
    """The same rows by a bare INSERT ... SELECT into copies of the tables they go to, with
    their indexes, checks and the same deferred foreign keys; best of ``BASELINE_RUNS``."""
    best = float("inf")
    keys = (
        ("bench_shares", "member_id", "members_member"),
        ("bench_shares", "distribution_id", "solvency_surplusdistribution"),
        ("bench_credits", "member_id", "members_member"),
        ("bench_credits", "ledger_entry_id", "ledger_journalentry"),
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_shares (LIKE solvency_membersurplusshare INCLUDING ALL)")
        cursor.execute("CREATE TABLE bench_credits (LIKE members_payment INCLUDING ALL)")
        for table, column, target in keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD FOREIGN KEY ({column}) REFERENCES {target} (id) "
                "DEFERRABLE INITIALLY DEFERRED"
            )
        for _ in range(BASELINE_RUNS):
            cursor.execute("TRUNCATE bench_shares, bench_credits")
            started = time.perf_counter()
            with transaction.atomic():
                cursor.execute(
                    "INSERT INTO bench_shares (distribution_id, member_id, contributions, "
                    "membership_days, weight, amount) SELECT %s, c.member_id, 10.00, 400, "
                    "0.000001, 100.00 FROM members_coverage c",
                    [distribution_id],
                )
                if credits:
                    cursor.execute(
                        "INSERT INTO bench_credits (member_id, amount, received_on, provider, "
                        "reference, idempotency_key, allocated_amount, ledger_entry_id, "
                        "created_at) SELECT c.member_id, 100.00, now(), 'surplus', 'bench', "
                        "'bench:' || c.member_id, 0, %s, now() FROM members_coverage c",
                        [entry_id],
                    )
            best = min(best, time.perf_counter() - started)
        cursor.execute("DROP TABLE bench_shares, bench_credits")
    return best


def run(*, scale: int, log: Callable[[str], None]) -> dict:
    actuary, secretary, finance, motion = _world(log)
    _load(scale, log)
    today = timezone.localdate()
    d = distribution_compute(
        year=today.year,
        as_of=today,
        basis="mix",
        contributions_weight="0.7",
        amount=AMOUNT,
        actor=actuary,
    )
    started = time.perf_counter()
    preview = distribution_preview(distribution=d)
    preview_seconds = time.perf_counter() - started
    log(f"distribution_preview (no write): {preview_seconds:.2f} s")
    d = distribution_propose(distribution=d, actor=secretary)
    d = distribution_adopt(distribution=d, resolution=motion, actor=finance)
    entry_id = JournalEntry.objects.order_by("id").values_list("id", flat=True).first()
    baseline_shares = _baseline(d.pk, entry_id, credits=False)
    log(f"bare INSERT ... SELECT of the shares: {baseline_shares:.2f} s")
    baseline = _baseline(d.pk, entry_id, credits=True)
    log(f"bare INSERT ... SELECT of the shares and the credits: {baseline:.2f} s")
    chunk_size = settings.BATCH_CHUNK_SIZE
    try:
        split = _chunked(d.pk, finance, log) if CHUNK else {}
        if split:
            seconds = split["start_seconds"] + split["chunks_seconds"] + split["finish_seconds"]
            d.refresh_from_db()
        else:
            settings.BATCH_CHUNK_SIZE = 10**12  # one chunk: one transaction
            started = time.perf_counter()
            d = distribution_run(distribution=d, actor=finance)
            seconds = time.perf_counter() - started
    finally:
        settings.BATCH_CHUNK_SIZE = chunk_size
    log(f"distribution_run: {seconds:.2f} s")
    assert d.members_count == scale == preview.members
    assert MemberSurplusShare.objects.filter(distribution=d).count() == scale
    assert str(d.shares_total) == AMOUNT
    assert Payment.objects.filter(provider="surplus").count() == scale
    again = time.perf_counter()
    assert distribution_run(distribution=d.pk, actor=finance).pk == d.pk
    rerun = time.perf_counter() - again
    return {
        "seconds": seconds,
        "baseline_seconds": baseline,
        "baseline_shares_only_seconds": round(baseline_shares, 4),
        "ratio_to_shares_only": round(seconds / baseline_shares, 2),
        "rows": scale,
        "amount": AMOUNT,
        "median_share": str(preview.median),
        "smallest_share": str(preview.smallest),
        "largest_share": str(preview.largest),
        "preview_seconds": round(preview_seconds, 4),
        "rerun_seconds": round(rerun, 4),
        **split,
    }


def _chunked(distribution_id: int, finance, log: Callable[[str], None]) -> dict:
    """The run split into chunks of ``CHUNK`` ids: the first step (its dispatch to
    Celery left out: no worker here), the chunks on ``THREADS`` threads, the finish."""
    settings.BATCH_CHUNK_SIZE = CHUNK
    real = batches._dispatch_enqueue
    batches._dispatch_enqueue = lambda run: None
    try:
        started = time.perf_counter()
        distribution_run(distribution=distribution_id, actor=finance)
        start_seconds = time.perf_counter() - started
    finally:
        batches._dispatch_enqueue = real
    run = BatchRun.objects.get(key=run_key(distribution_id))
    log(f"first step: {start_seconds:.2f} s, {run.chunk_count} chunks of {CHUNK:,} ids")

    def one(number: int) -> None:
        try:
            batches.batch_chunk_run(run_id=run.pk, number=number, worker="bench")
        finally:
            connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(one, range(1, run.chunk_count + 1)))
    chunks_seconds = time.perf_counter() - started
    log(f"chunks on {THREADS} threads: {chunks_seconds:.2f} s")
    started = time.perf_counter()
    run = batches.batch_finish(run_id=run.pk)
    finish_seconds = time.perf_counter() - started
    log(f"finish: {finish_seconds:.2f} s ({run.status})")
    assert run.status == BatchRun.Status.COMPLETE, run.error
    return {
        "chunk_ids": CHUNK,
        "chunks": run.chunk_count,
        "threads": THREADS,
        "start_seconds": round(start_seconds, 4),
        "chunks_seconds": round(chunks_seconds, 4),
        "finish_seconds": round(finish_seconds, 4),
    }
