"""What members owe: amounts due and their ledger entries (settling them from advances is
``advance.py``).

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
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.chart import CONTRIBUTION_INCOME, PREPAID, RECEIVABLE
from ledger.services import Credit, Debit, EntrySpec, entries_post, entry_post, entry_reverse
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.money import ZERO, is_whole_cents

from ..events import member_event
from ..models import ContributionDue, Coverage, Member, MemberEvent, Payment, PaymentAllocation
from ..transitions import DUE, sources
from .advance import dues_settle_from_advance
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
    """Settle a new due from money the member paid in advance (the set rule below, for
    one due; the caller holds the member's lock)."""
    if dues_settle_from_advance(dues=ContributionDue.objects.filter(pk=due.pk)):
        due.refresh_from_db(fields=["paid_amount", "status"])


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


def dues_cancel_after_cover_set(
    *,
    members: dict[int, dt.date],
    write_off_unpaid: bool = False,
    today: dt.date,
    actor=None,
    reason: str,
) -> None:
    """``dues_cancel_after_cover`` for many locked members at once (member id -> the
    first day without cover), with the same dues, entries, keys and events.

    The members whose premiums to settle are all unpaid ones to write off (a lapse
    without a premium billed past the lapse date, the common case) are settled
    set-based: their dues read and locked in one query, one entry per due posted by one
    ``entries_post``, the dues cancelled by one ``UPDATE`` and one event per member
    inserted at once. A member with a premium to cancel (money may go back to an
    advance, an entry may be reversed) is settled by ``dues_cancel_after_cover`` itself.
    """
    if not members:
        return
    ids = sorted(members)
    dues = (
        ContributionDue.objects.select_for_update(no_key=True)
        .filter(
            member_id__in=ids,
            member_id__gte=ids[0],
            member_id__lte=ids[-1],
            kind=ContributionDue.Kind.PREMIUM,
            status__in=sources(DUE, ContributionDue.Status.CANCELLED),
        )
        .order_by("member_id", "period_start", "id")
    )
    by_member: dict[int, list[ContributionDue]] = {}
    for due in dues:
        by_member.setdefault(due.member_id, []).append(due)
    one_by_one: list[int] = []
    written_off: dict[int, list[ContributionDue]] = {}
    for member_id, own in by_member.items():
        ends_on = members[member_id]
        if any(due.period_start >= ends_on for due in own):
            one_by_one.append(member_id)
        elif write_off_unpaid:
            unpaid = [due for due in own if due.status == ContributionDue.Status.OPEN]
            if unpaid:
                written_off[member_id] = unpaid
    if written_off:
        _dues_write_off_set(written_off, members=members, today=today, actor=actor, reason=reason)
    for member in Member.objects.filter(pk__in=one_by_one).order_by("pk"):
        dues_cancel_after_cover(
            member=member,
            ends_on=members[member.pk],
            write_off_unpaid=write_off_unpaid,
            today=today,
            actor=actor,
            reason=reason,
        )


def _dues_write_off_set(
    written_off: dict[int, list[ContributionDue]],
    *,
    members: dict[int, dt.date],
    today: dt.date,
    actor,
    reason: str,
) -> None:
    """``_due_write_off`` for each due of ``written_off`` (member id -> its open dues,
    locked) and the event ``dues_cancel_after_cover`` appends per member, in a fixed
    number of statements."""
    DUE.check(ContributionDue.Status.OPEN, ContributionDue.Status.CANCELLED)
    dues = [due for own in written_off.values() for due in own]
    entries_post(
        entries=[
            EntrySpec(
                idempotency_key=f"members.due-written-off:{due.pk}",
                date=max(today, due.due_date),
                memo=_("Written off, the membership lapsed: %(due)s") % {"due": due.memo_label},
                lines=[
                    Debit(CONTRIBUTION_INCOME, due.amount - due.paid_amount),
                    Credit(RECEIVABLE, due.amount - due.paid_amount),
                ],
                source_type="members.due",
                source_id=due.pk,
            )
            for due in dues
        ],
        actor=actor,
    )
    ContributionDue.objects.filter(pk__in=[due.pk for due in dues]).update(
        status=ContributionDue.Status.CANCELLED
    )
    now = timezone.now()
    MemberEvent.objects.bulk_create(
        MemberEvent(
            member_id=member_id,
            type=MemberEvent.Type.COVERAGE,
            actor=actor if getattr(actor, "pk", None) else None,
            old_value="",
            new_value=members[member_id].isoformat(),
            reason=reason,
            data={
                "cancelled": [],
                "written_off": [due.pk for due in own],
                "returned_to_advance": str(ZERO),
            },
            at=now,
        )
        for member_id, own in written_off.items()
    )


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
