"""Handling a claim: one service per transition of ``claims.transitions.CLAIM`` made by
claims staff (review, request information, assess, send back, approve, reject) or by the
member (answer a request, withdraw, appeal). Payment: ``services.payment``.

Each locks the claim, checks the transition and the domain rules, saves with
``update_fields`` and appends a ``ClaimEvent`` (who, when, why); the shared steps are in
``services.decisions``. Four eyes (internal control practice; docs/defaults.md: "amount
above which a second approver decides"): the person who assessed a claim never decides it,
and above the plan's threshold two different people approve it.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from members.models import Member
from mutualsociety.common.display import format_date, format_money
from mutualsociety.common.exceptions import (
    FourEyesViolation,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
)
from mutualsociety.common.money import ZERO, is_whole_cents, to_decimal
from mutualsociety.common.services import amount_ceiling_check

from ..events import claim_event
from ..models import Claim, ClaimEvent, ReviewPanel
from ..selectors import coverage_remaining
from ..transitions import CLAIM, STAFF_APPROVAL, STAFF_REJECTION, WITHDRAWAL
from .decisions import (
    claim_lock,
    claim_move,
    decision_approve,
    decision_reject,
    four_eyes_check,
    notice_required,
    permission_require,
    publishable,
    reason_require,
)
from .draw import panel_draw
from .messages import claim_decision_notify
from .payment import claim_notify_member_paid, claim_pay
from .reserves import reserve_set


@transaction.atomic
def claim_review_start(*, claim: Claim | int, actor, reason: str = "") -> Claim:
    """A handler takes a submitted claim (or one whose information arrived) into review."""
    permission_require(actor, "claims.assess_claim")
    claim = claim_lock(claim)
    claim_move(claim, Claim.Status.UNDER_REVIEW, actor=actor, reason=reason)
    return claim


@transaction.atomic
def claim_info_request(*, claim: Claim | int, actor, reason: str) -> Claim:
    """Ask the member for information; the reason is shown to them."""
    permission_require(actor, "claims.assess_claim")
    reason = reason_require(reason)
    claim = claim_lock(claim)
    event = claim_move(claim, Claim.Status.INFO_REQUESTED, actor=actor, reason=reason)
    claim_decision_notify(claim, event)
    return claim


@transaction.atomic
def claim_info_provide(*, claim: Claim | int, member: Member, reason: str) -> Claim:
    """The member answers a request for information; the claim goes back to review."""
    claim = claim_lock(claim)
    if claim.member_id != member.pk:
        raise NotAllowed(_("This is not your claim."))
    claim_move(
        claim,
        Claim.Status.UNDER_REVIEW,
        actor=member.user,
        reason=reason_require(reason),
        type=ClaimEvent.Type.INFO_PROVIDED,
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
    permission_require(actor, "claims.assess_claim")
    claim = claim_lock(claim)
    CLAIM.check(claim.status, Claim.Status.ASSESSED)
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
            % {"remaining": format_money(remaining)},
            field="amount",
        )
    claim.assessed_amount = value
    claim.assessment_reasons = reason_require(reasons, "reasons")
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
    claim_move(
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
    permission_require(actor, "claims.change_claim")
    claim = claim_lock(claim)
    claim_move(
        claim,
        Claim.Status.UNDER_REVIEW,
        actor=actor,
        reason=reason_require(reason),
        type=ClaimEvent.Type.SENT_BACK,
    )
    return claim


@transaction.atomic
def claim_approve(*, claim: Claim | int, actor, reason: str = "") -> Claim:
    """Approve an assessed claim: never by its assessor; above the plan's threshold a
    first approval is recorded and a second, different person completes it. The approved
    claim goes on public notice when its plan asks for it, otherwise it is cleared. A
    claim assessed at 0.00 (before ``claim_assess`` refused it) is not approved: it is
    rejected with reasons, or sent back."""
    permission_require(actor, "claims.decide_claim")
    claim = claim_lock(claim)
    STAFF_APPROVAL.check(claim.status, Claim.Status.APPROVED)
    four_eyes_check(claim, actor)
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
                type=ClaimEvent.Type.FIRST_APPROVAL,
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
    decision_approve(claim, actor=actor, reason=reason)
    return claim


@transaction.atomic
def claim_reject(*, claim: Claim | int, actor, reasons: str) -> Claim:
    """Reject an assessed claim with reasons the member sees; opens the appeal window.
    Four eyes: not by the assessor. Only an assessed claim (``STAFF_REJECTION``): an
    approval is undone only by a review panel, an appeal only by its panel."""
    permission_require(actor, "claims.decide_claim")
    claim = claim_lock(claim)
    STAFF_REJECTION.check(claim.status, Claim.Status.REJECTED)
    four_eyes_check(claim, actor)
    decision_reject(
        claim, actor=actor, reasons=reason_require(reasons, "reasons"), machine=STAFF_REJECTION
    )
    return claim


@transaction.atomic
def claim_withdraw(*, claim: Claim | int, member: Member, reason: str = "") -> Claim:
    """The member withdraws their own claim before a decision (``WITHDRAWAL``)."""
    claim = claim_lock(claim)
    if claim.member_id != member.pk:
        raise NotAllowed(_("This is not your claim."))
    claim_move(claim, Claim.Status.WITHDRAWN, actor=member.user, reason=reason, machine=WITHDRAWAL)
    reserve_set(claim=claim, amount=ZERO, actor=member.user, reason=pgettext("claim", "Withdrawn"))
    return claim


@transaction.atomic
def claim_appeal(*, claim: Claim | int, member: Member, reason: str) -> Claim:
    """The member appeals a rejection within the appeal window (once); a review panel of
    members is drawn to decide it."""
    claim = claim_lock(claim)
    if claim.member_id != member.pk:
        raise NotAllowed(_("This is not your claim."))
    CLAIM.check(claim.status, Claim.Status.APPEALED)
    if claim.events.filter(type=ClaimEvent.Type.APPEALED).exists():
        raise TransitionNotAllowed(_("This claim was appealed once already."))
    if claim.appeal_until and timezone.localdate() > claim.appeal_until:
        raise InvalidInput(
            _("The appeal window closed on %(date)s.") % {"date": format_date(claim.appeal_until)},
            field="reason",
        )
    claim_move(claim, Claim.Status.APPEALED, actor=member.user, reason=reason_require(reason))
    panel_draw(claim=claim, trigger=ReviewPanel.Trigger.APPEAL)
    return claim


__all__ = [
    "FourEyesViolation",
    "claim_appeal",
    "claim_approve",
    "claim_assess",
    "claim_info_provide",
    "claim_info_request",
    "claim_notify_member_paid",
    "claim_pay",
    "claim_reject",
    "claim_review_start",
    "claim_send_back",
    "claim_withdraw",
    "notice_required",
]
