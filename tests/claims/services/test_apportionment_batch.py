"""The apportionment's shares written in chunks of coverage ids on the workers (a batch
run, docs/claims.md "Apportionment across workers"): the same dues to the cent, the same
entry and Merkle root as one transaction; nothing published before every chunk is in; a
refused or crashed chunk waits, and a resume finishes the period."""

import datetime as dt
import time
from contextlib import contextmanager
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.utils import timezone

from claims import merkle
from claims.models import ApportionmentPeriod, Claim
from claims.selectors import apportionment_summaries, share_periods_for_member
from claims.services import apportionment_batch as service
from claims.services.apportionment import (
    apportionment_publish,
    apportionment_run,
    apportionments_run_due,
)
from claims.services.notice import notices_clear
from claims.services.share_tree import share_key_secret
from ledger.models import JournalEntry
from members.models import ContributionDue, Coverage
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.models import BatchChunk, BatchRun
from mutualsociety.common.services import outbox
from mutualsociety.common.services.batches import (
    batch_chunk_run,
    batch_finish,
    batch_resume,
    batches_resume_stalled,
)
from tests.claims.factories import claim_approved, covered_member
from tests.members.factories import pay

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


class _Rollback(Exception):
    pass


@pytest.fixture
def world(aid, handler, approver, chart_of_accounts):
    """Eleven members sharing 1,080.00 (98.18 each, the first two by coverage one cent
    more), one still waiting in the middle of the ids, one who paid ahead."""
    sharing = [covered_member(aid) for _ in range(5)]
    covered_member(aid, days_ago=10)  # waiting: shares nothing
    sharing += [covered_member(aid) for _ in range(5)]
    claimant = covered_member(aid)
    sharing.append(claimant)
    pay(sharing[6], "50.00")  # paid ahead: the share is settled from it
    claims = [
        claim_approved(claimant, handler, approver, amount="600.00"),
        claim_approved(claimant, handler, approver, amount="400.00", kind="accident"),
    ]
    notices_clear(today=claims[0].notice_until + dt.timedelta(days=1))
    Claim.objects.update(cleared_on=TODAY())
    return sharing


def shares(plan_id):
    return ContributionDue.objects.filter(kind="share", coverage__plan_id=plan_id)


def snapshot(period: ApportionmentPeriod) -> dict:
    dues = shares(period.plan_id).order_by("coverage_id")
    return {
        "dues": list(dues.values_list("coverage_id", "amount", "paid_amount", "status")),
        "by_member": {
            m: int(a * 100) for m, a in dues.values_list("member_id", "amount") if a is not None
        },
        "lines": sorted(period.ledger_entry.postings.values_list("account__code", "amount")),
        "memo": period.ledger_entry.memo,
    }


def root_of(by_member: dict[int, int], period_id: int) -> str:
    """The Merkle root the period ``period_id`` would have over these shares (the Python
    reference of ``share_tree``)."""
    secret = share_key_secret()
    rows = sorted((merkle.member_key(secret, period_id, m), c) for m, c in by_member.items())
    leaves = [merkle.leaf_hash(period_id, k.hex(), c) for k, c in rows]
    return merkle.tree_levels(leaves)[-1][0].hex()


