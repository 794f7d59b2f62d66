"""The members' daily jobs split across the workers (``billing.premiums_bill_start``,
``jobs.member_job_start``): chunks of member ids run as a batch run give the same dues,
entries, statuses and events as the job run at once; a second start of the day resumes
or does nothing; a crashed chunk is resumed without billing twice; a day that does not
add up is not recorded."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from ledger.models import JournalEntry, Posting
from members import tasks
from members.models import ContributionDue, Coverage, Member, MemberEvent
from members.services import billing, jobs
from members.services.enrolment import coverage_open
from members.services.lifecycle import member_suspend
from mutualsociety.common.models import BatchChunk, BatchRun
from mutualsociety.common.services import batch_chunk_run, batch_finish
from tests.members.factories import member_make, mutual_aid_plan_make, pay

pytestmark = pytest.mark.django_db

DUE_KEYED = re.compile(r"^(members\.[a-z-]+):(?:.*:)?(\d+)$")


class _Undo(Exception):
    """Rolls the job run at once back, so that the split run meets the same world."""


def state() -> dict:
    """Everything the jobs write, by natural keys (ids of rows written by a run differ
    between two runs on PostgreSQL: sequences are not rolled back)."""
    dues = {
        pk: f"{coverage}/{kind}/{start}"
        for pk, coverage, kind, start in ContributionDue.objects.values_list(
            "pk", "coverage_id", "kind", "period_start"
        )
    }

    def key(value: str | None) -> str:
        match = DUE_KEYED.match(value or "")
        if match and match.group(1) != "members.premiums" and int(match.group(2)) in dues:
            return f"{match.group(1)}:{dues[int(match.group(2))]}"
        return str(value)

    return {
        "dues": sorted(
            (*row[:-1], key(row[-1]))
            for row in ContributionDue.objects.values_list(
                "member_id",
                "coverage_id",
                "kind",
                "period_start",
                "period_end",
                "due_date",
                "grace_ends_on",
                "amount",
                "paid_amount",
                "status",
                "ledger_entry__idempotency_key",
            )
        ),
        "entries": sorted(
            (key(k), str(day), memo)
            for k, day, memo in JournalEntry.objects.values_list("idempotency_key", "date", "memo")
        ),
        "postings": sorted(
            (key(k), code, amount)
            for k, code, amount in Posting.objects.values_list(
                "entry__idempotency_key", "account__code", "amount"
            )
        ),
        "coverages": sorted(
            Coverage.objects.values_list("pk", "status", "next_due_date", "term_end", "end_date")
        ),
        "members": sorted(Member.objects.values_list("pk", "status", "suspended_on", "lapses_on")),
        "events": sorted(
            (m, t, str(old), str(new), reason, str(data))
            for m, t, old, new, reason, data in MemberEvent.objects.values_list(
                "member_id", "type", "old_value", "new_value", "reason", "data"
            )
        ),
    }


def at_once(job) -> tuple[dict, dict]:
    """What ``job()`` returns and writes, rolled back afterwards."""
    found: dict = {}
    try:
        with transaction.atomic():
            found["result"] = job()
            found["state"] = state()
            raise _Undo
    except _Undo:
        pass
    return found["result"], found["state"]


@pytest.fixture
def small_chunks(settings):
    """Two batches of one member per chunk."""
    settings.BATCH_CHUNK_SIZE = 2
    return settings


@pytest.fixture
def billing_world(premium) -> dt.date:
    """Seven members on the 30.00 monthly plan since today, two with quarterly cover from
    40 days ago, one who paid 70.00 ahead: on the day returned the monthly ones owe two
    more periods (two rounds, two due dates), the quarterly ones one."""
    members = [member_make(premium) for _ in range(5)]
    for _ in range(2):
        member = member_make(mutual_aid_plan_make())
        coverage_open(
            member=member,
            version=premium,
            frequency="quarterly",
            start=timezone.localdate() - dt.timedelta(days=40),
        )
    pay(members[2], "100.00")
    return timezone.localdate() + dt.timedelta(days=65)


def test_a_split_billing_day_bills_what_the_job_at_once_does(
    billing_world, small_chunks, django_capture_on_commit_callbacks
):
    day = billing_world
    result, expected = at_once(lambda: billing.premiums_bill(today=day, batch_size=1))
    assert result["billed"] == 12 and result["failed"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        run = billing.premiums_bill_start(today=day, batch_size=1)
        assert run.status == BatchRun.Status.RUNNING  # the workers take it after the commit
    run.refresh_from_db()

    assert run.key == f"members.billing:{day.isoformat()}"
    assert (run.status, run.chunk_count) == (BatchRun.Status.COMPLETE, 4)
    assert run.result == {"billed": 12, "failed": 0, "entries": run.totals["entries"],
                          "amount": "477.00"}  # fmt: skip
    assert run.totals["cents"] == run.totals["entry_cents"] == 47700
    assert list(run.chunks.values_list("attempts", flat=True)) == [1, 1, 1, 1]
    assert state() == expected

    # A second start of the day finds the run complete and does nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert billing.premiums_bill_start(today=day, batch_size=1).pk == run.pk
    assert state() == expected
    assert BatchRun.objects.get(pk=run.pk).dispatches == 1
    assert billing.premiums_bill(today=day) == {"billed": 0, "failed": 0}


def test_a_day_that_fits_one_chunk_runs_at_once(billing_world):
    day = billing_world
    result, expected = at_once(lambda: billing.premiums_bill(today=day))

    run = billing.premiums_bill_start(today=day)

    assert (run.status, run.chunk_count) == (BatchRun.Status.COMPLETE, 1)
    assert run.result["billed"] == result["billed"] == 12
    assert state() == expected
    # The task reports what its own call did: the second call nothing.
    assert tasks.bill_premiums.delay(day.isoformat()).get() == {"billed": 0, "failed": 0}


def test_a_crashed_chunk_is_pending_and_the_next_start_completes_it_once(
    billing_world, small_chunks, django_capture_on_commit_callbacks
):
    day = billing_world
    _result, expected = at_once(lambda: billing.premiums_bill(today=day, batch_size=1))
    with transaction.atomic():  # the dispatch is not run: the chunks are run here
        run = billing.premiums_bill_start(today=day, batch_size=1)
    crash_at = run.chunks.get(number=2).lo
    real = billing._batches_bill

    def crashing(**kwargs):
        done = real(**kwargs)
        if kwargs["after"] == crash_at:
            raise RuntimeError("worker lost")  # after its work: all of it rolls back
        return done

    with mock.patch.object(billing, "_batches_bill", crashing):
        for number in (1, 2, 3, 4):
            if number == 2:
                with pytest.raises(RuntimeError):
                    batch_chunk_run(run_id=run.pk, number=number)
            else:
                batch_chunk_run(run_id=run.pk, number=number)
    assert run.chunks.get(number=2).status == BatchChunk.Status.PENDING
    assert batch_finish(run_id=run.pk).status == BatchRun.Status.RUNNING  # waits for it
    chunk_members = Member.objects.filter(pk__gt=crash_at, pk__lte=run.chunks.get(number=2).hi)
    assert not ContributionDue.objects.filter(
        member__in=chunk_members, period_start__gt=timezone.localdate()
    ).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert billing.premiums_bill_start(today=day, batch_size=1).pk == run.pk
    run.refresh_from_db()
    assert run.status == BatchRun.Status.COMPLETE
    assert run.result["billed"] == 12
    assert list(run.chunks.order_by("number").values_list("attempts", flat=True)) == [1, 1, 1, 1]
    assert state() == expected  # each period billed once


def test_a_day_that_does_not_add_up_is_not_recorded(
    billing_world, small_chunks, django_capture_on_commit_callbacks
):
    day = billing_world
    real = billing._cents
    calls: list[int] = []

    def one_cent_off(amount):
        calls.append(1)
        return real(amount) + (len(calls) % 2 == 0)  # the entries' side of each chunk

    with (
        mock.patch.object(billing, "_cents", one_cent_off),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = billing.premiums_bill_start(today=day, batch_size=1)
    run.refresh_from_db()
    assert run.status == BatchRun.Status.FAILED
    assert run.result == {} and run.totals == {}
    assert "does not add up" in run.error and "477.00" in run.error and "477.04" in run.error

    # The chunks are done and their counts kept: a second start checks them again and
    # still refuses to record the day (a person looks at it), without billing twice.
    with django_capture_on_commit_callbacks(execute=True):
        billing.premiums_bill_start(today=day, batch_size=1)
    run.refresh_from_db()
    assert run.status == BatchRun.Status.FAILED and run.result == {}
    assert list(run.chunks.values_list("attempts", flat=True)) == [1, 1, 1, 1]
    assert ContributionDue.objects.filter(period_start__gt=timezone.localdate()).count() == 12


@pytest.fixture
def grace_world(premium) -> dt.date:
    """Six members who owe their first premium: two suspended today, one who paid; on the
    day returned the grace period is over and the suspended ones are past their lapse date."""
    members = [member_make(premium) for _ in range(6)]
    for member in members[1:3]:
        member_suspend(member=member, reason="Test.")
    pay(members[4], "30.00")
    grace_over = members[0].dues.get().grace_ends_on + dt.timedelta(days=1)
    lapses = Member.objects.filter(pk__in=[m.pk for m in members[1:3]]).values_list(
        "lapses_on", flat=True
    )
    return max([grace_over, *(day for day in lapses if day is not None)])


def test_a_split_grace_day_moves_what_the_job_at_once_does(
    grace_world, small_chunks, django_capture_on_commit_callbacks
):
    day = grace_world
    result, expected = at_once(lambda: jobs.memberships_enforce_grace(today=day, batch_size=1))
    assert result == {"suspended": 3, "lapsed": 2, "failed": 0}

    with django_capture_on_commit_callbacks(execute=True):
        run = jobs.member_job_start("members.grace", today=day, batch_size=1)
    run.refresh_from_db()
    assert (run.status, run.chunk_count) == (BatchRun.Status.COMPLETE, 3)
    assert run.result == result
    assert state() == expected

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.member_job_start("members.grace", today=day, batch_size=1).pk == run.pk
    assert state() == expected
    assert jobs.memberships_enforce_grace(today=day) == {"suspended": 0, "lapsed": 0, "failed": 0}


def test_a_grace_day_with_members_left_is_not_recorded(
    grace_world, small_chunks, django_capture_on_commit_callbacks
):
    """A step that lost its work (it says it moved no one, and did not) is caught by the
    finish: a candidate is left that no batch refused."""
    day = grace_world
    first = Member.objects.order_by("pk").values_list("pk", flat=True)[0]
    real = jobs._grace_phases

    def lost(step):
        def step_that_loses(lo: int, hi: int) -> tuple[int, int]:
            return (0, 0) if lo < first else step(lo, hi)

        return step_that_loses

    def losing(today):
        return [dataclasses.replace(phase, step=lost(phase.step)) for phase in real(today)]

    with (
        mock.patch.dict(jobs.MEMBER_JOBS, {"members.grace": losing}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = jobs.member_job_start("members.grace", today=day, batch_size=1)
    run.refresh_from_db()
    assert run.status == BatchRun.Status.FAILED
    assert "1 candidates are left in its members, 0 of them refused" in run.error
    assert run.result == {}


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_pool_bills_a_split_day(chart_of_accounts, billing_world, tmp_path):
    """The daily task sent through Redis to a real worker (two processes): it starts the
    run, its chunks and the finish go through the outbox and the chord to the same worker."""
    from tests.helpers import celery_worker

    day = billing_world
    with celery_worker(
        tmp_path, pool="prefork", concurrency=2, env={"BATCH_CHUNK_SIZE": "2"}
    ) as worker:
        worker.send("members.bill_premiums", today=day.isoformat(), batch_size=1)
        key = f"members.billing:{day.isoformat()}"
        deadline = time.monotonic() + 120
        run = None
        while time.monotonic() < deadline:
            worker.assert_alive()
            run = BatchRun.objects.filter(key=key).first()
            if run is not None and run.status != BatchRun.Status.RUNNING:
                break
            time.sleep(0.5)
        assert run is not None, "no run within 120 s:\n" + worker.log_text()
        assert run.status == BatchRun.Status.COMPLETE, run.error + worker.log_text()
    assert run.chunk_count == 4
    assert run.result["billed"] == 12 and run.result["amount"] == "477.00"
    assert set(run.chunks.values_list("status", flat=True)) == {"done"}
    assert ContributionDue.objects.filter(period_start__gt=timezone.localdate()).count() == 12
