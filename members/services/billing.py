"""Billing premiums: one amount due per coverage and period, never twice, set-based.

Premium plans are billed by a daily job (``premiums_bill``) and when cover opens
(``coverage_open`` bills the first period through ``coverage_bill``). Both run the same
statements (``billing_sql``) over a scope: the daily job over batches of members (a range
of member ids), ``coverage_bill`` over one coverage. Per scope, in one transaction:

1. the members are locked in id order (the order in ``locks``; a coverage is written
   only under its member's lock, so theirs need none of their own);
2. round after round, until no coverage has a period left to bill by ``until``: the
   terms that end stop or renew, the premiums are totalled by due date, one balanced
   entry per due date is posted (Dr 1122 receivable / Cr 6031 contribution income), one
   ``INSERT ... SELECT`` writes the dues hung on those entries, and one ``UPDATE`` moves
   every coverage's next due date past its period;
3. the new dues of members who paid ahead are settled from that money
   (``dues.dues_settle_from_advance``, which reads only those members' dues).

Idempotent per coverage and period: the next due date, read under the locks, moves past
each period billed; the unique key per coverage, kind and period start backs it; and
each entry's idempotency key names its due date and the first coverage it bills, which
no later set can share (a coverage is billed once per period).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.chart import CONTRIBUTION_INCOME, RECEIVABLE
from ledger.models import Posting
from ledger.services import Credit, Debit, entry_post
from mutualsociety.common.exceptions import DomainError
from mutualsociety.common.models import BatchChunk, BatchRun
from mutualsociety.common.money import CENT
from mutualsociety.common.services import (
    BatchTotalsMismatch,
    batch_job_register,
    batch_resume,
    batch_start,
)

from ..calculations import FREQUENCY_MONTHS, add_months, period_end
from ..models import ContributionDue, Coverage
from . import billing_sql as sql
from .dues import dues_settle_from_advance
from .locks import coverage_lock, coverage_member_id, member_lock

logger = logging.getLogger(__name__)

#: Members billed per transaction by the daily job (a range of member ids this wide).
BATCH_SIZE = 5000


def _period_end(coverage: Coverage, start: dt.date) -> dt.date:
    """The last day of the period starting on ``start``, counted from the coverage's start.

    Counting from the previous period's (clamped) start would drift: cover from 31 January
    would be billed on the 28th for ever after February, and a 12-month term would get a
    13th premium straddling its end. (``billing_sql.period_end_sql`` is this rule in SQL.)
    """
    anchor = coverage.start_date
    if start < anchor:
        return period_end(start, coverage.payment_frequency)
    elapsed = (start.year - anchor.year) * 12 + start.month - anchor.month
    months = elapsed + FREQUENCY_MONTHS[coverage.payment_frequency]
    return add_months(anchor, months) - dt.timedelta(days=1)


def _scope_bill(
    scope: sql.Scope, *, until: dt.date, today: dt.date | None
) -> tuple[list[int], int]:
    """Bill every period of the scope's coverages starting on or before ``until`` (steps 2
    and 3 of the module docstring); the caller holds a transaction and the locks. Returns
    the ids of the entries posted (the new dues hang on them) and how many dues."""
    entries: list[int] = []
    billed = 0
    while True:
        sql.terms_close_or_renew(scope, until)
        posted: dict[dt.date, int] = {}
        totals = sql.round_totals(scope, until)
        for total in totals:
            amount = total.cents * CENT
            posted[total.due_date] = entry_post(
                idempotency_key=(
                    f"members.premiums:{total.due_date.isoformat()}:{total.first_coverage}"
                ),
                date=total.due_date,
                memo=_("Premiums due %(date)s: %(n)d coverages, members %(first)s–%(last)s")
                % {
                    "date": total.due_date.isoformat(),
                    "n": total.dues,
                    "first": total.first_member,
                    "last": total.last_member,
                },
                lines=[Debit(RECEIVABLE, amount), Credit(CONTRIBUTION_INCOME, amount)],
                source_type="members.premiums",
                source_id=total.first_coverage,
            ).pk
        if posted:
            expected = sum(total.dues for total in totals)
            done = sql.dues_insert_and_advance(scope, until, billed_on=today, entries=posted)
            if done.inserted != expected:
                raise RuntimeError(
                    f"Billed {done.inserted} premiums against entries for {expected}."
                )
            entries += posted.values()
            billed += done.inserted
            more = done.more
        else:  # every period was billed before (a run that stopped half-way): move on
            more = bool(sql.next_due_advance(scope, until)) and sql.candidates_left(scope, until)
        # One more round only if a coverage still has a period to bill (one billed late
        # catches up), instead of a round of statements that each look at the whole
        # scope again to find nothing.
        if not more:
            break
    if entries:
        # Members who paid ahead: only their new dues are read and settled.
        dues_settle_from_advance(dues=ContributionDue.objects.filter(ledger_entry_id__in=entries))
    return entries, billed


def coverage_bill(
    *, coverage: Coverage | int, until: dt.date, today: dt.date | None = None
) -> list[ContributionDue]:
    """Create the premiums due for every period of a coverage starting on or before ``until``.

    Idempotent per coverage and period (the unique constraint and ``next_due_date``, read
    under a row lock). A term that ends renews when the plan version says so.

    Suspended cover is billed too: the contract is suspended, not terminated (PRC
    Insurance Law art. 36), and the premiums of those periods are part of what is owed to
    reinstate it (art. 37). No period starting on or after the day the member's withdrawal
    takes effect is billed: there is no cover then. ``today`` is the day of the billing
    run; a period billed after its start gets its grace period from that day
    (``due_create``).

    Locks the member, then the coverage (the order ``payment_record`` and the lifecycle
    services use), and bills with the daily job's statements, scoped to this coverage.
    """
    with transaction.atomic():
        member_lock(coverage_member_id(coverage), no_key=True)
        coverage = coverage_lock(coverage)
        entries, _billed = _scope_bill(sql.Scope(coverage=coverage.pk), until=until, today=today)
        if not entries:
            return []
        return list(
            ContributionDue.objects.filter(coverage=coverage, ledger_entry_id__in=entries).order_by(
                "period_start"
            )
        )


def premiums_bill(
    *, today: dt.date | None = None, horizon_days: int = 0, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Daily: bill every premium coverage (in force or suspended) whose next period starts
    within the horizon.

    Set-based, by batches of members (``batch_size`` member ids at a time), each its own
    transaction with a handful of statements whatever its size. A batch that fails (a
    ``DomainError``, logged with its members) is rolled back and leaves the others
    billed; a rerun bills only what is missing. Returns the number of premiums billed and
    of coverages that failed. (The daily task runs it split across the workers:
    ``premiums_bill_start``.)
    """
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=horizon_days)
    done = _batches_bill(after=0, last=None, until=until, today=today, batch_size=batch_size)
    return {"billed": done.billed, "failed": done.failed}


