"""claims-apportion: the apportionment of a mutual aid plan over N covered members.

Data (not measured): a mutual aid plan (8% fee, 188.00 annual cap) and N members with
cover in force and past the waiting period, loaded with COPY into the real tables from a
stream generated in small chunks (nothing held in memory); 200 approved claims of the
plan cleared from public notice in the period, created through the model.

Measured: ``claims.services.apportionment.apportionment_run`` — the preview aggregates,
the period row, the ledger entry and the ``INSERT ... SELECT`` of one share due per
member, committed — against, in the same run, a bare ``INSERT ... SELECT`` of the same
number of rows into a copy of the dues table as it is: the same indexes and checks
(``CREATE TABLE ... (LIKE members_contributiondue INCLUDING ALL)``) and the same deferred
foreign keys to members and coverages (``baseline_seconds``), best of 3. Beside it, the
same insert into that copy without the foreign keys, and into a table without any index,
show what the per-row key checks and the indexes cost on their own.

Beside it (``tree_*``, ``proof_*``): the Merkle tree of the shares, which the run builds
in its transaction, rebuilt alone to time it; the nodes kept and their size on disk; the
time of one member's inclusion proof (its block of leaves recomputed from the shares).
Then the period is published (``publish_seconds``): the summary at once, and one
notification per member written by the batch run of ``apportionment_notify_start``, on
the last worker count of the list (inline for 0), timed to the last member told; beside
it (``publish_baseline_seconds``, ``publish_ratio``), the same notifications copied by one
bare ``INSERT ... SELECT`` into a copy of the notifications table with its indexes and
deferred foreign key.

With ``--workers W`` (bench/run.py) the run goes through real Celery workers: one
``celery worker`` process with a prefork pool of W processes, on the Redis of
``REDIS_URL`` and a queue of its own (``CELERY_TASK_DEFAULT_QUEUE``), the shares written
in chunks of ``BATCH_CHUNK_SIZE`` coverage ids (default 100,000) as a chord; ``seconds``
is then the wall time from the start of ``apportionment_run`` to the period marked
billed (the chunks, the ledger entry and the Merkle root all in). Without ``--workers``
the chunk size is raised to the scale, so the run stays the one transaction it is for a
society whose members fit one chunk (today's inline measurement).

``--workers 1,2`` (a list; 0 is the inline run) measures each count on the same load, one
after the other: between two runs the scratch database is put back as it was before the
first (``_reset``: the period, its shares, run, tree and ledger entry deleted, the dues
table truncated and analysed), so a ten-million-member load is paid once.
``seconds_by_workers`` and ``ratio_by_workers`` give each run beside the same baseline.

Peak RSS of the Python process is printed by bench/run.py: it stays flat because no row
of members or dues ever comes into Python (nor into a worker: each chunk is one
``INSERT ... SELECT``).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bench.split import run_on_workers
from claims import merkle
from claims.models import ApportionmentPeriod, Claim, ShareTreeNode
from claims.selectors import share_proof
from claims.services.apportionment import (
    apportionment_preview,
    apportionment_publish,
    apportionment_run,
)
from claims.services.messages import NOTIFY_KIND
from claims.services.share_tree import share_tree_build
from members.models import AgeBand, ContributionDue, Coverage, Member, Notification, Plan
from members.services.plans import plan_version_draft, plan_version_publish
from mutualsociety.common.models import BatchRun

PLAN = "bench-aid"
CLAIMS = 200
CHUNK = 50_000
#: Best of this many baseline runs (CLAIMS_BENCH_BASELINE_RUNS; 1 for very large scales).
BASELINE_RUNS = int(os.environ.get("CLAIMS_BENCH_BASELINE_RUNS", "3"))
#: The chunk width of the runs on workers (settings.BATCH_CHUNK_SIZE as configured).
CHUNK_SIZE = settings.BATCH_CHUNK_SIZE


class _Stream(io.RawIOBase):
    """A readable stream over generated lines, for COPY, holding one chunk at a time."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while len(self.buffer) < len(target):
            chunk = "".join(line for _, line in zip(range(CHUNK), self.lines, strict=False))
            if not chunk:
                break
            self.buffer += chunk.encode()
        n = min(len(target), len(self.buffer))
        target[:n] = self.buffer[:n]
        self.buffer = self.buffer[n:]
        return n


