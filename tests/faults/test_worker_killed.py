"""A Celery worker's pool process killed (SIGKILL) in the middle of an apportionment run
and of a reserve run: nothing partial is visible, and the run, sent again by the worker
(``CELERY_TASK_RETRY_ON_WORKER_LOST``), completes with the figures of a run without a
fault; a second run does nothing.

The worker is the production one: prefork, its pool process running the task (the
docker-compose worker), one process here. The kill lands mid-run deterministically: the
test's own connection holds ``LOCK TABLE ... IN SHARE MODE`` on a table the run writes
late in its transaction, after its first rows; the test waits until ``pg_locks`` shows
the run's session waiting for it, finds the pool process connected from that session's
``client_port``, and kills it. The worker's sessions check every 100 ms that their client
still exists (``client_connection_check_interval``, through libpq's ``PGOPTIONS``), so
the killed run's session ends, rolled back, while the lock is still held: the test sees
it gone before looking for partial results, and the run sent again then waits on the same
lock, in another pool process, until the test lets it go.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from claims.models import ApportionmentPeriod, Claim, ShareTreeNode
from claims.services.apportionment import apportionment_run, apportionments_run_due
from claims.services.notice import notices_clear
from claims.tasks import apportion
from ledger.models import JournalEntry
from members.models import ContributionDue, PlanVersion
from mutualsociety.celery import app as celery_app
from solvency.models import ReserveRun, ReserveRunEvent, ReserveRunOrigin, SolvencyJobRun
from solvency.services import jobs
from solvency.tasks import monthly_reserve
from tests.claims.factories import claim_approved, covered_member
from tests.faults.ledger import assert_ledger_sound
from tests.helpers import celery_worker
from tests.members.factories import mutual_aid_plan_make
from tests.solvency.factories import reserve_history

#: The worker's environment: its database sessions notice a dead client within 100 ms,
#: and a task whose pool process was lost is sent again after 1 s (60 s in production).
WORKER_ENV = {
    "PGOPTIONS": "-c client_connection_check_interval=100",
    "WORKER_LOST_RETRY_SECONDS": "1",
}
#: A guard against a hang, not a wait: every wait polls for what it waits for.
TIMEOUT = 120


def test_a_task_whose_pool_process_is_lost_is_sent_again_a_bounded_number_of_times():
    """The settings production runs: late acknowledgement, and a task whose pool process
    dies is retried (after WORKER_LOST_RETRY_SECONDS, 60 by default) rather than
    acknowledged and lost, at most max_retries times (no endless message loop); requeued
    only when the retry cannot be sent."""
    for task in (celery_app.tasks[t.name] for t in (apportion, monthly_reserve)):
        assert task.acks_late is True
        assert task.retry_on_worker_lost is True
        assert task.reject_on_worker_lost is True
        assert task.default_retry_delay == 60
        assert task.max_retries in (3, 5)


# --- The kill ------------------------------------------------------------------------------


class TableLock:
    """The test's own connection holding ``LOCK TABLE table IN SHARE MODE``: an INSERT into
    the table waits for it (ROW EXCLUSIVE conflicts with SHARE); reads go on."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.raw = connection.get_new_connection(connection.get_connection_params())
        with self.raw.cursor() as cursor:  # psycopg opens a transaction: held until release
            cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")

    def waiting(self) -> list[tuple[int, int]]:
        """(session pid, client port) of the sessions waiting for the lock, seen from the
        test's autocommit connection (a transaction sees pg_stat_activity frozen)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.pid, a.client_port FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.relation = %s::regclass AND NOT l.granted",
                [self.table],
            )
            return cursor.fetchall()

    def release(self) -> None:
        self.raw.rollback()
        self.raw.close()


def tables_written_by(pid: int) -> set[str]:
    """The tables session ``pid`` has written in its open transaction (it holds their
    ROW EXCLUSIVE lock until it ends)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = %s AND l.mode = 'RowExclusiveLock' AND l.granted AND c.relkind = 'r'",
            [pid],
        )
        return {name for (name,) in cursor.fetchall()}


