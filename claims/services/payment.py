"""Paying an approved claim once its public notice is settled, and telling the member."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ledger.chart import CASH, CLAIMS_PAID
from ledger.services import Credit, Debit, entry_post
from members.models import Topic
from members.services.delivery import notification_email_send
from members.services.notifications import member_notify
from mutualsociety.common.display import format_money
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.money import ZERO

from ..models import Claim, ClaimPayment
from ..transitions import CLAIM, claim_payable_check
from .decisions import benefit_check, claim_lock, claim_move, permission_require
from .reserves import reserve_set


@transaction.atomic
def claim_pay(*, claim: Claim | int, actor, paid_on: dt.date | None = None) -> ClaimPayment:
    """Pay an approved claim once its public notice is cleared: one ledger entry
    (Dr 6511 claims paid / Cr 1002 bank) under the key ``claims.payment:<id>``; the claim
    becomes paid and the member is told after commit. Paying again returns the payment."""
    permission_require(actor, "claims.pay_claim")
    claim = claim_lock(claim)
    existing = claim.payments.first()
    if existing is not None and claim.status == Claim.Status.PAID:
        return existing
    CLAIM.check(claim.status, Claim.Status.PAID)
    claim_payable_check(claim)
    amount = claim.assessed_amount or ZERO
    if amount <= 0:
        raise InvalidInput(_("There is nothing to pay on this claim."), field="amount")
    benefit_check(claim)
    paid_on = paid_on or timezone.localdate()
    key = f"claims.payment:{claim.pk}"
    entry = entry_post(
        idempotency_key=key,
        date=paid_on,
        memo=_("Claim %(number)s paid") % {"number": claim.number},
        lines=[Debit(CLAIMS_PAID, amount), Credit(CASH, amount)],
        source_type="claims.payment",
        source_id=claim.pk,
        actor=actor,
    )
    payment = ClaimPayment.objects.create(
        claim=claim,
        amount=amount,
        paid_on=paid_on,
        idempotency_key=key,
        ledger_entry=entry,
        actor=actor,
    )
    claim.paid_amount = amount
    claim.paid_at = timezone.now()
    claim.days_to_payment = (claim.paid_at - claim.submitted_at).days
    claim.save(update_fields=["paid_amount", "paid_at", "days_to_payment"])
    claim_move(
        claim, Claim.Status.PAID, actor=actor, data={"entry": entry.pk, "amount": str(amount)}
    )
    reserve_set(claim=claim, amount=ZERO, actor=actor, reason=pgettext("claim", "Paid"))
    claim_paid_notify(claim)
    return payment


def claim_paid_notify(claim: Claim):
    """Tell the member their claim was paid (in the caller's transaction): in their
    notification centre, by e-mail after the commit unless they turned claims e-mail off.
    Once per claim (the key)."""
    return member_notify(
        member=claim.member,
        topic=Topic.CLAIMS,
        key=f"claims.paid:{claim.pk}",
        template="claims/email/paid",
        context={
            "claim": claim,
            "amount": format_money(claim.paid_amount),
            "last": claim.bank_account_number[-4:],
        },
        link=reverse("claims:detail", args=[claim.pk]),
    )


def claim_notify_member_paid(*, claim_id: int) -> bool:
    """E-mail the member that their claim was paid now, if that is still waiting
    (outside any transaction): the task queued by payments made before the notification
    centre, which now queues the notification's own e-mail."""
    claim = Claim.objects.select_related("member").get(pk=claim_id)
    if claim.status != Claim.Status.PAID:
        return False
    with transaction.atomic():
        notification = claim_paid_notify(claim)
    return notification_email_send(notification_id=notification.pk)