def aid_plan():
    """The mutual aid plan every generated member is covered by (8% fee, 188.00 cap)."""
    plan = Plan.objects.create(
        code=PLAN, name="基准互助计划", name_en="Bench aid plan", kind=Plan.Kind.MUTUAL_AID
    )
    version = plan_version_draft(plan=plan, effective_from=dt.date(2020, 1, 1))
    version.min_entry_age, version.max_entry_age = 0, 100
    version.save()
    AgeBand.objects.create(
        plan_version=version, min_age=0, max_age=100, sum_assured=Decimal("300000.00")
    )
    return plan_version_publish(version=version, actor=None)


def _members(scale: int, today: dt.date, first: int = 0) -> Iterator[str]:
    start = today - dt.timedelta(days=400)
    now = timezone.now().isoformat()
    for i in range(first, first + scale):
        yield (
            f"M-B-{i:09d}\t会员{i}\tresident_id\tB{i:017d}\t1980-01-01\t{'MF'[i % 2]}\t"
            f"139{i:08d}\t\t11\t\tactive\t{now}\t{start.isoformat()}\t{now}\n"
        )


def members_with_cover(version, scale: int, *, first: int = 0) -> None:
    """``scale`` active members (numbers ``M-B-<first>`` onwards), each with cover of
    ``version`` in force and past its waiting period, COPYed into the real tables (also
    the demo society of the disclosure-pages benchmark)."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=400)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM members_member")
        before = cursor.fetchone()[0]
        cursor.cursor.copy_expert(
            "COPY members_member (member_number, legal_name, id_type, id_number, "
            "date_of_birth, sex, phone, email, region, address, status, status_changed_at, "
            "joined_on, created_at) FROM STDIN",
            _Stream(_members(scale, today, first)),
        )
        cursor.execute(
            "INSERT INTO members_coverage (member_id, plan_id, plan_version_id, status, "
            "start_date, waiting_period_end, sum_assured, payment_frequency) "
            "SELECT id, %s, %s, 'in_force', %s, %s, 300000.00, '' FROM members_member "
            "WHERE id > %s",
            [version.plan_id, version.pk, start, start + dt.timedelta(days=90), before],
        )
        cursor.execute("ANALYZE members_member")
        cursor.execute("ANALYZE members_coverage")


def _load(version, scale: int, log) -> None:
    today = timezone.localdate()
    started = time.perf_counter()
    members_with_cover(version, scale)
    log(f"loaded {scale:,} members and coverages in {time.perf_counter() - started:.1f} s")
    coverages = list(Coverage.objects.filter(plan_id=version.plan_id).order_by("id")[:CLAIMS])
    Claim.objects.bulk_create(
        Claim(
            number=f"C-B-{i:06d}",
            member_id=c.member_id,
            coverage=c,
            plan_id=version.plan_id,
            kind=Claim.Kind.ILLNESS,
            event_date=today - dt.timedelta(days=60),
            description="bench",
            amount_claimed=Decimal("100000.00"),
            bank_account_name="bench",
            bank_account_number="6222000000000000",
            status=Claim.Status.APPROVED,
            age_band="40–49",
            region="11",
            benefit=Decimal("300000.00"),
            assessed_amount=Decimal("100000.00") + i,
            notice_status=Claim.Notice.CLEARED,
            notice_from=today - dt.timedelta(days=10),
            notice_until=today - dt.timedelta(days=7),
            cleared_on=today - dt.timedelta(days=6),
        )
        for i, c in enumerate(coverages)
    )
    with connection.cursor() as cursor:
        # The tables a run reads, analysed as a running society's are (autovacuum keeps
        # them so); the dues table empty, as ``_reset`` leaves it between two runs, so
        # that every worker count starts from the same statistics. Never analysed, the
        # planner took the dues of a chunk for one row and drove the advance payers'
        # query from them: 0.15 s a chunk at 1,000,000 members, in the first run only.
        cursor.execute("ANALYZE members_contributiondue")
        cursor.execute("ANALYZE members_payment")


def _baseline(plan_id: int, indexed: bool, foreign_keys: bool = False) -> float:
    best = float("inf")
    like = "INCLUDING ALL" if indexed else "INCLUDING DEFAULTS INCLUDING IDENTITY"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_dues (LIKE members_contributiondue {like})")
        if foreign_keys:
            # The same deferred foreign keys as the real table (Django's on PostgreSQL).
            for column, table in (
                ("member_id", "members_member"),
                ("coverage_id", "members_coverage"),
            ):
                cursor.execute(
                    f"ALTER TABLE bench_dues ADD FOREIGN KEY ({column}) REFERENCES {table} (id) "
                    "DEFERRABLE INITIALLY DEFERRED"
                )
        for _ in range(BASELINE_RUNS):
            cursor.execute("TRUNCATE bench_dues")
            started = time.perf_counter()
            with transaction.atomic():
                cursor.execute(
                    "INSERT INTO bench_dues (member_id, coverage_id, kind, period_start, "
                    "period_end, due_date, grace_ends_on, amount, paid_amount, status, "
                    "created_at) SELECT member_id, id, 'share', start_date, start_date, "
                    "start_date, start_date, 1.00, 0, 'open', now() FROM members_coverage "
                    "WHERE plan_id = %s",
                    [plan_id],
                )
            best = min(best, time.perf_counter() - started)
        cursor.execute("DROP TABLE bench_dues")
    return best


def _run_on_workers(plan_id: int, cutoff: dt.date, workers: int, log) -> tuple:
    """apportionment_run through the workers (``bench.split``): the seconds from its start
    to the period billed, the period, and the run's chunk count."""

    def start() -> BatchRun:
        apportionment_run(plan=Plan.objects.get(pk=plan_id), cutoff=cutoff)
        return BatchRun.objects.get(key=f"claims.apportionment:{plan_id}:{cutoff.isoformat()}")

    seconds, run = run_on_workers(start, workers=workers, log=log)
    if run.status != BatchRun.Status.COMPLETE:
        raise RuntimeError(f"the run failed: {run.error}")
    period = ApportionmentPeriod.objects.get(plan_id=plan_id, cutoff=cutoff)
    return seconds, period, run.chunk_count


