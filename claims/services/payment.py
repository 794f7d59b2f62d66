"""Paying an approved claim once its public notice is settled, and telling the member."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ledger.chart import CASH, CLAIMS_PAID
from ledger.services import Credit, Debit, entry_post
from mutualsociety.common.display import format_money
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.money import ZERO
from mutualsociety.common.services import outbox_enqueue

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
    # The task module imports the services; the task is looked up when it is needed.
    from ..tasks import claim_notify_paid

    outbox_enqueue(task=claim_notify_paid, args=[claim.pk], key=f"claims.notify_paid:{claim.pk}")
    return payment


def claim_notify_member_paid(*, claim_id: int) -> bool:
    """E-mail the member that their claim was paid (outside any transaction)."""
    from django.core.mail import send_mail

    claim = Claim.objects.select_related("member").get(pk=claim_id)
    if not claim.member.email or claim.status != Claim.Status.PAID:
        return False
    send_mail(
        _("Your claim %(number)s was paid") % {"number": claim.number},
        _("We paid %(amount)s to your account ending %(last)s.")
        % {"amount": format_money(claim.paid_amount), "last": claim.bank_account_number[-4:]},
        None,
        [claim.member.email],
    )
    return True