@dataclass
class _Billed:
    billed: int = 0
    failed: int = 0
    entries: list[int] = field(default_factory=list)


def _batch_starts(*, until: dt.date, batch_size: int) -> Iterator[int]:
    """The first member id of each batch ``premiums_bill`` runs, in order (one query each)."""
    after = 0
    while (first := sql.next_member(after=after, until=until)) is not None:
        yield first
        after = first + batch_size - 1


def _batches_bill(
    *, after: int, last: int | None, until: dt.date, today: dt.date, batch_size: int
) -> _Billed:
    """Bill the batches of members from ``after`` (excluded) to ``last`` (all when None),
    each in its own transaction (a savepoint inside a chunk's); what a batch refuses (a
    ``DomainError``) is rolled back, logged and counted as failed."""
    done = _Billed()
    while (first := sql.next_member(after=after, until=until)) is not None:
        if last is not None and first > last:
            break
        end = first + batch_size - 1 if last is None else min(first + batch_size - 1, last)
        scope = sql.Scope(first_member=first, last_member=end)
        after = end
        try:
            with transaction.atomic():
                sql.members_lock(scope, until)
                entries, count = _scope_bill(scope, until=until, today=today)
            done.billed += count
            done.entries += entries
        except DomainError as exc:
            count, first_coverage = sql.candidates_summary(scope, until)
            done.failed += count
            logger.warning(
                "Billing members %s–%s failed (%s coverages, from coverage %s): %s",
                scope.first_member,
                scope.last_member,
                count,
                first_coverage,
                exc,
            )
    return done


# --- The daily run split across the workers (common.services.batches) -------------------

BILLING_RUN = "members.billing"