def _reset(plan_id: int) -> None:
    """Put the scratch database back as it was before the run, for the next worker count
    on the same load: the shares, the period, its run, its tree and its ledger entry go
    (the ledger's append-only triggers are skipped for that one delete, in this scratch
    database only), the claims are unlinked, and the dues table is emptied and analysed
    as it was for the first run."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM claims_sharetreenode")
        cursor.execute("UPDATE claims_claim SET apportionment_period_id = NULL")
        cursor.execute("DELETE FROM claims_apportionmentperiod WHERE plan_id = %s", [plan_id])
        cursor.execute("DELETE FROM common_batchchunk")
        cursor.execute("DELETE FROM common_batchrun")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "DELETE FROM ledger_posting WHERE entry_id IN (SELECT id FROM "
            "ledger_journalentry WHERE source_type = 'claims.apportionment')"
        )
        cursor.execute("DELETE FROM ledger_journalentry WHERE source_type = 'claims.apportionment'")
    with connection.cursor() as cursor:
        # TRUNCATE ... CASCADE empties the tables pointing at dues, and those pointing at
        # them: every one of them is empty here (no member paid ahead), checked first.
        cursor.execute(
            "WITH RECURSIVE referring(t) AS (SELECT 'members_contributiondue'::regclass "
            "UNION SELECT c.conrelid::regclass FROM pg_constraint c JOIN referring r "
            "ON c.confrelid = r.t AND c.contype = 'f') "
            "SELECT t::text FROM referring WHERE t <> 'members_contributiondue'::regclass"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            assert not cursor.fetchone()[0], f"{table} is not empty; the reset would lose it"
        cursor.execute("TRUNCATE members_contributiondue CASCADE")
        cursor.execute("ANALYZE members_contributiondue")


def _one_run(plan_id: int, cutoff: dt.date, workers: int, scale: int, log) -> tuple:
    """One apportionment_run (inline when ``workers`` is 0): seconds, period, chunks."""
    if workers:
        settings.BATCH_CHUNK_SIZE = CHUNK_SIZE
        seconds, period, chunks = _run_on_workers(plan_id, cutoff, workers, log)
        log(
            f"apportionment_run on {workers} worker process(es), {chunks} chunks of "
            f"{settings.BATCH_CHUNK_SIZE:,}: {seconds:.2f} s to billed"
        )
    else:
        # One transaction, as for a society whose members fit one chunk.
        settings.BATCH_CHUNK_SIZE = max(scale, CHUNK_SIZE)
        started = time.perf_counter()
        period = apportionment_run(plan=Plan.objects.get(pk=plan_id), cutoff=cutoff)
        seconds = time.perf_counter() - started
        chunks = 1
        log(f"apportionment_run: {seconds:.2f} s")
    dues = ContributionDue.objects.filter(kind="share", coverage__plan_id=plan_id)
    assert period.members_sharing == scale
    assert dues.count() == period.members_sharing
    with connection.cursor() as cursor:
        cursor.execute("SELECT SUM(amount) FROM members_contributiondue WHERE kind = 'share'")
        assert cursor.fetchone()[0] == period.shares_total
    return seconds, period, chunks


def run(*, scale: int, log: Callable[[str], None], workers: list[int] | int | None = None) -> dict:
    counts = workers if isinstance(workers, list) else [workers or 0]
    version = aid_plan()
    _load(version, scale, log)
    plan_id = version.plan_id
    baseline = _baseline(plan_id, indexed=True)
    log(f"bare INSERT ... SELECT, same indexes: {baseline:.2f} s")
    unindexed = _baseline(plan_id, indexed=False)
    log(f"bare INSERT ... SELECT, no index: {unindexed:.2f} s")
    with_keys = _baseline(plan_id, indexed=True, foreign_keys=True)
    log(f"bare INSERT ... SELECT, same indexes and foreign keys: {with_keys:.2f} s")
    cutoff = timezone.localdate()
    started = time.perf_counter()
    preview = apportionment_preview(plan=Plan.objects.get(pk=plan_id), cutoff=cutoff)
    preview_seconds = time.perf_counter() - started
    log(f"apportionment_preview (dry run; the first step of a run): {preview_seconds:.2f} s")
    assert preview.members_sharing == scale
    by_workers = {}
    for i, count in enumerate(counts):
        if i:
            _reset(plan_id)
        seconds, period, chunks = _one_run(plan_id, cutoff, count, scale, log)
        by_workers[str(count)] = round(seconds, 4)
    seconds = by_workers[str(counts[0])]
    again = time.perf_counter()
    assert apportionment_run(plan=plan_id, cutoff=cutoff).pk == period.pk
    rerun = time.perf_counter() - again
    assert ApportionmentPeriod.objects.count() == 1
    tree = _share_tree(period, log, publish=lambda: _publish(period, counts[-1], scale, log))
    # The headline baseline is the dues table as it is (its indexes and its foreign keys):
    # the same rows written by a bare INSERT ... SELECT with no rule applied. The two
    # lighter tables show what the indexes and the per-row key checks cost on their own.
    return {
        "seconds": seconds,
        "baseline_seconds": with_keys,
        "workers": counts[0],
        "seconds_by_workers": by_workers,
        "ratio_by_workers": {k: round(v / with_keys, 2) for k, v in by_workers.items()},
        "chunks": chunks,
        "chunk_size": settings.BATCH_CHUNK_SIZE,
        "baseline_same_indexes_no_keys_seconds": round(baseline, 4),
        "ratio_to_same_indexes_no_keys": round(seconds / baseline, 2),
        "baseline_no_index_seconds": round(unindexed, 4),
        "ratio_to_no_index": round(seconds / unindexed, 2),
        "rows": scale,
        "claims": period.claim_count,
        "total": str(period.total),
        "share_per_member": str(period.share_per_member),
        "capped_members": period.capped_members,
        "shortfall": str(period.shortfall),
        "rerun_seconds": round(rerun, 4),
        "preview_seconds": round(preview_seconds, 4),
        **tree,
    }


def _share_tree(
    period: ApportionmentPeriod, log: Callable[[str], None], *, publish: Callable[[], dict]
) -> dict:
    """The Merkle tree of the shares (built inside the run above): rebuilt alone to time
    it, its stored nodes and their size; then the period published (``publish``, timed
    by it) and one member's proof (the block recomputed)."""
    root = period.merkle_root
    ApportionmentPeriod.objects.filter(pk=period.pk).update(
        merkle_root="", merkle_leaves=None, merkle_block_level=None
    )
    ShareTreeNode.objects.filter(period=period).delete()
    started = time.perf_counter()
    rebuilt = share_tree_build(period=period.pk)
    tree_seconds = time.perf_counter() - started
    assert rebuilt.merkle_root == root and rebuilt.merkle_leaves == period.members_sharing
    log(f"share tree (rebuilt alone): {tree_seconds:.2f} s, root {root}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE claims_sharetreenode")
        cursor.execute("SELECT pg_total_relation_size('claims_sharetreenode')")
        tree_bytes = cursor.fetchone()[0]
    nodes = ShareTreeNode.objects.filter(period=period).count()
    published = publish()  # a proof is given for a published period only
    proof_seconds = []
    for member in (Member.objects.order_by("id").first(), Member.objects.order_by("id").last()):
        started = time.perf_counter()
        proof = share_proof(member=member, period=period.pk)
        proof_seconds.append(time.perf_counter() - started)
        path = [(p["side"], bytes.fromhex(p["hash"])) for p in proof["path"]]
        leaf = merkle.leaf_hash(period.pk, proof["member_key"], proof["share_cents"])
        assert merkle.root_from_path(leaf, proof["leaf_index"], proof["leaf_count"], path) == (
            bytes.fromhex(root)
        )
    log(f"a member's proof: {max(proof_seconds):.2f} s; {nodes:,} nodes kept")
    return {
        "tree_seconds": round(tree_seconds, 4),
        "tree_nodes_stored": nodes,
        "tree_bytes_stored": tree_bytes,
        "proof_seconds": round(max(proof_seconds), 4),
        "proof_path_length": len(proof["path"]),
        **published,
    }


