"""The members' daily jobs: suspension and lapse after the grace and lapse periods,
withdrawals that take effect, cover whose term ends without renewal.

Each job is set-based, one batch of members at a time (a range of member ids,
``batch_size`` of them, each batch in its own transaction): the batch's candidates are
locked (``locks.members_lock``), their condition read again under the lock (a member may
have paid, been reinstated or withdrawn meanwhile: READ COMMITTED, a new statement sees
what committed), and the change made by one statement per table — the members and
their cover (``membership.members_status_set``, the rule ``member_status_set`` applies to
one member), one event each, the premiums of cover that ended with their ledger entries
(one per due, keyed). A batch refused by the transition table (a ``DomainError``) is
logged and its members counted as failed; the other batches are still processed.
Running a job twice on the same day changes nothing the second time, and two runs at
once act once (the second waits on the first's locks, then finds no candidate left).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import DomainError
from mutualsociety.common.models import BatchChunk, BatchRun
from mutualsociety.common.services import (
    BatchTotalsMismatch,
    batch_job_register,
    batch_resume,
    batch_start,
    id_ranges,
)

from ..models import ContributionDue, Coverage, Member, MemberEvent
from ..selectors import overdue_member_ids
from ..transitions import COVERAGE, DUE, MEMBER, sources
from .dues import dues_cancel_after_cover
from .locks import members_lock
from .membership import among, members_status_set

logger = logging.getLogger(__name__)

#: Members a daily job moves in one transaction (the default of ``batch_size``): large
#: enough that a statement's overhead is spread thin, small enough that a batch's locks
#: and its ids in memory stay modest.
BATCH_SIZE = 10_000


def member_id_ranges(candidates: QuerySet, *, field: str = "pk", batch_size: int) -> Iterator:
    """The ``(lo, hi]`` ranges of member ids, ``batch_size`` ids wide, that cover the
    candidates (``field`` holds the member id). One query finds their bounds."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    bounds = candidates.order_by().aggregate(lo=Min(field), hi=Max(field))
    if bounds["lo"] is None:
        return
    lo = bounds["lo"] - 1
    while lo < bounds["hi"]:
        yield lo, lo + batch_size
        lo += batch_size


def run_batches(
    candidates: QuerySet,
    batch: Callable[[int, int], tuple[int, int]],
    *,
    field: str = "pk",
    batch_size: int,
    done: str,
    what: str,
) -> dict[str, int]:
    """Run ``batch(lo, hi)`` over the member-id ranges of ``candidates``, each in its
    own transaction; it returns (moved, refused). A ``DomainError`` it raises is logged
    by ``batch`` itself and counted there; the job goes on with the next batch."""
    counts = {done: 0, "failed": 0}
    for lo, hi in member_id_ranges(candidates, field=field, batch_size=batch_size):
        moved, refused = batch(lo, hi)
        counts[done] += moved
        counts["failed"] += refused
    return counts


def members_mover(
    candidates: Callable[[int, int], QuerySet[Member]], new: str, *, what: str, **change
) -> Callable[[int, int], tuple[int, int]]:
    """The batch step of a job that moves members to ``new``: lock the candidates of the
    range (``candidates(lo, hi)``), read them again and move them
    (``members_status_set`` with ``change``). The step returns (moved, refused)."""

    def move(lo: int, hi: int) -> tuple[int, int]:
        batch = candidates(lo, hi)
        ids: list[int] = []
        try:
            with transaction.atomic():
                ids = members_lock(batch)
                if not ids:
                    return 0, 0
                # Read again under the locks (a member may have paid meanwhile): in a
                # later statement, which for a suspension is its UPDATE.
                return members_status_set(batch.filter(among(Member, ids)), new, **change), 0
        except DomainError as exc:
            logger.warning("%s %s–%s (%d) failed: %s", what, lo + 1, hi, len(ids), exc)
            return 0, len(ids)

    return move


def _in_range(queryset: QuerySet, lo: int, hi: int, field: str = "pk") -> QuerySet:
    return queryset.filter(**{f"{field}__gt": lo, f"{field}__lte": hi})


