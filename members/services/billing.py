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

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.chart import CONTRIBUTION_INCOME, RECEIVABLE
from ledger.services import Credit, Debit, entry_post
from mutualsociety.common.exceptions import DomainError
from mutualsociety.common.money import CENT

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
            inserted = sql.dues_insert(scope, until, billed_on=today, entries=posted)
            if inserted != expected:
                raise RuntimeError(f"Billed {inserted} premiums against entries for {expected}.")
            entries += posted.values()
            billed += inserted
        # One more round only if a coverage still has a period to bill (one billed late
        # catches up): a lookup that stops at the first, instead of a round of
        # statements that each look at the whole scope again to find nothing.
        if not sql.next_due_advance(scope, until) or not sql.candidates_left(scope, until):
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
    of coverages that failed.
    """
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=horizon_days)
    billed = failed = 0
    after = 0
    while (first := sql.next_member(after=after, until=until)) is not None:
        scope = sql.Scope(first_member=first, last_member=first + batch_size - 1)
        after = first + batch_size - 1
        try:
            with transaction.atomic():
                sql.members_lock(scope, until)
                _entries, count = _scope_bill(scope, until=until, today=today)
            billed += count
        except DomainError as exc:
            count, first_coverage = sql.candidates_summary(scope, until)
            failed += count
            logger.warning(
                "Billing members %s–%s failed (%s coverages, from coverage %s): %s",
                scope.first_member,
                scope.last_member,
                count,
                first_coverage,
                exc,
            )
    return {"billed": billed, "failed": failed}
