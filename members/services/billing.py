"""Billing premiums: one amount due per coverage and period, never twice.

Premium plans are billed by a daily job (``premiums_bill``) and when cover opens
(``coverage_open`` bills the first period). Each coverage is billed under its member's
lock, then its own (the order in ``locks``); the amounts due and their ledger entries are
``dues.due_create``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from mutualsociety.common.exceptions import DomainError

from ..calculations import FREQUENCY_MONTHS, add_months, period_end
from ..models import ContributionDue, Coverage, Plan
from ..transitions import LIVE_COVERAGE
from .dues import due_create
from .locks import coverage_lock, coverage_member_id, member_lock

logger = logging.getLogger(__name__)


def _period_end(coverage: Coverage, start: dt.date) -> dt.date:
    """The last day of the period starting on ``start``, counted from the coverage's start.

    Counting from the previous period's (clamped) start would drift: cover from 31 January
    would be billed on the 28th for ever after February, and a 12-month term would get a
    13th premium straddling its end.
    """
    anchor = coverage.start_date
    if start < anchor:
        return period_end(start, coverage.payment_frequency)
    elapsed = (start.year - anchor.year) * 12 + start.month - anchor.month
    months = elapsed + FREQUENCY_MONTHS[coverage.payment_frequency]
    return add_months(anchor, months) - dt.timedelta(days=1)


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
    services use).
    """
    created: list[ContributionDue] = []
    with transaction.atomic():
        member = member_lock(coverage_member_id(coverage), no_key=True)
        coverage = coverage_lock(coverage)
        if (
            coverage.plan.kind != Plan.Kind.PREMIUM
            or coverage.status not in LIVE_COVERAGE
            or not coverage.payment_frequency
            or not coverage.premium
        ):
            return created
        version = coverage.plan_version
        leaves_on = member.withdrawal_effective_on
        while coverage.next_due_date and coverage.next_due_date <= until:
            start = coverage.next_due_date
            if leaves_on and start >= leaves_on:
                # No cover from the day the withdrawal takes effect: nothing to bill.
                break
            if coverage.term_end and start > coverage.term_end:
                if not version.auto_renew:
                    coverage.next_due_date = None
                    break
                coverage.term_end = add_months(
                    coverage.term_end + dt.timedelta(days=1), version.policy_term_months
                ) - dt.timedelta(days=1)
            end = _period_end(coverage, start)
            due, was_created = due_create(
                coverage=coverage,
                kind=ContributionDue.Kind.PREMIUM,
                period_start=start,
                period_end=end,
                due_date=start,
                amount=coverage.premium,
                billed_on=today,
            )
            if was_created:
                created.append(due)
            coverage.next_due_date = end + dt.timedelta(days=1)
        coverage.save(update_fields=["next_due_date", "term_end"])
    return created


def premiums_bill(*, today: dt.date | None = None, horizon_days: int = 0) -> dict[str, int]:
    """Daily: bill every premium coverage (in force or suspended) whose next period starts
    within the horizon.

    The candidates are one indexed query; each coverage is billed in its own transaction,
    so a coverage that fails (a ``DomainError``, logged with its id) leaves the others
    billed, and a rerun bills only what is missing. Returns the number of premiums
    billed and of coverages that failed.
    """
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=horizon_days)
    ids = list(
        Coverage.objects.filter(
            plan__kind=Plan.Kind.PREMIUM,
            status__in=LIVE_COVERAGE,
            next_due_date__lte=until,
        ).values_list("pk", flat=True)
    )
    billed = failed = 0
    for coverage_id in ids:
        try:
            billed += len(coverage_bill(coverage=coverage_id, until=until, today=today))
        except DomainError as exc:
            failed += 1
            logger.warning("Billing coverage %s failed: %s", coverage_id, exc)
    return {"billed": billed, "failed": failed}