@dataclass(frozen=True)
class Phase:
    """One part of a daily job: the candidates (``field`` holds their member id), the
    batch step over a range of member ids (``step(lo, hi)`` -> (moved, refused)) and the
    name of what it counts."""

    done: str
    candidates: QuerySet
    step: Callable[[int, int], tuple[int, int]]
    field: str = "pk"


def phases_run(phases: list[Phase], *, batch_size: int) -> dict[str, int]:
    """Run each phase over its own batches (``run_batches``), one after the other."""
    counts = {phase.done: 0 for phase in phases} | {"failed": 0}
    for phase in phases:
        done = run_batches(
            phase.candidates,
            phase.step,
            field=phase.field,
            batch_size=batch_size,
            done=phase.done,
            what=phase.done,
        )
        counts[phase.done] += done[phase.done]
        counts["failed"] += done["failed"]
    return counts


def _grace_phases(today: dt.date, actor=None) -> list[Phase]:
    to_suspend = Member.objects.filter(status__in=sources(MEMBER, Member.Status.SUSPENDED))

    def overdue_in(lo: int, hi: int) -> QuerySet[Member]:
        overdue = _in_range(overdue_member_ids(today=today), lo, hi, "member_id")
        return _in_range(to_suspend.filter(pk__in=overdue), lo, hi)

    suspend = members_mover(
        overdue_in,
        Member.Status.SUSPENDED,
        what="Suspending members",
        actor=actor,
        reason=_("A contribution is unpaid after the grace period."),
        coverages_to=Coverage.Status.SUSPENDED,
        today=today,
    )
    to_lapse = Member.objects.filter(
        status__in=sources(MEMBER, Member.Status.LAPSED), lapses_on__lte=today
    )
    lapse = members_mover(
        lambda lo, hi: _in_range(to_lapse, lo, hi),
        Member.Status.LAPSED,
        what="Lapsing members",
        actor=actor,
        reason=_("Not reinstated within the lapse period after suspension."),
        coverages_to=Coverage.Status.LAPSED,
        on_field="lapses_on",
        today=today,
    )
    return [
        Phase("suspended", to_suspend.filter(pk__in=overdue_member_ids(today=today)), suspend),
        Phase("lapsed", to_lapse, lapse),
    ]


def memberships_enforce_grace(
    *, today: dt.date | None = None, actor=None, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Daily: suspend members whose dues are unpaid past the grace period, and lapse
    members suspended past the lapse period (PRC Insurance Law arts. 36 and 37).

    Set-based per batch of members (see the module): the suspension the same as
    ``lifecycle.member_suspend`` (suspended today, the lapse date after the longest
    lapse period of the cover in force, the cover suspended), the lapse the same as
    ``lifecycle.member_lapse`` on the member's lapse date (cover lapsed on it, unpaid
    premiums written off, later ones cancelled). Idempotent per day. (The daily task
    runs it split across the workers: ``member_job_start``.)
    """
    today = today or timezone.localdate()
    return phases_run(_grace_phases(today, actor), batch_size=batch_size)


def _withdrawal_phases(today: dt.date) -> list[Phase]:
    due = Member.objects.filter(
        status__in=sources(MEMBER, Member.Status.WITHDRAWN),
        withdrawal_effective_on__lte=today,
    )
    withdraw = members_mover(
        lambda lo, hi: _in_range(due, lo, hi),
        Member.Status.WITHDRAWN,
        what="Completing the withdrawal of members",
        actor=None,
        reason=_("Withdrawal took effect."),
        coverages_to=Coverage.Status.ENDED,
        on_field="withdrawal_effective_on",
        today=today,
    )
    return [Phase("withdrawn", due, withdraw)]


def withdrawals_complete(
    *, today: dt.date | None = None, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Daily: withdraw the members whose withdrawal takes effect today or earlier, if
    they are still active or suspended; cover ends on the effective date, and the
    premiums for periods from then on are cancelled (as ``member_withdraw_request`` does
    for a withdrawal that takes effect at once). Set-based per batch (see the module)."""
    today = today or timezone.localdate()
    return phases_run(_withdrawal_phases(today), batch_size=batch_size)


