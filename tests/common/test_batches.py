"""Batch runs split into chunks (``common.services.batches``): each chunk done once, the
totals checked before the job publishes, a failed or lost chunk resumed without running
the done ones again.

The job here counts what it does in named counters: each chunk adds its width to its
own counter (so a chunk run twice shows twice its width), the finish adds 1 to the run's.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone, translation

from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.models import BatchChunk, BatchRun, OutboxTask, Sequence
from mutualsociety.common.services import (
    BatchTotalsMismatch,
    batch_chunk_run,
    batch_finish,
    batch_job_register,
    batch_resume,
    batch_start,
    batches_resume_stalled,
    id_ranges,
    sequence_next,
)
from mutualsociety.common.tasks import batch_chunk

pytestmark = pytest.mark.django_db

KIND = "tests.counting"
BROKEN: set[int] = set()  # chunks the job refuses (a rule), by number
CRASHING: set[int] = set()  # chunks that crash (as a worker dying would)


def _chunk(run: BatchRun, chunk: BatchChunk) -> dict[str, int]:
    sequence_next(name=f"chunk:{run.key}:{chunk.number}", count=chunk.hi - chunk.lo)
    if chunk.number in BROKEN:
        raise InvalidInput("The member table changed under the run.")
    if chunk.number in CRASHING:
        raise RuntimeError("worker lost")
    return {"ids": chunk.hi - chunk.lo, "chunks": 1}


def _finish(run: BatchRun, totals: dict[str, int]) -> dict:
    sequence_next(name=f"finish:{run.key}")
    return {"published": totals["ids"]}


batch_job_register(KIND, chunk=_chunk, finish=_finish)


@pytest.fixture(autouse=True)
def _clean():
    translation.activate("en")  # the messages asserted below are the English ones
    BROKEN.clear()
    CRASHING.clear()
    yield
    BROKEN.clear()
    CRASHING.clear()
    translation.deactivate()


def counter(name: str) -> int:
    return Sequence.objects.filter(name=name).values_list("value", flat=True).first() or 0


def start(key="run-1", ranges=((0, 10), (10, 20), (20, 25)), **kwargs) -> BatchRun:
    return batch_start(kind=KIND, key=key, ranges=list(ranges), **kwargs)


def test_id_ranges_cover_every_id_once():
    assert id_ranges(1, 25, 10) == [(0, 10), (10, 20), (20, 25)]
    assert id_ranges(7, 7, 10) == [(6, 7)]
    assert id_ranges(None, None, 10) == []
    with pytest.raises(ValueError):
        id_ranges(1, 2, 0)


def test_a_run_goes_to_the_workers_after_the_commit_and_publishes_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start(expected={"ids": 25, "chunks": 3})
        # Nothing runs before the commit: the chunks wait for it in the outbox.
        assert counter("chunk:run-1:1") == 0
        assert OutboxTask.objects.filter(key=f"batch.dispatch:{run.pk}:1").exists()
    run.refresh_from_db()
    assert run.status == BatchRun.Status.COMPLETE
    assert run.totals == {"ids": 25, "chunks": 3}
    assert run.result == {"published": 25}
    assert [counter(f"chunk:run-1:{n}") for n in (1, 2, 3)] == [10, 10, 5]
    assert counter("finish:run-1") == 1
    assert list(run.chunks.values_list("status", flat=True)) == ["done"] * 3

    # Starting it again, or delivering a chunk or the finish again, changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert start().pk == run.pk
    batch_chunk.apply(args=[run.pk, 2])
    batch_finish(run_id=run.pk)
    assert [counter(f"chunk:run-1:{n}") for n in (1, 2, 3)] == [10, 10, 5]
    assert counter("finish:run-1") == 1
    assert BatchChunk.objects.filter(run=run).count() == 3


def test_inline_is_one_transaction_and_a_refused_chunk_rolls_everything_back():
    run = start(key="inline", inline=True)
    assert run.status == BatchRun.Status.COMPLETE
    assert counter("finish:inline") == 1

    BROKEN.add(2)
    with pytest.raises(InvalidInput), transaction.atomic():
        start(key="inline-2", inline=True)
    assert not BatchRun.objects.filter(key="inline-2").exists()
    assert counter("chunk:inline-2:1") == 0


def test_a_refused_chunk_fails_the_run_without_publishing_and_resume_runs_only_it(
    django_capture_on_commit_callbacks,
):
    BROKEN.add(2)
    with django_capture_on_commit_callbacks(execute=True):
        run = start(expected={"ids": 25, "chunks": 3})
    run.refresh_from_db()
    assert run.status == BatchRun.Status.FAILED
    assert "The member table changed under the run." in run.error
    assert counter("finish:run-1") == 0
    chunk = run.chunks.get(number=2)
    assert (chunk.status, chunk.attempts) == ("failed", 1)
    # The refused chunk's work rolled back; the others are done and kept.
    assert [counter(f"chunk:run-1:{n}") for n in (1, 2, 3)] == [10, 0, 5]

    BROKEN.clear()  # the cause is fixed; a person resumes the run
    with django_capture_on_commit_callbacks(execute=True):
        batch_resume(run)
    run.refresh_from_db()
    assert run.status == BatchRun.Status.COMPLETE
    assert [counter(f"chunk:run-1:{n}") for n in (1, 2, 3)] == [10, 10, 5]
    assert counter("finish:run-1") == 1
    assert run.chunks.get(number=2).attempts == 2


def test_totals_that_differ_from_those_fixed_fail_the_chunk_or_the_run(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start(
            key="per-chunk",
            chunk_expected=[{"ids": 10, "chunks": 1}, {"ids": 9, "chunks": 1}, {}],
        )
    run.refresh_from_db()
    assert run.status == BatchRun.Status.FAILED
    assert "Chunk 2 (ids 11–20)" in run.error and "ids 10 ≠ 9" in run.error
    assert counter("chunk:per-chunk:2") == 0

    with django_capture_on_commit_callbacks(execute=True):
        run = start(key="whole", expected={"ids": 26, "chunks": 3})
    run.refresh_from_db()
    assert run.status == BatchRun.Status.FAILED
    assert "ids 25 ≠ 26" in run.error
    assert counter("finish:whole") == 0

    with pytest.raises(BatchTotalsMismatch), transaction.atomic():
        start(key="whole-inline", expected={"ids": 26}, inline=True)


def test_a_crashed_chunk_stays_pending_and_the_stalled_run_is_sent_again():
    with transaction.atomic():
        run = start(key="lost")
    CRASHING.add(3)
    for number in (1, 2):
        batch_chunk_run(run_id=run.pk, number=number)
    with pytest.raises(RuntimeError):
        batch_chunk_run(run_id=run.pk, number=3)
    assert run.chunks.get(number=3).status == "pending"
    assert counter("chunk:lost:3") == 0  # rolled back with the chunk
    assert batch_finish(run_id=run.pk).status == BatchRun.Status.RUNNING  # waits
    assert counter("finish:lost") == 0

    CRASHING.clear()
    now = timezone.now()
    assert batches_resume_stalled(now=now, minutes=45) == 0  # not quiet long enough yet
    later = now + dt.timedelta(minutes=46)

    dispatches = run.dispatches
    assert batches_resume_stalled(now=later, minutes=45) == 1
    run.refresh_from_db()
    assert run.dispatches == dispatches + 1
    # The outbox row the resume recorded is relayed like any other: run it here.
    batch_chunk_run(run_id=run.pk, number=3)
    run = batch_finish(run_id=run.pk)
    assert run.status == BatchRun.Status.COMPLETE
    assert [counter(f"chunk:lost:{n}") for n in (1, 2, 3)] == [10, 10, 5]
    assert counter("finish:lost") == 1
    assert batches_resume_stalled(now=later, minutes=45) == 0


def test_an_unknown_job_is_refused():
    with pytest.raises(LookupError):
        batch_start(kind="nobody", key="x", ranges=[(0, 1)])


def test_the_administrator_reads_a_run_and_resumes_it_others_do_not(
    client, make_user, django_capture_on_commit_callbacks
):
    """Admin → Batch runs: the administrator's role reads the run and its chunks and may
    resume it; nothing can be added, changed or deleted; finance does not see the page."""
    BROKEN.add(2)
    with django_capture_on_commit_callbacks(execute=True):
        run = start(key="shown")
    run.refresh_from_db()
    assert run.status == BatchRun.Status.FAILED

    finance = make_user("fin", roles=("finance",), is_staff=True)
    client.force_login(finance)
    assert client.get("/admin/common/batchrun/").status_code == 403

    admin = make_user("ops", roles=("administrator",), is_staff=True)
    client.force_login(admin)
    listing = client.get("/admin/common/batchrun/")
    assert listing.status_code == 200
    assert "shown" in listing.content.decode() and 'value="resume"' in listing.content.decode()
    detail = client.get(f"/admin/common/batchrun/{run.pk}/change/")
    assert detail.status_code == 200
    assert "The member table changed under the run." in detail.content.decode()
    assert b'name="_save"' not in detail.content
    assert client.get("/admin/common/batchrun/add/").status_code == 403
    assert client.post(f"/admin/common/batchrun/{run.pk}/delete/").status_code == 403

    BROKEN.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/common/batchrun/",
            {"action": "resume", "_selected_action": [run.pk]},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == BatchRun.Status.COMPLETE
    assert counter("finish:shown") == 1
