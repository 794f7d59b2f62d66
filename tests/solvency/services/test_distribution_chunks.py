"""A surplus distribution run split into chunks of member ids (``distribution_batch``):
to the cent what one pass over everyone gives, resumed by a second start, a chunk that
crashed stays pending and is done once on resume, nothing credited or disclosed while it
runs, and totals that do not agree fail it without publishing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from ledger.models import JournalEntry
from ledger.selectors import trial_balance
from members.models import ContributionDue, Member, Payment
from mutualsociety.common.exceptions import TransitionNotAllowed
from mutualsociety.common.models import BatchChunk, BatchRun
from mutualsociety.common.services.batches import batch_chunk_run, batch_finish
from solvency.models import MemberSurplusShare, SurplusBasis, SurplusDistribution
from solvency.selectors.distribution import surplus_shares_for_member
from solvency.services import distribution_publish, distribution_run
from solvency.services import distribution_sql as sql
from solvency.services.distribution_allocation import allocate
from solvency.services.distribution_batch import run_key
from solvency.signals import surplus_distributed
from tests.members.factories import member_make, pay
from tests.solvency.services import test_distribution as base
from tests.solvency.services.test_distribution import adopted

pytestmark = pytest.mark.django_db
S = SurplusDistribution.Status
# The fixtures of the single-transaction tests: the same society and people.
world, finance, director = base.world, base.finance, base.director

# Contributions paid and days of membership of 17 members: remainders of every size,
# equal ones (the tie goes to the lower id), a member who paid nothing, one who joined
# today, one below the minimum.
PAID = ["30.00", "10.00", "0", "20.00", "33.33", "33.33", "0.05", "7.77", "123.45"]
PAID += ["10.00", "10.00", "0", "56.78", "1.01", "99.99", "42.00", "3.00"]
DAYS = [400, 1000, 10, 0, 365, 365, 20, 3000, 77, 1, 1, 500, 12, 12, 900, 45, 7000]
RULE = {
    "basis": "mix",
    "contributions_weight": "0.7",
    "amount": "12345.67",
    "minimum_amount": "0.05",
}


def society() -> list[Member]:
    """The members of ``PAID`` and ``DAYS`` (in id order); those who paid less than their
    premium still owe the rest, which their credit settles."""
    today = timezone.localdate()
    out = []
    for paid, since in zip(PAID, DAYS, strict=True):
        m = member_make()
        if D(paid):
            pay(m, paid)
        QuerySet.update(Member.objects.filter(pk=m.pk), joined_on=today - dt.timedelta(days=since))
        out.append(m)
    return out


def outcome(d: SurplusDistribution) -> dict:
    """Everything a run writes, without ids that a sequence gives."""
    d.refresh_from_db()
    entry = d.ledger_entry
    return {
        "status": d.status,
        "members": d.members_count,
        "total": d.shares_total,
        "allocation": d.workings["allocation"],
        "dues_settled": d.workings["dues_settled"],
        "shares": list(
            d.shares.order_by("member_id").values_list(
                "member_id", "contributions", "membership_days", "weight", "amount"
            )
        ),
        "credits": list(
            Payment.objects.filter(ledger_entry=entry)
            .order_by("member_id")
            .values_list(
                "member_id", "amount", "allocated_amount", "received_on", "reference", "provider"
            )
        ),
        "entry": (
            entry.idempotency_key,
            entry.memo,
            entry.date,
            sorted(entry.postings.values_list("account__code", "amount")),
        ),
        "dues": list(
            ContributionDue.objects.order_by("member_id", "pk").values_list(
                "member_id", "paid_amount", "status"
            )
        ),
    }


def one_pass(d: SurplusDistribution) -> list[tuple[int, D]]:
    """Each member's share by the window functions over everyone (the single-transaction
    run's SQL, which the preview still uses)."""
    with transaction.atomic():
        try:
            allocation = allocate(d)
            ids = list(Member.objects.order_by("pk").values_list("pk", flat=True))
            rows = sql.shares_for_members(member_ids=ids, **allocation.parts)
        finally:
            sql.basis_drop()
    return [(int(r[0]), D(int(r[4])) / 100) for r in rows if int(r[4]) > 0]


class Rollback(Exception):
    pass


def test_chunks_of_three_ids_credit_what_one_transaction_does_to_the_cent(
    world, actuary, director, finance, settings, django_capture_on_commit_callbacks
):
    society()
    d = adopted(world, actuary, director, finance, **RULE)
    expected = one_pass(d)
    settings.BATCH_CHUNK_SIZE = 1_000_000
    with pytest.raises(Rollback), transaction.atomic():
        inline = outcome(distribution_run(distribution=d.pk, actor=finance))
        assert BatchRun.objects.get(key=run_key(d.pk)).chunk_count == 1
        raise Rollback
    settings.BATCH_CHUNK_SIZE = 3
    with django_capture_on_commit_callbacks(execute=True):
        started = distribution_run(distribution=d.pk, actor=finance)
    assert started.status == S.RUNNING
    chunked = outcome(d)
    run = BatchRun.objects.get(key=run_key(d.pk))

    assert run.status == BatchRun.Status.COMPLETE and run.chunk_count == 6
    assert chunked == inline
    assert [(m, a) for m, _c, _d, _w, a in chunked["shares"]] == expected
    assert chunked["total"] == D("12345.67") and chunked["members"] == len(expected) == 17
    assert chunked["dues_settled"] > 0
    assert not SurplusBasis.objects.exists()
    assert trial_balance().difference == 0