@contextmanager
def chord_lost():
    """The run's chord is not handed to the broker (its outbox row stays pending)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outbox, "outbox_publish", lambda **kwargs: False)
        yield


def chunked(settings, size=3):
    settings.BATCH_CHUNK_SIZE = size


def run_of(period: ApportionmentPeriod) -> BatchRun:
    return BatchRun.objects.get(key=f"claims.apportionment:{period.plan_id}:{period.cutoff}")


def test_a_chunked_run_bills_exactly_what_one_transaction_bills(
    aid, world, settings, django_capture_on_commit_callbacks
):
    # The same world, run in one transaction (everything fits one chunk), then undone.
    with pytest.raises(_Rollback), transaction.atomic():
        inline = apportionment_run(plan=aid.plan, cutoff=TODAY())
        assert inline.status == ApportionmentPeriod.Status.BILLED
        assert run_of(inline).chunk_count == 1
        expected = snapshot(inline)
        raise _Rollback
    assert not shares(aid.plan_id).exists()

    chunked(settings)
    with django_capture_on_commit_callbacks(execute=True):
        period = apportionment_run(plan=aid.plan, cutoff=TODAY())
        assert period.status == ApportionmentPeriod.Status.BILLING
    period.refresh_from_db()
    run = run_of(period)
    assert run.status == BatchRun.Status.COMPLETE and run.chunk_count >= 4
    assert period.status == ApportionmentPeriod.Status.BILLED
    got = snapshot(period)
    assert got == expected  # every due to the cent, the same entry
    assert sum(a for _c, a, _p, _s in got["dues"]) == D("1080.00")
    assert [a for _c, a, _p, _s in got["dues"]][:2] == [D("98.19")] * 2  # the first two
    assert sorted(p for _c, _a, p, _s in got["dues"] if p) == [D("50.00")]  # paid ahead
    assert run.totals == {"dues": 11, "cents": 108000}
    assert period.merkle_root == root_of(expected["by_member"], period.pk)
    assert period.merkle_leaves == 11
    assert JournalEntry.objects.filter(source_type="claims.apportionment").count() == 1


def test_nothing_is_published_or_posted_while_a_chunk_is_pending(
    aid, world, settings, django_capture_on_commit_callbacks
):
    chunked(settings)
    with chord_lost():  # the chord is not sent yet
        period = apportionment_run(plan=aid.plan, cutoff=TODAY())
    run = run_of(period)
    numbers = list(run.chunks.order_by("number").values_list("number", flat=True))
    for number in numbers[:-1]:
        batch_chunk_run(run_id=run.pk, number=number)
    assert batch_finish(run_id=run.pk).status == BatchRun.Status.RUNNING  # one still pending

    period.refresh_from_db()
    assert period.status == ApportionmentPeriod.Status.BILLING
    assert period.ledger_entry_id is None and not period.merkle_root
    assert not JournalEntry.objects.filter(source_type="claims.apportionment").exists()
    assert not apportionment_summaries(published_only=False).exists()
    assert not share_periods_for_member(world[0]).exists()
    with pytest.raises(InvalidInput, match="still being billed"):
        apportionment_publish(period=period)

    batch_chunk_run(run_id=run.pk, number=numbers[-1])
    assert batch_finish(run_id=run.pk).status == BatchRun.Status.COMPLETE
    period = apportionment_publish(period=period)
    assert period.status == ApportionmentPeriod.Status.BILLED and period.published_at
    assert shares(aid.plan_id).count() == 11
    assert apportionment_summaries().get().pk == period.pk


def test_a_refused_chunk_fails_the_run_unpublished_and_a_resume_completes_it(
    aid, world, settings, django_capture_on_commit_callbacks
):
    chunked(settings)
    with chord_lost():
        period = apportionment_run(plan=aid.plan, cutoff=TODAY())
    run = run_of(period)
    # A coverage of the last chunk lapses after the start: that chunk would bill one
    # member fewer than the run fixed.
    coverage = world[-1].coverages.get()
    Coverage.objects.filter(pk=coverage.pk).update(status="lapsed")
    with django_capture_on_commit_callbacks(execute=True):
        from mutualsociety.common.services.batches import batch_dispatch

        batch_dispatch(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == BatchRun.Status.FAILED
    failed = run.chunks.get(status=BatchChunk.Status.FAILED)
    assert failed.lo < coverage.pk <= failed.hi
    assert "dues" in failed.error and "≠" in failed.error
    period.refresh_from_db()
    assert period.status == ApportionmentPeriod.Status.BILLING and period.ledger_entry_id is None
    assert not shares(aid.plan_id).filter(coverage__gt=failed.lo).exists()  # nothing kept
    assert not JournalEntry.objects.filter(source_type="claims.apportionment").exists()

    Coverage.objects.filter(pk=coverage.pk).update(status="in_force")  # put right
    with django_capture_on_commit_callbacks(execute=True):
        again = apportionment_run(plan=aid.plan, cutoff=TODAY())  # resumes
    assert again.pk == period.pk
    period.refresh_from_db()
    assert period.status == ApportionmentPeriod.Status.BILLED
    assert shares(aid.plan_id).count() == 11
    assert sum(shares(aid.plan_id).values_list("amount", flat=True)) == D("1080.00")
    assert JournalEntry.objects.filter(source_type="claims.apportionment").count() == 1


def test_a_second_daily_run_resumes_instead_of_billing_twice(
    aid, world, settings, django_capture_on_commit_callbacks
):
    aid.apportionment_days = str(TODAY().day)
    aid.save(update_fields=["apportionment_days"])
    chunked(settings)
    with chord_lost():  # the chord is lost
        [first] = apportionments_run_due(today=TODAY())
    assert ApportionmentPeriod.objects.get().status == ApportionmentPeriod.Status.BILLING
    assert not shares(aid.plan_id).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert apportionments_run_due(today=TODAY()) == [first]
    period = ApportionmentPeriod.objects.get()
    assert period.status == ApportionmentPeriod.Status.BILLED
    assert shares(aid.plan_id).count() == 11
    assert JournalEntry.objects.filter(source_type="claims.apportionment").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert apportionments_run_due(today=TODAY()) == [first]
    assert shares(aid.plan_id).count() == 11
    assert run_of(period).dispatches == 2  # a billed period is not sent again


def test_a_crashed_chunk_is_retried_and_billed_once(
    aid, world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    chunked(settings)
    with chord_lost():
        period = apportionment_run(plan=aid.plan, cutoff=TODAY())
    run = run_of(period)
    real = service.shares_insert
    crashing = run.chunks.get(number=2)

    def insert(**kwargs):
        written = real(**kwargs)
        if kwargs["ids"] == (crashing.lo, crashing.hi):
            raise RuntimeError("worker lost")  # after writing: all of it must roll back
        return written

    monkeypatch.setattr(service, "shares_insert", insert)
    for number in run.chunks.order_by("number").values_list("number", flat=True):
        if number == crashing.number:
            with pytest.raises(RuntimeError):
                batch_chunk_run(run_id=run.pk, number=number)
        else:
            batch_chunk_run(run_id=run.pk, number=number)
    crashed = run.chunks.get(number=2)
    assert crashed.status == BatchChunk.Status.PENDING
    assert (
        not shares(aid.plan_id)
        .filter(coverage_id__gt=crashed.lo, coverage_id__lte=crashed.hi)
        .exists()
    )
    assert batch_finish(run_id=run.pk).status == BatchRun.Status.RUNNING
    assert ApportionmentPeriod.objects.get().ledger_entry_id is None

    monkeypatch.setattr(service, "shares_insert", real)
    later = timezone.now() + dt.timedelta(minutes=settings.BATCH_STALL_MINUTES + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert batches_resume_stalled(now=later) == 1
    period.refresh_from_db()
    assert period.status == ApportionmentPeriod.Status.BILLED
    assert shares(aid.plan_id).count() == 11
    assert sum(shares(aid.plan_id).values_list("amount", flat=True)) == D("1080.00")


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_with_two_processes_bills_a_chunked_period(
    tmp_path, settings, monkeypatch, chart_of_accounts, make_user
):
    """The chunks and the finish go through Redis to a prefork worker of two processes
    (the chord is sent from inside the worker, to its own queue)."""
    from tests.helpers import celery_worker
    from tests.members.factories import mutual_aid_plan_make

    aid = mutual_aid_plan_make()
    handler = make_user("h", roles=("claims_handler",), is_staff=True)
    approver = make_user("a", roles=("claims_approver",), is_staff=True)
    members = [covered_member(aid) for _ in range(9)]
    claim = claim_approved(members[0], handler, approver, amount="100.00")
    Claim.objects.filter(pk=claim.pk).update(notice_status="cleared", cleared_on=TODAY())
    chunked(settings, size=2)
    # The test process does not run the chord (its Celery is eager): the worker does.
    with chord_lost():
        period = apportionment_run(plan=aid.plan, cutoff=TODAY())
    assert period.status == ApportionmentPeriod.Status.BILLING
    run = run_of(period)
    assert run.chunk_count >= 4
    with celery_worker(tmp_path, pool="prefork", concurrency=2) as worker:
        worker.send("common.batch_dispatch", run_id=run.pk)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            worker.assert_alive()
            period.refresh_from_db()
            if period.status == ApportionmentPeriod.Status.BILLED:
                break
            time.sleep(0.25)
        assert period.status == ApportionmentPeriod.Status.BILLED, worker.log_text()
    run.refresh_from_db()
    assert run.status == BatchRun.Status.COMPLETE
    assert set(run.chunks.values_list("status", flat=True)) == {"done"}
    assert shares(aid.plan_id).count() == 9
    assert sum(shares(aid.plan_id).values_list("amount", flat=True)) == D("108.00")
    assert period.ledger_entry_id is not None and period.merkle_leaves == 9


def test_a_period_published_in_chunks_tells_each_member_once_and_sends_the_batch_once(
    aid, world, settings, django_capture_on_commit_callbacks
):
    """Publishing does not write every member's notice in its own transaction: the
    period is published at once, its members are told by chunks of member ids on the
    workers, and the e-mails of the whole batch are queued once, when the last chunk is
    in. A replayed publish tells nobody again."""
    from members.models import Notification
    from mutualsociety.common.models import OutboxTask

    chunked(settings)
    with django_capture_on_commit_callbacks(execute=True):
        period = apportionment_run(plan=aid.plan, cutoff=TODAY())
    told = Notification.objects.filter(key__startswith=f"claims.apportionment:{period.pk}:")
    sending = OutboxTask.objects.filter(task="members.deliver_notifications")
    with chord_lost():
        period = apportionment_publish(period=period)
    assert period.published_at and apportionment_summaries().get().pk == period.pk
    run = BatchRun.objects.get(key=f"claims.apportionment.notify:{period.pk}")
    assert run.status == BatchRun.Status.RUNNING and run.chunk_count >= 4
    assert not told.exists()  # nobody is told in the publishing transaction

    numbers = list(run.chunks.order_by("number").values_list("number", flat=True))
    for number in numbers[:-1]:
        batch_chunk_run(run_id=run.pk, number=number)
    assert batch_finish(run_id=run.pk).status == BatchRun.Status.RUNNING
    assert 0 < told.count() < 11 and not sending.exists()  # not sent before the last chunk

    batch_chunk_run(run_id=run.pk, number=numbers[-1])
    assert batch_finish(run_id=run.pk).status == BatchRun.Status.COMPLETE
    assert sorted(told.values_list("member_id", flat=True)) == sorted(m.pk for m in world)
    assert all("98.18" in body for body in told.values_list("body", flat=True))
    assert list(sending.values_list("args", flat=True)) == [[f"claims.apportionment:{period.pk}"]]
    run.refresh_from_db()
    assert run.result == {"told": 11}

    with django_capture_on_commit_callbacks(execute=True):
        apportionment_publish(period=period)  # a replay
        batch_resume(run)
    assert told.count() == 11 and sending.count() == 1


def test_each_chunk_of_the_telling_tells_the_members_of_its_range_who_share_and_no_one_else(
    aid, world
):
    """A chunk of the telling (member ids ``lo < id <= hi``) reads the members, their
    dues and their coverages by that range: it tells exactly the members of the range who
    owe a share of the period. Not the member of the range who shares nothing (still
    waiting), nor the members who owe a share of another plan billed for the same dates;
    and the chunks together tell every member sharing once."""
    from claims.services.messages import apportionment_notify
    from members.models import Notification
    from tests.members.factories import mutual_aid_plan_make

    period = apportionment_run(plan=aid.plan, cutoff=TODAY())  # one chunk: billed inline
    other = mutual_aid_plan_make(code="AID-OTHER")
    outsiders = [covered_member(other) for _ in range(2)]
    for member in outsiders:  # what the other plan's period of the same dates writes
        ContributionDue.objects.create(
            member=member,
            coverage=member.coverages.get(),
            kind=ContributionDue.Kind.SHARE,
            period_start=period.period_start,
            period_end=period.cutoff,
            due_date=period.cutoff,
            grace_ends_on=period.cutoff,
            amount=D("5.00"),
        )
    told = Notification.objects.filter(key__startswith=f"claims.apportionment:{period.pk}:")
    ids = [m.pk for m in world]  # in the order they joined; the waiting one after ids[4]
    chunks = [(0, ids[3]), (ids[3], ids[7]), (ids[7], outsiders[-1].pk)]

    # Last chunk first: a chunk reaching one member below its range would tell the
    # member of the chunk before it, and be caught here.
    added = [apportionment_notify(period, ids=chunk, queue=False) for chunk in chunks[::-1]]
    assert added == [3, 4, 4]
    for lo, hi in chunks:
        assert sorted(told.filter(member_id__gt=lo, member_id__lte=hi).values_list(
            "member_id", flat=True
        )) == [i for i in ids if lo < i <= hi]  # fmt: skip
    assert told.count() == 11 and not told.filter(member__in=outsiders).exists()
    assert [apportionment_notify(period, ids=chunk, queue=False) for chunk in chunks] == [0, 0, 0]
