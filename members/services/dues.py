"""What members owe: amounts due, their ledger entries, and settling them from advances.

Accounts (``ledger.chart``): a due is Dr RECEIVABLE (1122 contributions receivable) /
Cr CONTRIBUTION_INCOME (6031); money paid in advance sits in PREPAID (2203) and settles
new dues with Dr 2203 / Cr 1122. A premium for a period without cover is cancelled: what
was paid on it goes back to the advance (Dr 1122 / Cr 2203) and its entry is reversed
(Dr 6031 / Cr 1122; a premium billed in a batch, whose entry posts the batch, is taken
back by an entry of its own for its amount). A lapsed membership's unpaid premiums are written off
(Dr 6031 / Cr 1122 for the unpaid part). Payments themselves are ``payments.py``;
billing the premiums of a coverage is ``billing.py``.

Every write here takes the member's row lock first (``locks.member_lock``; the order is
in ``locks``), so an advance recorded at the same moment is either seen here or sees the
due. A due's status changes only through ``transitions.DUE``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.chart import CONTRIBUTION_INCOME, PREPAID, RECEIVABLE
from ledger.services import Credit, Debit, entry_post, entry_reverse
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.money import ZERO, is_whole_cents

from ..events import member_event
from ..models import ContributionDue, Coverage, Member, MemberEvent, Payment, PaymentAllocation
from ..transitions import DUE, sources
from .locks import member_lock


def due_create(
    *,
    coverage: Coverage,
    kind: str,
    period_start: dt.date,
    period_end: dt.date,
    due_date: dt.date,
    amount: Decimal,
    income_account: str = CONTRIBUTION_INCOME,
    memo: str = "",
    billed_on: dt.date | None = None,
) -> tuple[ContributionDue, bool]:
    """Create one amount due, once per coverage, kind and period; post it; apply credit.

    Returns (due, created). A second call for the same period returns the first due.
    The grace period runs from the due date or, for a period billed late (``billed_on``
    after the due date, e.g. after a suspension), from the day it was billed: a premium
    is never overdue on the day it is first asked for (PRC Insurance Law art. 36 counts
    the 60 days from the insurer's demand). Without ``billed_on`` the due is taken as
    billed on its due date (history rebuilt by imports and staff).

    The member row is locked first (see the module docstring), so that an advance
    recorded at the same moment is either seen here or sees this due.
    """
    with transaction.atomic():
        return _due_create(
            coverage=coverage,
            kind=kind,
            period_start=period_start,
            period_end=period_end,
            due_date=due_date,
            amount=amount,
            income_account=income_account,
            memo=memo,
            billed_on=billed_on,
        )


def _due_create(
    *,
    coverage: Coverage,
    kind: str,
    period_start: dt.date,
    period_end: dt.date,
    due_date: dt.date,
    amount: Decimal,
    income_account: str,
    memo: str,
    billed_on: dt.date | None,
) -> tuple[ContributionDue, bool]:
    member_lock(coverage.member_id, no_key=True)
    existing = ContributionDue.objects.filter(
        coverage=coverage, kind=kind, period_start=period_start
    ).first()
    if existing:
        return existing, False
    if amount <= 0 or not is_whole_cents(amount):
        raise InvalidInput(_("An amount due must be positive and in whole cents."), field="amount")
    grace = coverage.plan_version.grace_period_days
    try:
        with transaction.atomic():
            due = ContributionDue.objects.create(
                member_id=coverage.member_id,
                coverage=coverage,
                kind=kind,
                period_start=period_start,
                period_end=period_end,
                due_date=due_date,
                grace_ends_on=max(due_date, billed_on or due_date) + dt.timedelta(days=grace),
                amount=amount,
            )
    except IntegrityError:
        return (
            ContributionDue.objects.get(coverage=coverage, kind=kind, period_start=period_start),
            False,
        )
    entry = entry_post(
        idempotency_key=f"members.due:{due.pk}",
        date=due_date,
        memo=memo
        or _("%(kind)s %(start)s–%(end)s, member %(member)s")
        % {
            "kind": due.get_kind_display(),
            "start": period_start.isoformat(),
            "end": period_end.isoformat(),
            "member": coverage.member.member_number or coverage.member_id,
        },
        lines=[Debit(RECEIVABLE, amount), Credit(income_account, amount)],
        source_type="members.due",
        source_id=due.pk,
    )
    due.ledger_entry = entry
    due.save(update_fields=["ledger_entry"])
    _apply_credit(due)
    return due, True


def _apply_credit(due: ContributionDue) -> None:
    """Settle a new due from money the member paid in advance, oldest payment first."""
    remaining = due.amount - due.paid_amount
    # The member row is locked by the caller, so no payment of theirs is being recorded.
    payments = (
        Payment.objects.select_for_update(no_key=True)
        .filter(member_id=due.member_id)
        .order_by("received_on", "id")
    )
    applied = ZERO
    for payment in payments:
        if remaining <= 0:
            break
        free = payment.amount - payment.allocated_amount
        if free <= 0:
            continue
        part = min(free, remaining)
        PaymentAllocation.objects.create(payment=payment, due=due, amount=part)
        payment.allocated_amount += part
        payment.save(update_fields=["allocated_amount"])
        remaining -= part
        applied += part
    if applied:
        due.paid_amount += applied
        if due.paid_amount == due.amount:
            DUE.move(due, ContributionDue.Status.PAID)
        due.save(update_fields=["paid_amount", "status"])
        entry_post(
            idempotency_key=f"members.credit-applied:{due.pk}",
            # Not before the receivable it settles exists (billing may run ahead).
            date=max(due.due_date, timezone.localdate()),
            memo=_("Advance payment applied to %(due)s") % {"due": due.memo_label},
            lines=[Debit(PREPAID, applied), Credit(RECEIVABLE, applied)],
            source_type="members.allocation",
            source_id=due.pk,
        )


def dues_settle_from_advance(*, dues: QuerySet[ContributionDue]) -> int:
    """Settle open dues created in bulk (an apportionment's shares) from money their
    members paid in advance, as ``due_create`` does for one due. Returns how many were
    settled in full or in part.

    Only the dues of members who hold unallocated money are read: one query narrows them
    in the database (a semi-join on the payments with money left), so a run over a
    million members touches the few who paid ahead, not everyone. Each is then settled
    under the member's row lock, oldest payment first, with its own ledger entry (Dr 2203
    advance, Cr 1122 receivable), exactly as for a premium.
    """
    with_credit = (
        Payment.objects.filter(amount__gt=F("allocated_amount")).values("member_id").distinct()
    )
    settled = 0
    with transaction.atomic():
        for due in dues.filter(
            status=ContributionDue.Status.OPEN, member_id__in=with_credit
        ).order_by("member_id", "id"):
            member_lock(due.member_id, no_key=True)
            due.refresh_from_db(fields=["paid_amount", "status"])
            before = due.paid_amount
            _apply_credit(due)
            if due.paid_amount != before:
                settled += 1
    return settled


def dues_cancel_after_cover(
    *,
    member: Member,
    ends_on: dt.date,
    coverages: Iterable[int] | None = None,
    write_off_unpaid: bool = False,
    today: dt.date | None = None,
    actor=None,
    reason: str,
) -> dict[str, list[int]]:
    """Settle the premiums of cover that has ended on ``ends_on`` (the first day without
    cover: the withdrawal's effective date, the date of death, the lapse date, the day
    after a term that does not renew).

    - Every premium (open, partly or fully paid) for a period starting on or after
      ``ends_on`` is cancelled: nothing is owed for a period without cover. What was paid
      on it goes back to the payments it came from (their allocations are removed, their
      allocated amount reduced) and is held as an advance (Dr 1122 / Cr 2203); the due's
      entry is reversed (Dr 6031 / Cr 1122).
    - With ``write_off_unpaid`` (a lapse), the unpaid part of every earlier premium is
      written off (Dr 6031 / Cr 1122): an insurer may not sue for life-insurance premiums
      (PRC Insurance Law art. 38), so they will never be collected. What was paid stays.

    Apportioned shares stay owed: a mutual aid member who leaves still pays for the claims
    already on notice. ``member`` must be locked by the caller. Replaying changes nothing:
    only open and paid dues are looked at, and every entry has a key per due.
    """
    today = today or timezone.localdate()
    dues = ContributionDue.objects.select_for_update(no_key=True).filter(
        member=member,
        kind=ContributionDue.Kind.PREMIUM,
        status__in=sources(DUE, ContributionDue.Status.CANCELLED),
    )
    if coverages is not None:
        dues = dues.filter(coverage__in=list(coverages))
    if not write_off_unpaid:
        dues = dues.filter(period_start__gte=ends_on)
    cancelled: list[int] = []
    written_off: list[int] = []
    returned = ZERO
    for due in dues.order_by("period_start", "id"):
        if due.period_start >= ends_on:
            returned += _due_cancel(due, today=today, actor=actor)
            cancelled.append(due.pk)
        elif due.status == ContributionDue.Status.OPEN:
            _due_write_off(due, today=today, actor=actor)
            written_off.append(due.pk)
    if cancelled or written_off:
        member_event(
            member=member,
            type=MemberEvent.Type.COVERAGE,
            actor=actor,
            new=ends_on.isoformat(),
            reason=reason,
            data={
                "cancelled": cancelled,
                "written_off": written_off,
                "returned_to_advance": str(returned),
            },
        )
    return {"cancelled": cancelled, "written_off": written_off}


def _due_cancel(due: ContributionDue, *, today: dt.date, actor) -> Decimal:
    """Cancel one due for a period without cover; return what went back to the advance."""
    allocations = list(due.allocations.all())
    payments = {
        payment.pk: payment
        for payment in Payment.objects.select_for_update(no_key=True).filter(
            pk__in={allocation.payment_id for allocation in allocations}
        )
    }
    returned = ZERO
    for allocation in allocations:
        payment = payments[allocation.payment_id]
        payment.allocated_amount -= allocation.amount
        payment.save(update_fields=["allocated_amount"])
        returned += allocation.amount
    # The allocation rows go: they say which due a payment settles, and it settles none
    # now. The ledger entry below and the member event keep the history.
    PaymentAllocation.objects.filter(due=due).delete()
    # Never dated before the due's own entry (a premium billed ahead: its due date).
    on = max(today, due.due_date)
    if returned:
        entry_post(
            idempotency_key=f"members.due-cancelled-refund:{due.pk}",
            date=on,
            memo=_("Returned to advance, the cover ended: %(due)s") % {"due": due.memo_label},
            lines=[Debit(RECEIVABLE, returned), Credit(PREPAID, returned)],
            source_type="members.due",
            source_id=due.pk,
            actor=actor,
        )
    memo = _("Cancelled, the cover ended: %(due)s") % {"due": due.memo_label}
    if due.ledger_entry_id and (
        ContributionDue.objects.filter(ledger_entry_id=due.ledger_entry_id)
        .exclude(pk=due.pk)
        .exists()
    ):
        # Billed in a batch, its entry posts the other premiums of that batch too: this
        # premium alone is taken back, by its own entry.
        entry_post(
            idempotency_key=f"members.due-cancelled:{due.pk}",
            date=on,
            memo=memo,
            lines=[Debit(CONTRIBUTION_INCOME, due.amount), Credit(RECEIVABLE, due.amount)],
            source_type="members.due",
            source_id=due.pk,
            actor=actor,
        )
    elif due.ledger_entry_id:
        entry_reverse(entry=due.ledger_entry_id, date=on, memo=memo, actor=actor)
    DUE.move(due, ContributionDue.Status.CANCELLED)
    due.paid_amount = ZERO
    due.save(update_fields=["status", "paid_amount"])
    return returned


def _due_write_off(due: ContributionDue, *, today: dt.date, actor) -> None:
    """Write off the unpaid part of a premium of cover that lapsed; the paid part stays."""
    unpaid = due.amount - due.paid_amount
    entry_post(
        idempotency_key=f"members.due-written-off:{due.pk}",
        date=max(today, due.due_date),
        memo=_("Written off, the membership lapsed: %(due)s") % {"due": due.memo_label},
        lines=[Debit(CONTRIBUTION_INCOME, unpaid), Credit(RECEIVABLE, unpaid)],
        source_type="members.due",
        source_id=due.pk,
        actor=actor,
    )
    DUE.move(due, ContributionDue.Status.CANCELLED)
    due.save(update_fields=["status"])
