"""Money received from members: one payment per idempotency key, settling what is due.

Accounts (``ledger.chart``): a payment is Dr CASH (1002 cash at bank) / Cr RECEIVABLE
(1122) for the part that settles dues already due on the day received and Cr PREPAID
(2203 contributions received in advance) for the rest; the part held for a due not yet
due settles it on its due date (Dr 2203 / Cr 1122). A payment takes the member's lock
first (the order in ``locks``), so a premium billed at the same moment is either settled
by it or settled later from its advance (``dues``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.chart import CASH, PREPAID, RECEIVABLE
from ledger.services import Credit, Debit, entry_post
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput
from mutualsociety.common.money import ZERO, is_whole_cents, quantize_money, to_decimal
from mutualsociety.common.services import amount_ceiling_check, date_window_check

from ..events import member_event
from ..models import ContributionDue, Member, MemberEvent, Payment, PaymentAllocation
from ..selectors import overdue_member_ids
from ..transitions import DUE
from .lifecycle import member_reinstate


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
    if provider not in Payment.RECORDED_PROVIDERS:
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
            % {"payment": payment.pk, "due": due.memo_label},
            lines=[Debit(PREPAID, part), Credit(RECEIVABLE, part)],
            source_type="members.allocation",
            source_id=due.pk,
            actor=actor,
        )
    for due, part in plan:
        due.paid_amount += part
        if due.paid_amount == due.amount:
            DUE.move(due, ContributionDue.Status.PAID)
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


def credits_insert(
    *,
    rows_sql: str,
    params: list,
    received_on: dt.date,
    key_prefix: str,
    reference: str,
    ledger_entry_id: int,
) -> int:
    """Credit members set-based, each an amount held for them as money paid in advance
    (a ``Payment`` of provider ``surplus``, nothing allocated): the later dues consume it
    as they consume any advance (``dues``). ``rows_sql`` selects ``(member_id, cents)``
    with ``params``; one ``INSERT ... SELECT`` writes every credit, its idempotency key
    ``<key_prefix><member id>`` (unique: a second insert of the same credits fails as a
    whole). The caller posts the one balanced entry (Cr 2203) they hang on, in the same
    transaction, and settles open dues from them (``dues_settle_from_advance``)."""
    ops = connection.ops
    sql = (
        "INSERT INTO members_payment (member_id, amount, received_on, provider, reference, "  # noqa: S608 - constant SQL; values are parameters
        "idempotency_key, allocated_amount, ledger_entry_id, recorded_by_id, created_at) "
        "SELECT c.member_id, c.cents / 100.0, %s, %s, %s, "
        "%s || CAST(c.member_id AS VARCHAR(20)), 0, %s, NULL, %s "
        f"FROM ({rows_sql}) c WHERE c.cents > 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                ops.adapt_datefield_value(received_on),
                Payment.Provider.SURPLUS.value,
                reference[:100],
                key_prefix,
                ledger_entry_id,
                ops.adapt_datetimefield_value(timezone.now()),
                *params,
            ],
        )
        return int(cursor.rowcount)