def session_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def wait_for(condition, what: str, worker):
    """Poll ``condition`` until it answers something true (within TIMEOUT seconds)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        worker.assert_alive()
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"waited {TIMEOUT} s for {what}:\n" + worker.log_text())


def killed_mid_run(
    tmp_path, table: str, written: set[str], assert_nothing_partial, ended, task: str, **kwargs
):
    """Start a worker and send it ``task``; once its run waits on ``table`` having written
    the tables ``written``, SIGKILL the pool process running it, wait until its database
    session has ended, call ``assert_nothing_partial()``, wait until the run sent again
    waits on ``table`` in another pool process, let it go, and wait until
    ``ended(result)`` answers something true. Returns (that answer, the worker's log, the
    seconds from start to end)."""
    started = time.monotonic()
    with celery_worker(tmp_path, pool="prefork", env=WORKER_ENV) as worker:
        lock = TableLock(table)
        try:
            result = worker.send(task, **kwargs)
            [(session, port)] = wait_for(lock.waiting, f"the run to wait on {table}", worker)
            assert written <= tables_written_by(session)
            process = worker.child_connected_from(port)
            os.kill(process, signal.SIGKILL)
            wait_for(lambda: not session_alive(session), "the killed run's session to end", worker)

            assert_nothing_partial()

            [(_again, port)] = wait_for(
                lambda: [w for w in lock.waiting() if w[0] != session],
                "the run sent again to reach the same point",
                worker,
            )
            assert worker.child_connected_from(port) != process  # a new pool process
        finally:
            lock.release()
        answer = wait_for(lambda: ended(result), "the run sent again to end", worker)
        log = worker.log_text()
    return answer, log, time.monotonic() - started


class _Rollback(Exception):
    pass


def without_a_fault(run) -> dict:
    """What ``run()`` answers when it runs in-process without a fault, all it wrote then
    rolled back (the world is as before)."""
    try:
        with transaction.atomic():
            figures = run()
            raise _Rollback
    except _Rollback:
        return figures


def row_counts() -> dict[str, int]:
    """Rows in every table of the project."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


# --- The apportionment ---------------------------------------------------------------------


@pytest.fixture
def aid_period(chart_of_accounts, make_user):
    """A mutual aid plan sharing today, 1,207 members sharing (1,200 loaded set-based
    with the benchmark's builder) and three claims cleared from notice:
    81,234.57 of benefits and 8% fee, 87,733.34 to share."""
    from bench.claims_apportion import members_with_cover

    handler = make_user("handler", roles=("claims_handler",), is_staff=True)
    approver = make_user("approver", roles=("claims_approver",), is_staff=True)
    today = timezone.localdate()
    version = mutual_aid_plan_make(objection_threshold=2)
    PlanVersion.objects.filter(pk=version.pk).update(apportionment_days=str(today.day))
    members = [covered_member(version) for _ in range(7)]
    members_with_cover(version, 1200)
    claims = [
        claim_approved(members[0], handler, approver, amount="50000.00"),
        claim_approved(members[1], handler, approver, amount="30000.00"),
        claim_approved(members[2], handler, approver, amount="1234.57", kind="accident"),
    ]
    notices_clear(today=claims[0].notice_until + dt.timedelta(days=1))
    Claim.objects.update(cleared_on=today)
    return version.plan, today


PERIOD_FIELDS = [
    "period_start", "cutoff", "claim_count", "benefits_total", "fee", "total",
    "members_sharing", "share_per_member", "extra_cent_members", "capped_members",
    "shares_total", "shortfall", "shortfall_fee_waived", "shortfall_from_surplus",
    "merkle_leaves",
]  # fmt: skip


def apportionment_figures(period: ApportionmentPeriod) -> dict:
    """A period's amounts to the cent: the period, each coverage's share, the entry."""
    shares = ContributionDue.objects.filter(
        kind="share", coverage__plan=period.plan, period_end=period.cutoff
    )
    return {
        "period": {field: getattr(period, field) for field in PERIOD_FIELDS},  # fmt: skip
        "shares": dict(shares.values_list("coverage_id", "amount")),
        "shares_sum": sum(shares.values_list("amount", flat=True), Decimal("0.00")),
        "entry": sorted(period.ledger_entry.postings.values_list("account__code", "amount")),
        "claims": sorted(period.claims.values_list("pk", flat=True)),
    }


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_apportionment(aid_period, tmp_path):
    """The pool process is killed once the period row, the claims' link, the ledger
    entry and the 1,207 share dues are written, as the run waits to write the Merkle
    nodes: nothing of it is visible; the run sent again completes with the figures of a
    run without a fault, to the cent; running it again does nothing."""
    plan, today = aid_period
    expected = without_a_fault(
        lambda: apportionment_figures(apportionment_run(plan=plan, cutoff=today))
    )
    assert expected["period"]["total"] == Decimal("87733.34")
    assert expected["period"]["members_sharing"] == 1207
    assert len(expected["shares"]) == 1207
    before = row_counts()

    def assert_nothing_partial():
        assert row_counts() == before
        assert not ApportionmentPeriod.objects.exists()
        assert not Claim.objects.filter(apportionment_period__isnull=False).exists()
        assert not ContributionDue.objects.filter(kind="share").exists()
        assert not JournalEntry.objects.filter(source_type="claims.apportionment").exists()
        assert not ShareTreeNode.objects.exists()

    ids, log, seconds = killed_mid_run(
        tmp_path,
        ShareTreeNode._meta.db_table,
        {
            "claims_apportionmentperiod",
            "claims_claim",
            "ledger_journalentry",
            "ledger_posting",
            "members_contributiondue",
        },  # fmt: skip
        assert_nothing_partial,
        lambda result: result.state == "SUCCESS" and result.result,
        "claims.apportion",
        today=today.isoformat(),
    )
    assert "retry: Retry in 1s: WorkerLostError" in log

    period = ApportionmentPeriod.objects.get()
    assert ids == [period.pk]
    assert apportionment_figures(period) == expected
    assert period.merkle_root and ShareTreeNode.objects.filter(period=period).exists()
    assert not period.published_at  # publishing is a person's act, later
    # Running it again does nothing.
    after = row_counts()
    assert apportionments_run_due(today=today) == [period.pk]
    assert row_counts() == after
    assert_ledger_sound()
    print(f"apportionment killed and run again in {seconds:.1f} s")  # noqa: T201