def premiums_bill_start(
    *, today: dt.date | None = None, horizon_days: int = 0, batch_size: int = BATCH_SIZE
) -> BatchRun:
    """The daily task's billing: ``premiums_bill`` as a batch run (``members.billing:DAY``)
    split by member id into chunks of about ``BATCH_CHUNK_SIZE`` ids, run on every worker.

    A chunk is whole batches: the batches ``premiums_bill`` would run (found now, one
    query each), grouped ``BATCH_CHUNK_SIZE // batch_size`` at a time, so that the chunks
    bill the same batches with the same entries as the job run at once. Each chunk is one
    transaction over its ids in which every batch is a savepoint (a refused batch is
    rolled back and counted, as in ``premiums_bill``). The finish checks the day: the
    dues billed add up to their entries, and no coverage is left to bill in the run's
    ids but those of refused batches; it records the day's counts in the run's result.
    Nothing is sent to members: a chunk writes dues and their entries (keyed, idempotent).

    When the day fits one chunk it runs at once, in this transaction. A second start of
    the day resumes the run if it is not complete and does nothing if it is.
    """
    from django.conf import settings

    today = today or timezone.localdate()
    until = today + dt.timedelta(days=horizon_days)
    key = f"{BILLING_RUN}:{today.isoformat()}"
    with transaction.atomic():
        known = BatchRun.objects.filter(key=key).first()
        if known is not None:  # started before: complete, or resumed as it was split
            return known if known.status == BatchRun.Status.COMPLETE else batch_resume(known)
        ranges = []
        per_chunk = max(1, settings.BATCH_CHUNK_SIZE // batch_size)
        starts = list(_batch_starts(until=until, batch_size=batch_size))
        for i in range(0, len(starts), per_chunk):
            group = starts[i : i + per_chunk]
            ranges.append((group[0] - 1, group[-1] + batch_size - 1))
        return batch_start(
            kind=BILLING_RUN,
            key=key,
            ranges=ranges,
            params={
                "today": today.isoformat(),
                "until": until.isoformat(),
                "batch_size": batch_size,
            },
            inline=len(ranges) <= 1,
        )


def _cents(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)) / CENT)


def _billing_chunk(run: BatchRun, chunk: BatchChunk) -> dict[str, int]:
    """One chunk of a day's billing: its batches (see ``premiums_bill_start``) and what
    they wrote: the dues and their cents, the entries and the cents they debit."""
    params = run.params
    done = _batches_bill(
        after=chunk.lo,
        last=chunk.hi,
        until=dt.date.fromisoformat(params["until"]),
        today=dt.date.fromisoformat(params["today"]),
        batch_size=int(params["batch_size"]),
    )
    dues = ContributionDue.objects.filter(ledger_entry_id__in=done.entries)
    debits = Posting.objects.filter(entry_id__in=done.entries, amount__gt=0)
    return {
        "billed": done.billed,
        "failed": done.failed,
        "entries": len(done.entries),
        "cents": _cents(dues.aggregate(total=Sum("amount"))["total"]),
        "entry_cents": _cents(debits.aggregate(total=Sum("amount"))["total"]),
    }


def _billing_finish(run: BatchRun, totals: dict[str, int]) -> dict[str, object]:
    """The day's check and summary (the run's result)."""
    until = dt.date.fromisoformat(run.params["until"])
    left = 0
    if run.chunk_count:
        bounds = run.chunks.aggregate(lo=Min("lo"), hi=Max("hi"))
        scope = sql.Scope(first_member=bounds["lo"] + 1, last_member=bounds["hi"])
        left = sql.candidates_summary(scope, until)[0]
    problems = []
    if totals.get("cents", 0) != totals.get("entry_cents", 0):
        problems.append(
            _("the dues billed come to %(dues)s but their entries to %(entries)s")
            % {
                "dues": totals.get("cents", 0) * CENT,
                "entries": totals.get("entry_cents", 0) * CENT,
            }
        )
    if left > totals.get("failed", 0):
        problems.append(
            _("%(left)d coverages are still to bill, %(failed)d of them refused")
            % {"left": left, "failed": totals.get("failed", 0)}
        )
    if problems:
        raise BatchTotalsMismatch(
            _("The billing of %(day)s does not add up: %(problems)s. Nothing was recorded.")
            % {"day": run.params["today"], "problems": "; ".join(problems)}
        )
    return {
        "billed": totals.get("billed", 0),
        "failed": totals.get("failed", 0),
        "entries": totals.get("entries", 0),
        "amount": str(totals.get("cents", 0) * CENT),
    }


batch_job_register(BILLING_RUN, chunk=_billing_chunk, finish=_billing_finish)