def _coverages_end(coverages: QuerySet[Coverage], *, today: dt.date) -> int:
    """End the coverages of one batch whose members are locked: read them under their
    own lock, check each move against the table, then one event per coverage (its plan
    and term in the reason: one bulk INSERT), one UPDATE, and the premiums of periods
    after each term cancelled."""
    ended = list(
        coverages.select_for_update(no_key=True, of=("self",))
        .select_related("plan", "member")
        .order_by("pk")
    )
    for old in {coverage.status for coverage in ended}:
        COVERAGE.check(old, Coverage.Status.ENDED)
    now = timezone.now()
    MemberEvent.objects.bulk_create(
        MemberEvent(
            member_id=coverage.member_id,
            type=MemberEvent.Type.COVERAGE,
            at=now,
            old_value=coverage.status,
            new_value=Coverage.Status.ENDED,
            reason=_("The term of %(plan)s ended on %(date)s and does not renew.")
            % {"plan": coverage.plan.display_name, "date": format_date(coverage.term_end)},
            data={"coverage": coverage.pk},
        )
        for coverage in ended
    )
    moved = Coverage.objects.filter(pk__in=[c.pk for c in ended]).update(
        status=Coverage.Status.ENDED, end_date=F("term_end"), next_due_date=None
    )
    # Only the coverages with a premium after their term are settled (one query).
    with_dues = set(
        Coverage.objects.filter(
            pk__in=[c.pk for c in ended],
            dues__period_start__gt=F("term_end"),
            dues__kind=ContributionDue.Kind.PREMIUM,
            dues__status__in=sources(DUE, ContributionDue.Status.CANCELLED),
        ).values_list("pk", flat=True)
    )
    for coverage in ended:
        if coverage.pk in with_dues and coverage.term_end is not None:
            dues_cancel_after_cover(
                member=coverage.member,
                ends_on=coverage.term_end + dt.timedelta(days=1),
                coverages=[coverage.pk],
                today=today,
                reason=_("The cover ended: premiums for later periods cancelled."),
            )
    return moved


def _expiry_phases(today: dt.date) -> list[Phase]:
    expired = Coverage.objects.filter(
        status__in=sources(COVERAGE, Coverage.Status.ENDED),
        term_end__lt=today,
        plan_version__auto_renew=False,
    )

    def expire(lo: int, hi: int) -> tuple[int, int]:
        ids: list[int] = []
        try:
            with transaction.atomic():
                batch = _in_range(expired, lo, hi, "member_id")
                ids = members_lock(Member.objects.filter(pk__in=batch.values("member_id")))
                if not ids:
                    return 0, 0
                return _coverages_end(batch, today=today), 0
        except DomainError as exc:
            logger.warning("Ending coverage of members %s–%s failed: %s", lo + 1, hi, exc)
            return 0, len(ids)

    return [Phase("ended", expired, expire, field="member_id")]