def _publish(period: ApportionmentPeriod, workers: int, scale: int, log) -> dict:
    """Publish the period and tell its members (the notification run inline for 0
    workers, else on ``workers`` processes): the seconds to the last member told."""
    key = f"{NOTIFY_KIND}:{period.pk}"

    def start() -> BatchRun:
        apportionment_publish(period=period.pk)
        return BatchRun.objects.get(key=key)

    if workers:
        seconds, run = run_on_workers(start, workers=workers, log=log)
    else:
        settings.BATCH_CHUNK_SIZE = max(scale, CHUNK_SIZE)
        started = time.perf_counter()
        run = start()
        seconds = time.perf_counter() - started
    assert run.status == BatchRun.Status.COMPLETE, run.error
    told = Notification.objects.filter(key__startswith=f"claims.apportionment:{period.pk}:")
    assert told.count() == scale
    log(f"apportionment_publish, {scale:,} told in {run.chunk_count} chunks: {seconds:.2f} s")
    bare = _publish_baseline(period)
    log(f"bare INSERT ... SELECT of the same notifications, same indexes and keys: {bare:.2f} s")
    return {
        "publish_seconds": round(seconds, 4),
        "publish_workers": workers,
        "publish_chunks": run.chunk_count,
        "publish_baseline_seconds": round(bare, 4),
        "publish_ratio": round(seconds / bare, 2),
    }


def _publish_baseline(period: ApportionmentPeriod) -> float:
    """The publishing's bare statement: the notifications it wrote, copied by one
    ``INSERT ... SELECT`` into a copy of the notifications table as it is (its indexes,
    its unique key, its deferred foreign key to the members), in one transaction."""
    columns = (
        "member_id, topic, key, batch, subject, body, link, created_at, read_at, "
        "email_state, emailed_at, sms_state, sms_sent_at, sms_message_id"
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_notes (LIKE members_notification INCLUDING ALL)")
        cursor.execute(
            "ALTER TABLE bench_notes ADD FOREIGN KEY (member_id) REFERENCES members_member (id) "
            "DEFERRABLE INITIALLY DEFERRED"
        )
        started = time.perf_counter()
        with transaction.atomic():
            cursor.execute(
                f"INSERT INTO bench_notes ({columns}) SELECT {columns} "  # noqa: S608 - constant SQL
                "FROM members_notification WHERE batch = %s",
                [f"claims.apportionment:{period.pk}"],
            )
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_notes")
    return seconds