def test_a_second_start_resumes_and_a_crashed_chunk_is_done_once(
    world, actuary, director, finance, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Chunk 2 dies (a worker lost: an unexpected error rolls it back, still pending);
    the other chunks are in, the finish leaves it running; a second start sends only
    chunk 2 again, and every member has one share and one credit."""
    society()
    d = adopted(world, actuary, director, finance, **RULE)
    expected = one_pass(d)
    settings.BATCH_CHUNK_SIZE = 3
    from solvency.services import distribution_batch

    real = distribution_batch.sql.shares_insert_range

    def crash(**kw):
        if kw["lo"] == BatchChunk.objects.get(number=2).lo:
            raise RuntimeError("worker lost")
        return real(**kw)

    monkeypatch.setattr(distribution_batch.sql, "shares_insert_range", crash)
    with django_capture_on_commit_callbacks(execute=False):
        distribution_run(distribution=d.pk, actor=finance)
    run = BatchRun.objects.get(key=run_key(d.pk))
    for number in range(1, run.chunk_count + 1):
        if number == 2:
            with pytest.raises(RuntimeError):
                batch_chunk_run(run_id=run.pk, number=number)
        else:
            batch_chunk_run(run_id=run.pk, number=number)
    batch_finish(run_id=run.pk)
    run.refresh_from_db()
    states = dict(run.chunks.values_list("number", "status"))
    assert states[2] == BatchChunk.Status.PENDING and run.status == BatchRun.Status.RUNNING
    assert MemberSurplusShare.objects.filter(distribution=d).exists()
    d.refresh_from_db()
    assert d.status == S.RUNNING and d.run_at is None

    monkeypatch.setattr(distribution_batch.sql, "shares_insert_range", real)
    with django_capture_on_commit_callbacks(execute=True):
        distribution_run(distribution=d.pk, actor=finance)

    d.refresh_from_db()
    run.refresh_from_db()
    assert d.status == S.RUN and run.status == BatchRun.Status.COMPLETE
    assert list(d.shares.order_by("member_id").values_list("member_id", "amount")) == expected
    assert Payment.objects.filter(ledger_entry=d.ledger_entry).count() == len(expected)
    assert run.chunks.get(number=2).attempts == 1
    assert JournalEntry.objects.filter(source_type="solvency.surplus_distribution").count() == 1
    # once run, a third start writes nothing
    assert distribution_run(distribution=d.pk, actor=finance).status == S.RUN
    assert MemberSurplusShare.objects.filter(distribution=d).count() == len(expected)


def test_nothing_is_credited_disclosed_or_published_while_it_runs(
    world, actuary, director, finance, settings, client, django_capture_on_commit_callbacks
):
    """Started, no chunk run yet (no worker): the distribution is running, the members do
    not see their shares, it cannot be published, no signal; the chunks and the finish
    then run it."""
    ms = society()
    d = adopted(world, actuary, director, finance, **RULE)
    settings.BATCH_CHUNK_SIZE = 4
    sent = []

    def receiver(sender, distribution, **kw):
        sent.append(distribution.pk)

    surplus_distributed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False):
            d = distribution_run(distribution=d.pk, actor=finance)
        run = BatchRun.objects.get(key=run_key(d.pk))
        for number in (1, 2):
            batch_chunk_run(run_id=run.pk, number=number)
        batch_finish(run_id=run.pk)

        d.refresh_from_db()
        assert d.status == S.RUNNING and d.run_at is None and d.members_count is None
        assert MemberSurplusShare.objects.filter(member=ms[0], distribution=d).exists()
        assert surplus_shares_for_member(ms[0]) == []
        with pytest.raises(TransitionNotAllowed):
            distribution_publish(distribution=d, actor=finance)
        assert sent == []

        for number in range(3, run.chunk_count + 1):
            with django_capture_on_commit_callbacks(execute=True):
                batch_chunk_run(run_id=run.pk, number=number)
        with django_capture_on_commit_callbacks(execute=True):
            batch_finish(run_id=run.pk)
    finally:
        surplus_distributed.disconnect(receiver)
    d.refresh_from_db()
    assert d.status == S.RUN and sent == [d.pk]
    assert len(surplus_shares_for_member(ms[0])) == 1
    assert distribution_publish(distribution=d, actor=finance).status == S.PUBLISHED


def test_totals_that_do_not_agree_fail_the_run_without_publishing(
    world, actuary, director, finance, settings, django_capture_on_commit_callbacks
):
    """A chunk that writes one share fewer than the run fixed (a member's share gone
    between start and chunk) fails; the run fails and the distribution is not run."""
    society()
    d = adopted(world, actuary, director, finance, **RULE)
    settings.BATCH_CHUNK_SIZE = 5
    sent = []

    def receiver(sender, distribution, **kw):
        sent.append(distribution.pk)

    surplus_distributed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False):
            d = distribution_run(distribution=d.pk, actor=finance)
        gone = SurplusBasis.objects.filter(distribution=d).order_by("member_id").first()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM solvency_surplusbasis WHERE id = %s", [gone.pk])
        run = BatchRun.objects.get(key=run_key(d.pk))
        for number in range(1, run.chunk_count + 1):
            batch_chunk_run(run_id=run.pk, number=number)
        with django_capture_on_commit_callbacks(execute=True):
            batch_finish(run_id=run.pk)
    finally:
        surplus_distributed.disconnect(receiver)

    run.refresh_from_db()
    d.refresh_from_db()
    failed = run.chunks.get(number=1)
    assert failed.status == BatchChunk.Status.FAILED and "members" in failed.error
    assert not MemberSurplusShare.objects.filter(member_id=gone.member_id).exists()
    assert run.status == BatchRun.Status.FAILED
    assert d.status == S.RUNNING and d.run_at is None and sent == []
    with pytest.raises(TransitionNotAllowed):
        distribution_publish(distribution=d, actor=finance)