def coverages_expire(
    *, today: dt.date | None = None, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Daily: end the live coverages whose term ended before today under a plan version
    that does not renew: status ended, ``end_date`` the term's last day, an event row,
    and the premiums for periods after the term cancelled. The member is not otherwise
    changed (they stay a member without that cover). Set-based per batch of members,
    whose rows are locked before their coverages' (the order of billing and payments).
    Idempotent: ended cover is not picked again."""
    today = today or timezone.localdate()
    return phases_run(_expiry_phases(today), batch_size=batch_size)


# --- The daily jobs split across the workers (common.services.batches) -------------------

#: The batch-run kinds of the daily jobs and the phases each runs for a day.
MEMBER_JOBS: dict[str, Callable[[dt.date], list[Phase]]] = {
    "members.grace": _grace_phases,
    "members.withdrawals": _withdrawal_phases,
    "members.expiry": _expiry_phases,
}


def member_job_start(
    kind: str, *, today: dt.date | None = None, batch_size: int = BATCH_SIZE
) -> BatchRun:
    """A daily job of ``MEMBER_JOBS`` as a batch run (``KIND:DAY``) split by member id
    into chunks of whole batches (``BATCH_CHUNK_SIZE // batch_size`` batches of
    ``batch_size`` ids), run on every worker.

    Each chunk is one transaction over its ids: every phase of the job (the suspensions,
    then the lapses) runs its batch step over each batch of the chunk, a batch being a
    savepoint (a batch refused by the transition table is rolled back and counted as
    failed, as in the job run at once). The finish checks that no candidate is left in
    the run's ids but refused ones, and records the day's counts in the run's result.
    Nothing is sent to members: the statuses, events and the premiums' entries (keyed
    per due) are written in the chunk's transaction.

    When the candidates fit one chunk the run is done at once, in this transaction. A
    second start of the day resumes the run if it is not complete and does nothing if
    it is.
    """
    from django.conf import settings

    today = today or timezone.localdate()
    key = f"{kind}:{today.isoformat()}"
    with transaction.atomic():
        known = BatchRun.objects.filter(key=key).first()
        if known is not None:  # started before: complete, or resumed as it was split
            return known if known.status == BatchRun.Status.COMPLETE else batch_resume(known)
        lows, highs = [], []
        for phase in MEMBER_JOBS[kind](today):
            bounds = phase.candidates.order_by().aggregate(lo=Min(phase.field), hi=Max(phase.field))
            if bounds["lo"] is not None:
                lows.append(bounds["lo"])
                highs.append(bounds["hi"])
        width = max(1, settings.BATCH_CHUNK_SIZE // batch_size) * batch_size
        ranges = id_ranges(min(lows), max(highs), width) if lows else []
        return batch_start(
            kind=kind,
            key=key,
            ranges=ranges,
            params={"today": today.isoformat(), "batch_size": batch_size},
            inline=len(ranges) <= 1,
        )


def _member_job_chunk(run: BatchRun, chunk: BatchChunk) -> dict[str, int]:
    """One chunk of a daily job: each phase over the chunk's batches, in order."""
    batch_size = int(run.params["batch_size"])
    phases = MEMBER_JOBS[run.kind](dt.date.fromisoformat(run.params["today"]))
    counts = {phase.done: 0 for phase in phases} | {"failed": 0}
    for phase in phases:
        for lo in range(chunk.lo, chunk.hi, batch_size):
            moved, refused = phase.step(lo, min(lo + batch_size, chunk.hi))
            counts[phase.done] += moved
            counts["failed"] += refused
    return counts


def _member_job_finish(run: BatchRun, totals: dict[str, int]) -> dict[str, int]:
    """The day's check (no candidate left in the run's ids but refused ones) and its
    counts (the run's result)."""
    phases = MEMBER_JOBS[run.kind](dt.date.fromisoformat(run.params["today"]))
    left = 0
    if run.chunk_count:
        bounds = run.chunks.aggregate(lo=Min("lo"), hi=Max("hi"))
        for phase in phases:
            left += _in_range(phase.candidates, bounds["lo"], bounds["hi"], phase.field).count()
    counts = {phase.done: totals.get(phase.done, 0) for phase in phases}
    counts["failed"] = totals.get("failed", 0)
    if left > counts["failed"]:
        raise BatchTotalsMismatch(
            _(
                "%(key)s does not add up: %(left)d candidates are left in its members, "
                "%(failed)d of them refused. Nothing was recorded."
            )
            % {"key": run.key, "left": left, "failed": counts["failed"]}
        )
    return counts


for _kind in MEMBER_JOBS:
    batch_job_register(_kind, chunk=_member_job_chunk, finish=_member_job_finish)


def batch_run_report(run: BatchRun, *, since: dt.datetime, zero: dict[str, int]) -> dict:
    """What a daily task reports of the run it started: the counts when the run was done
    by this call (at once, or by eager workers), zeros when it was done before, else the
    run and its chunks handed to the workers."""
    run.refresh_from_db()
    if run.status == BatchRun.Status.COMPLETE:
        if run.finished_at is not None and run.finished_at >= since:
            return {name: int(run.result.get(name, 0)) for name in zero}
        return dict(zero)
    return {**zero, "run": run.pk, "chunks": run.chunk_count, "status": str(run.status)}
