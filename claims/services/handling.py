"""Handling a claim: one service per transition of ``claims.transitions``.

Each locks the claim, checks the transition and the domain rules, saves with
``update_fields`` and appends a ``ClaimEvent`` (who, when, why). Four eyes (internal
control practice; docs/defaults.md: "amount above which a second approver decides"): the person
who assessed a claim never decides it, and above the plan's threshold two different people
approve it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.chart import CASH, CLAIMS_PAID
from ledger.services import Credit, Debit, entry_post
from members.models import Member, Plan
from mutualsociety.common.exceptions import (
    FourEyesViolation,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
)
from mutualsociety.common.money import ZERO, is_whole_cents, to_decimal
from mutualsociety.common.services import amount_ceiling_check, outbox_enqueue

from ..models import Claim, ClaimPayment
from ..transitions import UNDECIDED, claim_overturn_check, claim_transition_check
from .intake import claim_event, coverage_remaining, publishable, reserve_set


def _require(actor, perm: str) -> None:
    if not (actor is not None and getattr(actor, "is_authenticated", False)):
        raise NotAllowed(_("Sign in as claims staff to do this."))
    if not actor.has_perm(perm):
        raise NotAllowed(_("You do not have permission to do this."))


def _lock(claim: Claim | int) -> Claim:
    claim_id = claim.pk if isinstance(claim, Claim) else claim
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("coverage__plan_version", "plan", "member")
        .get(pk=claim_id)
    )


def _move(
    claim: Claim,
    new: str,
    *,
    actor,
    reason: str = "",
    type: str = "",  # noqa: A002
    data=None,
    checked: bool = False,
):
    """``checked``: the caller already checked a move the table does not list."""
    old = claim.status
    if not checked:
        claim_transition_check(old, new)
    claim.status = new
    claim.status_changed_at = timezone.now()
    claim.save(update_fields=["status", "status_changed_at"])
    claim_event(
        claim=claim, type=type or new, actor=actor, old=old, new=new, reason=reason, data=data
    )


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason."), field=field)
    return reason


def notice_required(claim: Claim) -> bool:
    """Mutual aid plans always put approved claims on notice; premium plans when set."""
    return (
        claim.plan.kind == Plan.Kind.MUTUAL_AID
        or claim.coverage.plan_version.public_notice_for_insurance
    )


@transaction.atomic
def claim_review_start(*, claim: Claim | int, actor, reason: str = "") -> Claim:
    """A handler takes a submitted claim (or one whose information arrived) into review."""
    _require(actor, "claims.assess_claim")
    claim = _lock(claim)
    _move(claim, Claim.Status.UNDER_REVIEW, actor=actor, reason=reason)
    return claim


@transaction.atomic
def claim_info_request(*, claim: Claim | int, actor, reason: str) -> Claim:
    """Ask the member for information; the reason is shown to them."""
    _require(actor, "claims.assess_claim")
    reason = _reason(reason)
    claim = _lock(claim)
    _move(claim, Claim.Status.INFO_REQUESTED, actor=actor, reason=reason)
    return claim


@transaction.atomic
def claim_info_provide(*, claim: Claim | int, member: Member, reason: str) -> Claim:
    """The member answers a request for information; the claim goes back to review."""
    claim = _lock(claim)
    if claim.member_id != member.pk:
        raise NotAllowed(_("This is not your claim."))
    _move(
        claim,
        Claim.Status.UNDER_REVIEW,
        actor=member.user,
        reason=_reason(reason),
        type="info_provided",
    )
    return claim


@transaction.atomic
def claim_assess(
    *,
    claim: Claim | int,
    actor,
    amount: Decimal | str,
    reasons: str,
    investigation_summary: str = "",
) -> Claim:
    """Set the amount to pay and the reasons; the case reserve follows the assessment.

    The amount is more than zero: a claim approved at 0.00 could be neither paid, sent
    back nor appealed — a rejection without reasons or appeal. When nothing is payable the
    claim is rejected with reasons (``claim_reject``, by the approver: the member sees
    why and may appeal), and the handler says so in the assessment's reasons. The amount
    is at most the society's largest single amount (``amount_ceiling_check``) and what is
    left of the coverage's benefit. The summary is published on the public notice, so it
    must not name the member.
    """
    _require(actor, "claims.assess_claim")
    claim = _lock(claim)
    claim_transition_check(claim.status, Claim.Status.ASSESSED)
    try:
        value = to_decimal(amount)
        if not value.is_finite() or value < 0 or not is_whole_cents(value):
            raise ValueError
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            _("Enter the assessed amount in yuan, e.g. 50000.00."), field="amount"
        ) from exc
    if value == 0:
        raise InvalidInput(
            _(
                "The assessed amount must be more than zero: a claim approved at 0.00 can be "
                "neither paid nor appealed. If nothing is payable, the claim is to be "
                "rejected with reasons: assess what the claim would pay and recommend "
                "rejection in the reasons; the approver rejects it, and the member sees why "
                "and may appeal."
            ),
            field="amount",
        )
    amount_ceiling_check(value, field="amount")
    remaining = coverage_remaining(claim.coverage, exclude=claim.pk)
    if value > remaining:
        raise InvalidInput(
            _("The amount is over what is left of the benefit (%(remaining)s).")
            % {"remaining": remaining},
            field="amount",
        )
    claim.assessed_amount = value
    claim.assessment_reasons = _reason(reasons, "reasons")
    claim.investigation_summary = publishable(
        claim, (investigation_summary or "").strip(), field="investigation_summary"
    )
    claim.assessed_by = actor
    claim.first_approved_by = None
    claim.save(
        update_fields=[
            "assessed_amount",
            "assessment_reasons",
            "investigation_summary",
            "assessed_by",
            "first_approved_by",
        ]
    )
    _move(
        claim,
        Claim.Status.ASSESSED,
        actor=actor,
        reason=claim.assessment_reasons,
        data={"amount": str(value)},
    )
    reserve_set(claim=claim, amount=value, actor=actor, reason=_("Assessed"))
    return claim


@transaction.atomic
def claim_send_back(*, claim: Claim | int, actor, reason: str) -> Claim:
    """Return an assessed claim to review (the assessment is to be redone)."""
    _require(actor, "claims.change_claim")
    claim = _lock(claim)
    _move(claim, Claim.Status.UNDER_REVIEW, actor=actor, reason=_reason(reason), type="sent_back")
    return claim


def _four_eyes(claim: Claim, actor) -> None:
    if claim.assessed_by_id == actor.pk:
        raise FourEyesViolation(
            _("You assessed this claim; another person must decide it (four eyes).")
        )


@transaction.atomic
def claim_approve(*, claim: Claim | int, actor, reason: str = "") -> Claim:
    """Approve an assessed claim: never by its assessor; above the plan's threshold a
    first approval is recorded and a second, different person completes it. The approved
    claim goes on public notice when its plan asks for it, otherwise it is cleared. A
    claim assessed at 0.00 (before ``claim_assess`` refused it) is not approved: it is
    rejected with reasons, or sent back."""
    _require(actor, "claims.decide_claim")
    claim = _lock(claim)
    claim_transition_check(claim.status, Claim.Status.APPROVED)
    _four_eyes(claim, actor)
    if not claim.assessed_amount:
        # Assessed at 0.00 before such assessments were refused: approving it would leave
        # a claim that can be neither paid nor appealed.
        raise InvalidInput(
            _(
                "This claim was assessed at 0.00 and cannot be approved: reject it with "
                "reasons the member sees (the member may appeal), or send it back to be "
                "assessed again."
            ),
            field="amount",
        )
    version = claim.coverage.plan_version
    if claim.assessed_amount > version.claim_approval_threshold:
        if claim.first_approved_by_id is None:
            claim.first_approved_by = actor
            claim.save(update_fields=["first_approved_by"])
            claim_event(
                claim=claim,
                type="first_approval",
                actor=actor,
                reason=reason,
                data={"threshold": str(version.claim_approval_threshold)},
            )
            return claim
        if claim.first_approved_by_id == actor.pk:
            raise FourEyesViolation(
                _("Above %(threshold)s a second person must approve; you gave the first approval.")
                % {"threshold": version.claim_approval_threshold}
            )
    _approve(claim, actor=actor, reason=reason)
    return claim


def _benefit_check(claim: Claim) -> None:
    """The amount must still fit the coverage's benefit at the decision and at payment:
    the coverage row is locked so that two claims on it are decided one after the other
    (each assessed alone could fit; together they may not)."""
    from members.models import Coverage

    coverage = Coverage.objects.select_for_update().get(pk=claim.coverage_id)
    remaining = coverage_remaining(coverage, exclude=claim.pk)
    if (claim.assessed_amount or ZERO) > remaining:
        raise InvalidInput(
            _(
                "The assessed amount is over what is left of the benefit (%(remaining)s); "
                "send the claim back to be assessed again."
            )
            % {"remaining": remaining},
            field="amount",
        )


def _approve(claim: Claim, *, actor, reason: str, on_notice: bool | None = None) -> None:
    _benefit_check(claim)
    today = timezone.localdate()
    claim.decided_by = actor if getattr(actor, "pk", None) else None
    claim.decided_at = timezone.now()
    if on_notice is None:
        on_notice = notice_required(claim)
    if on_notice:
        claim.notice_status = Claim.Notice.ON_NOTICE
        claim.notice_from = today
        claim.notice_until = today + _days(claim.coverage.plan_version.public_notice_days)
    else:
        claim.notice_status = Claim.Notice.CLEARED if notice_required(claim) else Claim.Notice.NONE
        claim.cleared_on = today
    claim.save(
        update_fields=[
            "decided_by",
            "decided_at",
            "notice_status",
            "notice_from",
            "notice_until",
            "cleared_on",
        ]
    )
    _move(
        claim,
        Claim.Status.APPROVED,
        actor=actor,
        reason=reason,
        data={"amount": str(claim.assessed_amount)},
    )


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@transaction.atomic
def claim_reject(*, claim: Claim | int, actor, reasons: str) -> Claim:
    """Reject an assessed claim with reasons the member sees; opens the appeal window.
    Four eyes: not by the assessor. Only an assessed claim: an approval is undone only by a
    review panel (``_overturn``), an appeal only by its panel."""
    _require(actor, "claims.decide_claim")
    claim = _lock(claim)
    if claim.status != Claim.Status.ASSESSED:
        raise TransitionNotAllowed(
            _("Only an assessed claim can be rejected; this one is %(status)s.")
            % {"status": Claim.Status(claim.status).label}
        )
    _four_eyes(claim, actor)
    _reject(claim, actor=actor, reasons=_reason(reasons, "reasons"))
    return claim


def _overturn(claim: Claim, *, reasons: str) -> None:
    """A review panel overturns an approved claim during its notice (caller holds the lock)."""
    claim_overturn_check(claim)
    claim.notice_status = Claim.Notice.OVERTURNED
    claim.save(update_fields=["notice_status"])
    _reject(claim, actor=None, reasons=reasons, type="overturned", checked=True)


def _reject(
    claim: Claim,
    *,
    actor,
    reasons: str,
    type: str = "",  # noqa: A002
    checked: bool = False,
) -> None:
    """Reject with reasons the member sees; the appeal window opens unless the claim was
    appealed already (the rules give one appeal: ``appeal_until`` then stays empty)."""
    claim.rejection_reasons = reasons
    claim.decided_by = actor if getattr(actor, "pk", None) else None
    claim.decided_at = timezone.now()
    # One appeal (claim_appeal): after it was decided no window opens again, so the
    # member is not told they "may appeal until" a date when they may not.
    appealed = claim.events.filter(type=Claim.Status.APPEALED).exists()
    claim.appeal_until = (
        None
        if appealed
        else timezone.localdate() + _days(claim.coverage.plan_version.claim_appeal_days)
    )
    claim.save(update_fields=["rejection_reasons", "decided_by", "decided_at", "appeal_until"])
    _move(claim, Claim.Status.REJECTED, actor=actor, reason=reasons, type=type, checked=checked)
    reserve_set(claim=claim, amount=ZERO, actor=actor, reason=_("Rejected"))


@transaction.atomic
def claim_withdraw(*, claim: Claim | int, member: Member, reason: str = "") -> Claim:
    """The member withdraws their own claim before a decision."""
    claim = _lock(claim)
    if claim.member_id != member.pk:
        raise NotAllowed(_("This is not your claim."))
    if claim.status not in UNDECIDED:
        raise TransitionNotAllowed(_("A claim can only be withdrawn before it is decided."))
    _move(claim, Claim.Status.WITHDRAWN, actor=member.user, reason=reason)
    reserve_set(claim=claim, amount=ZERO, actor=member.user, reason=_("Withdrawn"))
    return claim


@transaction.atomic
def claim_appeal(*, claim: Claim | int, member: Member, reason: str) -> Claim:
    """The member appeals a rejection within the appeal window (once); a review panel of
    members is drawn to decide it."""
    from .notice import panel_draw

    claim = _lock(claim)
    if claim.member_id != member.pk:
        raise NotAllowed(_("This is not your claim."))
    claim_transition_check(claim.status, Claim.Status.APPEALED)
    if claim.events.filter(type=Claim.Status.APPEALED).exists():
        raise TransitionNotAllowed(_("This claim was appealed once already."))
    if claim.appeal_until and timezone.localdate() > claim.appeal_until:
        raise InvalidInput(
            _("The appeal window closed on %(date)s.") % {"date": claim.appeal_until.isoformat()},
            field="reason",
        )
    _move(claim, Claim.Status.APPEALED, actor=member.user, reason=_reason(reason))
    panel_draw(claim=claim, trigger="appeal")
    return claim


@transaction.atomic
def claim_pay(*, claim: Claim | int, actor, paid_on=None) -> ClaimPayment:
    """Pay an approved claim once its public notice is cleared: one ledger entry
    (Dr 6511 claims paid / Cr 1002 bank) under the key ``claims.payment:<id>``; the claim
    becomes paid and the member is told after commit. Paying again returns the payment."""
    _require(actor, "claims.pay_claim")
    claim = _lock(claim)
    existing = claim.payments.first()
    if existing is not None and claim.status == Claim.Status.PAID:
        return existing
    claim_transition_check(claim.status, Claim.Status.PAID)
    if claim.notice_status in (Claim.Notice.ON_NOTICE, Claim.Notice.UNDER_REVIEW):
        raise TransitionNotAllowed(
            _("The claim is still on public notice or before a review panel; pay it once cleared.")
        )
    amount = claim.assessed_amount or ZERO
    if amount <= 0:
        raise InvalidInput(_("There is nothing to pay on this claim."), field="amount")
    _benefit_check(claim)
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
    _move(claim, Claim.Status.PAID, actor=actor, data={"entry": entry.pk, "amount": str(amount)})
    reserve_set(claim=claim, amount=ZERO, actor=actor, reason=_("Paid"))
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
        % {"amount": claim.paid_amount, "last": claim.bank_account_number[-4:]},
        None,
        [claim.member.email],
    )
    return True
