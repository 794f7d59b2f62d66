"""Long batch jobs split into chunks of ids and run on however many workers there are
(docs/scaling.md, "Splitting a run across workers").

A job (the apportionment of a period, a day's billing, the grace run...) registers two
steps with ``batch_job_register``:

- ``chunk(run, chunk)`` does the work for the ids ``chunk.lo < id <= chunk.hi`` in the
  transaction it is given and returns its totals (a dict of integers: rows written,
  cents...);
- ``finish(run, totals)`` is the job's publication — the period's ledger entry, its
  Merkle root, the day's close — run once, in one transaction, when every chunk is done
  and the chunks' totals add up to what the job fixed when it started.

``batch_start`` records the run and its chunks in the caller's transaction (``key`` names
the run, so a second start finds it and resumes what is not done) and hands the chunks to
Celery through the outbox as a chord: a group of one task per chunk, then the finishing
step. Each chunk runs in its own transaction under its row's lock and is marked done in
it, so a chunk redelivered after a worker died (``CELERY_TASK_RETRY_ON_WORKER_LOST``), or
sent again by a resume, is done once. A chunk the job refuses (a ``DomainError``, such as
totals that differ from those fixed at the start) is marked failed with the reason and
the run fails without publishing anything; ``batch_resume`` (the admin's "Resume"
action) tries the failed chunks again. A run whose chord was lost (an unexpected error
in a chunk, the result backend down) is found by ``batches_resume_stalled``, a periodic
job, and sent again: only the chunks not done run.

``inline=True`` runs the chunks and the finish at once, in the caller's transaction: one
all-or-nothing transaction, for a run small enough to need no worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import DomainError, InvalidInput
from ..models import BatchChunk, BatchRun
from .outbox import outbox_enqueue

logger = logging.getLogger("mutualsociety.batches")

Totals = dict[str, int]


class BatchTotalsMismatch(InvalidInput):
    """What a chunk or a run added up to is not what the job fixed when it started."""


@dataclass(frozen=True)
class BatchJob:
    kind: str
    chunk: Callable[[BatchRun, BatchChunk], Totals]
    finish: Callable[[BatchRun, Totals], dict[str, Any] | None]


_JOBS: dict[str, BatchJob] = {}


def batch_job_register(
    kind: str,
    *,
    chunk: Callable[[BatchRun, BatchChunk], Totals],
    finish: Callable[[BatchRun, Totals], dict[str, Any] | None],
) -> BatchJob:
    """Register a job's two steps under ``kind`` (at import of the job's module; the app's
    ``ready()`` imports it, so that a worker knows every job)."""
    job = BatchJob(kind, chunk, finish)
    _JOBS[kind] = job
    return job


def batch_job(kind: str) -> BatchJob:
    try:
        return _JOBS[kind]
    except KeyError:
        raise LookupError(f"No batch job is registered as {kind!r}.") from None


def id_ranges(first: int | None, last: int | None, size: int) -> list[tuple[int, int]]:
    """The ``(lo, hi]`` ranges, ``size`` ids wide, that cover the ids ``first..last``."""
    if size < 1:
        raise ValueError("size must be at least 1.")
    if first is None or last is None:
        return []
    ranges = []
    lo = first - 1
    while lo < last:
        ranges.append((lo, min(lo + size, last)))
        lo += size
    return ranges


def _totals(values: dict[str, Any] | None) -> Totals:
    return {str(k): int(v) for k, v in (values or {}).items()}


def _sum(parts: Sequence[Totals]) -> Totals:
    summed: Totals = {}
    for part in parts:
        for name, value in part.items():
            summed[name] = summed.get(name, 0) + int(value)
    return summed


def _differences(got: Totals, expected: Totals) -> str:
    names = sorted(set(got) | set(expected))
    return ", ".join(
        f"{name} {got.get(name, 0)} ≠ {expected.get(name, 0)}"
        for name in names
        if got.get(name, 0) != expected.get(name, 0)
    )


def batch_start(
    *,
    kind: str,
    key: str,
    ranges: Sequence[tuple[int, int]],
    params: dict[str, Any] | None = None,
    expected: dict[str, Any] | None = None,
    chunk_expected: Sequence[dict[str, Any]] | None = None,
    inline: bool = False,
) -> BatchRun:
    """Record the run ``key`` of ``kind`` over ``ranges`` and start it (see the module).

    Call it inside the transaction that fixes the run's inputs: the chunks are handed to
    the workers only after it commits. ``expected`` is what all chunks must add up to,
    ``chunk_expected`` (one per range) what each must. A second start of the same key
    returns the run, resuming it unless it is complete."""
    job = batch_job(kind)
    if chunk_expected is not None and len(chunk_expected) != len(ranges):
        raise ValueError("chunk_expected needs one entry per range.")
    run, created = BatchRun.objects.get_or_create(
        key=key[:200],
        defaults={
            "kind": kind,
            "params": params or {},
            "expected": _totals(expected),
            "chunk_count": len(ranges),
        },
    )
    if not created:
        if run.status != BatchRun.Status.COMPLETE and not inline:
            return batch_resume(run)
        return run
    BatchChunk.objects.bulk_create(
        BatchChunk(
            run=run,
            number=number,
            lo=lo,
            hi=hi,
            expected=_totals(chunk_expected[number - 1]) if chunk_expected else {},
        )
        for number, (lo, hi) in enumerate(ranges, start=1)
    )
    if inline:
        for chunk in run.chunks.order_by("number"):
            _chunk_do(job, run, chunk, worker="inline")
        _finish(job, run)
    else:
        _dispatch_enqueue(run)
    return run


def _dispatch_enqueue(run: BatchRun) -> None:
    from ..tasks import batch_dispatch  # tasks sit above services

    run.dispatches += 1
    run.save(update_fields=["dispatches"])
    outbox_enqueue(
        task=batch_dispatch, key=f"batch.dispatch:{run.pk}:{run.dispatches}", args=[run.pk]
    )


def batch_dispatch(*, run_id: int) -> int:
    """Hand the run's pending chunks to the workers as a chord whose callback is the
    finishing step; returns how many chunks were sent (0: only the finish)."""
    from celery import chord

    from ..tasks import batch_chunk, batch_finish  # tasks sit above services

    run = BatchRun.objects.get(pk=run_id)
    if run.status != BatchRun.Status.RUNNING:
        return 0
    numbers = list(
        run.chunks.filter(status=BatchChunk.Status.PENDING)
        .order_by("number")
        .values_list("number", flat=True)
    )
    if numbers:
        chord(batch_chunk.si(run.pk, number) for number in numbers)(batch_finish.si(run.pk))
    else:
        batch_finish.delay(run.pk)
    return len(numbers)


def _chunk_do(job: BatchJob, run: BatchRun, chunk: BatchChunk, *, worker: str) -> Totals:
    """Run one chunk's step in the current transaction and mark it done; a chunk whose
    totals are not those it was given raises ``BatchTotalsMismatch`` (its work rolls back)."""
    totals = _totals(job.chunk(run, chunk))
    if chunk.expected and totals != chunk.expected:
        raise BatchTotalsMismatch(
            _(
                "Chunk %(number)d (ids %(lo)d–%(hi)d) of %(key)s does not add up to what the "
                "run fixed when it started: %(differences)s. Nothing of the chunk was kept."
            )
            % {
                "number": chunk.number,
                "lo": chunk.lo + 1,
                "hi": chunk.hi,
                "key": run.key,
                "differences": _differences(totals, chunk.expected),
            }
        )
    chunk.status = BatchChunk.Status.DONE
    chunk.totals = totals
    chunk.attempts += 1
    chunk.worker = worker[:200]
    chunk.error = ""
    chunk.finished_at = timezone.now()
    chunk.save(update_fields=["status", "totals", "attempts", "worker", "error", "finished_at"])
    return totals


def batch_chunk_run(*, run_id: int, number: int, worker: str = "") -> Totals:
    """Run chunk ``number`` of the run once, in its own transaction (the chunk's row is
    locked: a second delivery waits, then finds it done). A ``DomainError`` marks the
    chunk failed with the reason; any other error rolls the chunk back, still pending."""
    with transaction.atomic():
        chunk = (
            BatchChunk.objects.select_for_update(of=("self",))
            .select_related("run")
            .get(run_id=run_id, number=number)
        )
        run = chunk.run
        if chunk.status != BatchChunk.Status.PENDING or run.status != BatchRun.Status.RUNNING:
            return chunk.totals
        job = batch_job(run.kind)
        try:
            with transaction.atomic():
                return _chunk_do(job, run, chunk, worker=worker)
        except DomainError as exc:
            logger.warning("Batch %s chunk %d failed: %s", run.key, number, exc)
            chunk.status = BatchChunk.Status.FAILED
            chunk.attempts += 1
            chunk.worker = worker[:200]
            chunk.error = str(exc)
            chunk.finished_at = timezone.now()
            chunk.save(update_fields=["status", "attempts", "worker", "error", "finished_at"])
            return {}


def _finish(job: BatchJob, run: BatchRun) -> None:
    totals = _sum(list(run.chunks.values_list("totals", flat=True)))
    if run.expected and totals != run.expected:
        raise BatchTotalsMismatch(
            _(
                "%(key)s: its chunks add up to other totals than the run fixed when it "
                "started (%(differences)s); nothing was published."
            )
            % {"key": run.key, "differences": _differences(totals, run.expected)}
        )
    run.result = job.finish(run, totals) or {}
    run.totals = totals
    run.status = BatchRun.Status.COMPLETE
    run.error = ""
    run.finished_at = timezone.now()
    run.save(update_fields=["result", "totals", "status", "error", "finished_at"])


def batch_finish(*, run_id: int) -> BatchRun:
    """The chord's callback: when every chunk is done, check the totals and publish
    (the job's ``finish``), once. A failed chunk fails the run; a chunk still pending
    leaves it running (a resume sends that chunk again)."""
    with transaction.atomic():
        run = BatchRun.objects.select_for_update().get(pk=run_id)
        if run.status != BatchRun.Status.RUNNING:
            return run
        states = dict(
            run.chunks.order_by()
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        if states.get(BatchChunk.Status.FAILED):
            errors = run.chunks.filter(status=BatchChunk.Status.FAILED).values_list(
                "error", flat=True
            )[:3]
            run.status = BatchRun.Status.FAILED
            run.error = "\n".join(errors)
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
            return run
        if states.get(BatchChunk.Status.PENDING):
            return run
        try:
            with transaction.atomic():
                _finish(batch_job(run.kind), run)
        except DomainError as exc:
            run.refresh_from_db()
            run.status = BatchRun.Status.FAILED
            run.error = str(exc)
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "error", "finished_at"])
        return run


def batch_resume(run: BatchRun | int) -> BatchRun:
    """Start again what is not done of a run: its failed chunks become pending, and the
    pending ones are handed to the workers again (done chunks are never run twice)."""
    run_id = run.pk if isinstance(run, BatchRun) else run
    with transaction.atomic():
        run = BatchRun.objects.select_for_update().get(pk=run_id)
        if run.status == BatchRun.Status.COMPLETE:
            return run
        run.chunks.filter(status=BatchChunk.Status.FAILED).update(
            status=BatchChunk.Status.PENDING, error=""
        )
        run.status = BatchRun.Status.RUNNING
        run.error = ""
        run.finished_at = None
        run.save(update_fields=["status", "error", "finished_at"])
        _dispatch_enqueue(run)
    return run


def batches_resume_stalled(*, now: datetime | None = None, minutes: int | None = None) -> int:
    """Periodic: send again the runs still running with no chunk done for ``minutes``
    (``BATCH_STALL_MINUTES``, longer than a task may run): their chord was lost. Failed
    runs wait for a person (their chunks were refused for a reason). Returns how many."""
    now = now or timezone.now()
    quiet_since = now - timedelta(minutes=minutes or settings.BATCH_STALL_MINUTES)
    stalled = (
        BatchRun.objects.filter(status=BatchRun.Status.RUNNING, started_at__lt=quiet_since)
        .annotate(last=Max("chunks__finished_at"))
        .values_list("pk", "last")
    )
    resumed = 0
    for run_id, last in stalled:
        if last is None or last < quiet_since:
            batch_resume(run_id)
            resumed += 1
    return resumed