# --- The reserve run -----------------------------------------------------------------------

TODAY = dt.date(2024, 7, 1)  # the run at the month end just passed, 30 June 2024


RUN_FIELDS = [
    "valuation_date", "version", "state", "method", "grain", "upr", "outstanding", "ibnr",
    "latest_total", "ultimate_total", "std_err_total", "factors", "triangles", "inputs_digest",
]  # fmt: skip


def reserve_figures(job: SolvencyJobRun) -> dict:
    """A reserve run's amounts and its projection per origin."""
    run = ReserveRun.objects.get(pk=job.result["reserve_run"])
    return {
        "job": (job.kind, job.period, job.status, job.version),
        "run": {field: getattr(run, field) for field in RUN_FIELDS},  # fmt: skip
        "origins": list(
            run.origins.order_by("order").values_list(
                "origin", "latest", "ultimate", "ibnr", "std_err"
            )
        ),
        "events": list(run.events.values_list("type", "new_value")),
    }


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_reserve_run(chart_of_accounts, tmp_path):
    """The pool process is killed once the reserve run and its origins are written, as
    it waits to write the run's event: no reserve row and no succeeded job run is
    visible; the run sent again completes with the figures of a run without a fault and
    marks the killed run's row failed as abandoned; running it again is skipped."""
    reserve_history()
    expected = without_a_fault(lambda: reserve_figures(jobs.job_monthly_reserve(today=TODAY)))
    assert (expected["run"]["upr"], expected["run"]["outstanding"]) == (
        Decimal("184.00"),
        Decimal("2300.00"),
    )
    assert expected["origins"]  # the incurred triangle projected per origin quarter
    before = row_counts()

    def assert_nothing_partial():
        assert {k: v for k, v in row_counts().items() if k != "solvency.SolvencyJobRun"} == {
            k: v for k, v in before.items() if k != "solvency.SolvencyJobRun"
        }
        assert not ReserveRun.objects.exists()
        assert not ReserveRunOrigin.objects.exists()
        assert not ReserveRunEvent.objects.exists()
        assert not SolvencyJobRun.objects.exclude(status=SolvencyJobRun.Status.RUNNING).exists()

    done, log, seconds = killed_mid_run(
        tmp_path,
        ReserveRunEvent._meta.db_table,
        {"solvency_reserverun", "solvency_reserverunorigin"},
        assert_nothing_partial,
        lambda _result: SolvencyJobRun.objects.filter(status="succeeded").first(),
        "solvency.monthly_reserve",
        today=TODAY.isoformat(),
    )
    assert "retry: Retry in 1s: WorkerLostError" in log

    assert reserve_figures(done) == expected
    killed = SolvencyJobRun.objects.exclude(pk=done.pk).get()
    assert (killed.status, killed.error) == (SolvencyJobRun.Status.FAILED, jobs.ABANDONED)
    assert killed.finished_at is None  # when it died is not known
    # Running it again does nothing: the same inputs, skipped.
    again = jobs.job_monthly_reserve(today=TODAY)
    assert again.status == SolvencyJobRun.Status.SKIPPED
    assert ReserveRun.objects.count() == 1
    assert_ledger_sound()
    print(f"reserve run killed and run again in {seconds:.1f} s")  # noqa: T201
