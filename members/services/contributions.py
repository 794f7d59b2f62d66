"""What members owe and pay: premiums due, payments, allocation, and their ledger entries.

Accounts (ledger chart): a due is Dr 1122 contributions receivable / Cr 6031 contribution
income; a payment is Dr 1002 cash at bank / Cr 1122 for the part that settles dues and
Cr 2203 contributions received in advance for the rest; that credit later settles new
dues with Dr 2203 / Cr 1122. A premium for a period without cover is cancelled: what was
paid on it goes back to the advance (Dr 1122 / Cr 2203) and its entry is reversed
(Dr 6031 / Cr 1122). A lapsed membership's unpaid premiums are written off
(Dr 6031 / Cr 1122 for the unpaid part).

Locking: every write that touches a member's dues or payments locks the member row first
(``SELECT ... FOR NO KEY UPDATE``), then the coverage, then dues and payments. Billing and
a payment of the same member therefore queue up behind each other, and the one that runs
second sees the rows the first committed (READ COMMITTED takes a new snapshot per
statement). ``FOR NO KEY UPDATE`` rather than ``FOR UPDATE``: inserting a due or payment
takes ``FOR KEY SHARE`` on the member row, which conflicts with ``FOR UPDATE`` but not
with ``FOR NO KEY UPDATE``, and none of these writes changes a key of the member.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.chart import CASH, CONTRIBUTION_INCOME, PREPAID, RECEIVABLE
from ledger.services import Credit, Debit, entry_post, entry_reverse
from mutualsociety.common.exceptions import DomainError, IdempotencyConflict, InvalidInput
from mutualsociety.common.money import ZERO, is_whole_cents, quantize_money, to_decimal
from mutualsociety.common.services import amount_ceiling_check, date_window_check

from ..calculations import FREQUENCY_MONTHS, add_months, period_end
from ..models import (
    ContributionDue,
    Coverage,
    Member,
    MemberEvent,
    Payment,
    PaymentAllocation,
    Plan,
)
from .lifecycle import member_event, member_reinstate, overdue_member_ids

logger = logging.getLogger(__name__)


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


def _lock_member(member_id: int) -> Member:
    """Lock the member row: the first lock of every write to their dues and payments."""
    return Member.objects.select_for_update(no_key=True).get(pk=member_id)


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
    _lock_member(coverage.member_id)
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
        due.status = ContributionDue.Status.PAID if due.paid_amount == due.amount else due.status
        due.save(update_fields=["paid_amount", "status"])
        entry_post(
            idempotency_key=f"members.credit-applied:{due.pk}",
            # Not before the receivable it settles exists (billing may run ahead).
            date=max(due.due_date, timezone.localdate()),
            memo=_("Advance payment applied to %(due)s") % {"due": due},
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
            _lock_member(due.member_id)
            due.refresh_from_db(fields=["paid_amount", "status"])
            before = due.paid_amount
            _apply_credit(due)
            if due.paid_amount != before:
                settled += 1
    return settled


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
        coverage_id = coverage.pk if isinstance(coverage, Coverage) else coverage
        member_id = (
            coverage.member_id
            if isinstance(coverage, Coverage)
            else Coverage.objects.values_list("member_id", flat=True).get(pk=coverage_id)
        )
        member = _lock_member(member_id)
        # of=("self",): lock the coverage only, not the plan and version rows that every
        # member's billing reads (locking them would serialise all billing).
        coverage = (
            Coverage.objects.select_for_update(no_key=True, of=("self",))
            .select_related("plan", "plan_version", "member")
            .get(pk=coverage_id)
        )
        if (
            coverage.plan.kind != Plan.Kind.PREMIUM
            or coverage.status not in (Coverage.Status.IN_FORCE, Coverage.Status.SUSPENDED)
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
            status__in=[Coverage.Status.IN_FORCE, Coverage.Status.SUSPENDED],
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
        status__in=[ContributionDue.Status.OPEN, ContributionDue.Status.PAID],
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
            memo=_("Returned to advance, the cover ended: %(due)s") % {"due": due},
            lines=[Debit(RECEIVABLE, returned), Credit(PREPAID, returned)],
            source_type="members.due",
            source_id=due.pk,
            actor=actor,
        )
    if due.ledger_entry_id:
        entry_reverse(
            entry=due.ledger_entry_id,
            date=on,
            memo=_("Cancelled, the cover ended: %(due)s") % {"due": due},
            actor=actor,
        )
    due.status = ContributionDue.Status.CANCELLED
    due.paid_amount = ZERO
    due.save(update_fields=["status", "paid_amount"])
    return returned


def _due_write_off(due: ContributionDue, *, today: dt.date, actor) -> None:
    """Write off the unpaid part of a premium of cover that lapsed; the paid part stays."""
    unpaid = due.amount - due.paid_amount
    entry_post(
        idempotency_key=f"members.due-written-off:{due.pk}",
        date=max(today, due.due_date),
        memo=_("Written off, the membership lapsed: %(due)s") % {"due": due},
        lines=[Debit(CONTRIBUTION_INCOME, unpaid), Credit(RECEIVABLE, unpaid)],
        source_type="members.due",
        source_id=due.pk,
        actor=actor,
    )
    due.status = ContributionDue.Status.CANCELLED
    due.save(update_fields=["status"])


def _clean_amount(amount) -> Decimal:
    try:
        value = to_decimal(amount)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("Enter the amount as a number, e.g. 128.00."), field="amount") from exc
    if not value.is_finite() or value <= 0:
        raise InvalidInput(_("The amount must be more than zero."), field="amount")
    if not is_whole_cents(value):
        raise InvalidInput(
            _("The amount cannot have more than two decimal places."), field="amount"
        )
    return amount_ceiling_check(quantize_money(value), field="amount")


@transaction.atomic
def payment_record(
    *,
    member: Member | int,
    amount: Decimal | str,
    received_on: dt.date,
    provider: str = Payment.Provider.BANK_TRANSFER,
    reference: str = "",
    idempotency_key: str,
    actor=None,
) -> Payment:
    """Record money received from a member, once per idempotency key.

    The payment settles the member's open dues oldest first; what is left is held as an
    advance and settles later dues. The ledger entry is posted in the same transaction.
    A replay with the same key returns the first payment, marked ``replayed`` (the member
    is locked first, so of simultaneous calls exactly one records); the same key for a different
    member, amount or date raises ``IdempotencyConflict``. A member who was suspended is
    reinstated once nothing is overdue (PRC Insurance Law art. 37).

    What staff type is held to plausible limits, refused on the field: the amount more
    than zero, in whole cents and at most the society's largest single amount
    (``amount_ceiling_check``); the date received not in the future and not before the
    society was founded (``date_window_check``).
    """
    value = _clean_amount(amount)
    key = (idempotency_key or "").strip()
    if not key:
        raise InvalidInput(_("An idempotency key is required."), field="idempotency_key")
    if provider not in Payment.Provider.values:
        raise InvalidInput(_("Unknown payment provider."), field="provider")
    today = timezone.localdate()
    if not isinstance(received_on, dt.date) or isinstance(received_on, dt.datetime):
        raise InvalidInput(_("Enter the date the money was received."), field="received_on")
    date_window_check(
        received_on,
        field="received_on",
        latest=today,
        too_late=_("The date received cannot be in the future."),
    )
    member_id = member.pk if isinstance(member, Member) else member
    # Lock the member first: payments of one member are serialised, and a concurrent
    # replay of the same key sees the first one once it has the lock. Billing takes the
    # same lock first (module docstring), so a due billed at the same moment is either
    # committed before this reads the open dues, or sees this payment's advance.
    locked = Member.objects.select_for_update(no_key=True).filter(pk=member_id).first()
    if locked is None:
        raise InvalidInput(_("There is no such member."), field="member")
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None:
        if (existing.member_id, existing.amount, existing.received_on) != (
            locked.pk,
            value,
            received_on,
        ):
            raise IdempotencyConflict(
                _("This idempotency key was used for another payment; use a new key."),
                field="idempotency_key",
            )
        existing.replayed = True
        return existing
    if locked.status in (Member.Status.APPLICANT, Member.Status.DECLINED):
        raise InvalidInput(
            _("%(name)s has no membership yet, so there is nothing to pay.")
            % {"name": locked.legal_name},
            field="member",
        )

    dues = list(
        ContributionDue.objects.select_for_update()
        .filter(member=locked, status=ContributionDue.Status.OPEN)
        .order_by("due_date", "id")
    )
    remaining = value
    plan: list[tuple[ContributionDue, Decimal]] = []
    for due in dues:
        if remaining <= 0:
            break
        part = min(due.amount - due.paid_amount, remaining)
        if part > 0:
            plan.append((due, part))
            remaining -= part
    allocated = value - remaining

    # A due that falls due after the money arrived was paid in advance until its due
    # date: on the day received the money is an advance (2203), and it settles the
    # receivable (1122) on the due date, when the receivable exists. So the ledger agrees
    # with the member records at every date, not only today.
    settled_now = sum((part for due, part in plan if due.due_date <= received_on), ZERO)
    settled_later = [(due, part) for due, part in plan if due.due_date > received_on]
    held = remaining + sum((part for _due, part in settled_later), ZERO)
    lines = [Debit(CASH, value)]
    if settled_now:
        lines.append(Credit(RECEIVABLE, settled_now))
    if held:
        lines.append(Credit(PREPAID, held))
    entry = entry_post(
        idempotency_key=f"members.payment:{key}",
        date=received_on,
        memo=_("Payment from member %(number)s (%(provider)s %(reference)s)")
        % {
            "number": locked.member_number or locked.pk,
            "provider": Payment.Provider(provider).label,
            "reference": reference,
        },
        lines=lines,
        source_type="members.payment",
        source_id=locked.pk,
        actor=actor,
    )
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                member=locked,
                amount=value,
                received_on=received_on,
                provider=provider,
                reference=reference[:100],
                idempotency_key=key,
                allocated_amount=allocated,
                ledger_entry=entry,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError as exc:
        # The same new key, at the same moment, for another member (whose lock we do
        # not hold): the unique key decides, and this call loses.
        raise IdempotencyConflict(
            _("This idempotency key was used for another payment; use a new key."),
            field="idempotency_key",
        ) from exc
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(payment=payment, due=due, amount=part) for due, part in plan
    )
    for due, part in settled_later:
        entry_post(
            idempotency_key=f"members.payment-settles:{key}:{due.pk}",
            date=due.due_date,
            memo=_("Advance from payment %(payment)s settles %(due)s")
            % {"payment": payment.pk, "due": due},
            lines=[Debit(PREPAID, part), Credit(RECEIVABLE, part)],
            source_type="members.allocation",
            source_id=due.pk,
            actor=actor,
        )
    for due, part in plan:
        due.paid_amount += part
        if due.paid_amount == due.amount:
            due.status = ContributionDue.Status.PAID
        due.save(update_fields=["paid_amount", "status"])
    member_event(
        member=locked,
        type=MemberEvent.Type.PAYMENT,
        actor=actor,
        new=str(value),
        data={"payment": payment.pk, "allocated": str(allocated), "advance": str(remaining)},
    )
    if (
        locked.status == Member.Status.SUSPENDED
        and not overdue_member_ids(today=today).filter(member_id=locked.pk).exists()
        and (locked.lapses_on is None or locked.lapses_on > today)
    ):
        member_reinstate(member=locked, actor=actor, reason=_("Arrears paid."))
    return payment
