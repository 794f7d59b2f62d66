"""What members owe and pay: premiums due, payments, allocation, and their ledger entries.

Accounts (ledger chart): a due is Dr 1122 contributions receivable / Cr 6031 contribution
income; a payment is Dr 1002 cash at bank / Cr 1122 for the part that settles dues and
Cr 2203 contributions received in advance for the rest; that credit later settles new
dues with Dr 2203 / Cr 1122.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.services import Credit, Debit, entry_post
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput
from mutualsociety.common.money import ZERO, is_whole_cents, to_decimal

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

CASH = "1002"
RECEIVABLE = "1122"
PREPAID = "2203"
CONTRIBUTION_INCOME = "6031"


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
) -> tuple[ContributionDue, bool]:
    """Create one amount due, once per coverage, kind and period; post it; apply credit.

    Returns (due, created). A second call for the same period returns the first due.
    """
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
                grace_ends_on=due_date + dt.timedelta(days=grace),
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
    payments = (
        Payment.objects.select_for_update()
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
            date=timezone.localdate(),
            memo=_("Advance payment applied to %(due)s") % {"due": due},
            lines=[Debit(PREPAID, applied), Credit(RECEIVABLE, applied)],
            source_type="members.allocation",
            source_id=due.pk,
        )


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


def coverage_bill(*, coverage: Coverage | int, until: dt.date) -> list[ContributionDue]:
    """Create the premiums due for every period of a coverage starting on or before ``until``.

    Idempotent per coverage and period (the unique constraint and ``next_due_date``, read
    under a row lock). A term that ends renews when the plan version says so.
    """
    created: list[ContributionDue] = []
    with transaction.atomic():
        coverage_id = coverage.pk if isinstance(coverage, Coverage) else coverage
        coverage = (
            Coverage.objects.select_for_update()
            .select_related("plan", "plan_version", "member")
            .get(pk=coverage_id)
        )
        if (
            coverage.plan.kind != Plan.Kind.PREMIUM
            or coverage.status != Coverage.Status.IN_FORCE
            or not coverage.payment_frequency
            or not coverage.premium
        ):
            return created
        version = coverage.plan_version
        while coverage.next_due_date and coverage.next_due_date <= until:
            start = coverage.next_due_date
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
            )
            if was_created:
                created.append(due)
            coverage.next_due_date = end + dt.timedelta(days=1)
        coverage.save(update_fields=["next_due_date", "term_end"])
    return created


def premiums_bill(*, today: dt.date | None = None, horizon_days: int = 0) -> int:
    """Daily: bill every premium coverage whose next period starts within the horizon.

    The candidates are one indexed query; each coverage is billed in its own transaction,
    so a failure leaves the others billed and a rerun bills only what is missing.
    """
    today = today or timezone.localdate()
    until = today + dt.timedelta(days=horizon_days)
    ids = list(
        Coverage.objects.filter(
            plan__kind=Plan.Kind.PREMIUM,
            status=Coverage.Status.IN_FORCE,
            next_due_date__lte=until,
        ).values_list("pk", flat=True)
    )
    return sum(len(coverage_bill(coverage=coverage_id, until=until)) for coverage_id in ids)


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
    return value.quantize(Decimal("0.01"))


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
    A replay with the same key returns the first payment; the same key for a different
    member, amount or date raises ``IdempotencyConflict``. A member who was suspended is
    reinstated once nothing is overdue (PRC Insurance Law art. 37).
    """
    value = _clean_amount(amount)
    key = (idempotency_key or "").strip()
    if not key:
        raise InvalidInput(_("An idempotency key is required."), field="idempotency_key")
    if provider not in Payment.Provider.values:
        raise InvalidInput(_("Unknown payment provider."), field="provider")
    today = timezone.localdate()
    if not isinstance(received_on, dt.date) or received_on > today:
        raise InvalidInput(_("The date received cannot be in the future."), field="received_on")
    member_id = member.pk if isinstance(member, Member) else member
    # Lock the member first: payments of one member are serialised, and a concurrent
    # replay of the same key sees the first one once it has the lock.
    locked = Member.objects.select_for_update().filter(pk=member_id).first()
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

    lines = [Debit(CASH, value)]
    if allocated:
        lines.append(Credit(RECEIVABLE, allocated))
    if remaining:
        lines.append(Credit(PREPAID, remaining))
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
