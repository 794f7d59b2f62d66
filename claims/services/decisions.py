"""The steps every decision on a claim is made of, whoever decides — the approver
(``handling``), a review panel or the staff deciding in its place (``panels``) — and the
payment (``payment``): who may act, the claim's lock and status move, four eyes, the
benefit left, text fit to publish, and the three outcomes (approve, reject, overturn).

The steps that change a claim take a claim the caller has locked (``claim_lock``) inside
its transaction, and change its status only through the tables of ``claims.transitions``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Coverage, Member, Plan
from mutualsociety.common.display import format_money
from mutualsociety.common.exceptions import FourEyesViolation, InvalidInput, NotAllowed
from mutualsociety.common.money import ZERO

from ..calculations import identifying_words
from ..events import claim_event
from ..models import Claim, ClaimEvent
from ..selectors import coverage_remaining
from ..transitions import CLAIM, NOTICE, PANEL_OVERTURN, claim_overturn_check
from .messages import claim_decision_notify
from .reserves import reserve_set


def permission_require(actor, perm: str) -> None:
    """Refuse anyone not signed in, or signed in without ``perm`` (``NotAllowed``)."""
    if not (actor is not None and getattr(actor, "is_authenticated", False)):
        raise NotAllowed(_("Sign in as claims staff to do this."))
    if not actor.has_perm(perm):
        raise NotAllowed(_("You do not have permission to do this."))


def claim_lock(claim: Claim | int) -> Claim:
    """The claim's row, locked for the caller's transaction, with what decisions read."""
    claim_id = claim.pk if isinstance(claim, Claim) else claim
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("coverage__plan_version", "plan", "member")
        .get(pk=claim_id)
    )


def claim_move(
    claim: Claim,
    new: str,
    *,
    actor,
    reason: str = "",
    type: str = "",  # noqa: A002 - the event's type
    data: dict[str, Any] | None = None,
    machine=CLAIM,
) -> ClaimEvent:
    """Move a locked claim to ``new`` through ``machine`` (the claim table unless a
    narrower or exceptional one is named), save it and record the event (its type is the
    new status unless ``type`` says otherwise). Returns the event."""
    old = machine.move(claim, new)
    claim.status_changed_at = timezone.now()
    claim.save(update_fields=["status", "status_changed_at"])
    return claim_event(
        claim=claim,
        type=type or new,
        actor=actor,
        old_value=old,
        new_value=new,
        reason=reason,
        data=data,
    )


def reason_require(reason: str, field: str = "reason") -> str:
    """The reason given, trimmed; refused when empty (on ``field``)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason."), field=field)
    return reason


def publishable(claim: Claim, text: str, *, field: str) -> str:
    """Refuse text to be published on the case page (investigation summary, panel and staff
    reasons) that names the claimant: their legal name, identity number or date of birth."""
    member = Member.objects.only("legal_name", "id_number", "date_of_birth").get(pk=claim.member_id)
    found = identifying_words(
        text,
        legal_name=member.legal_name,
        id_number=member.id_number,
        date_of_birth=member.date_of_birth,
    )
    if found:
        raise InvalidInput(
            _(
                "This text is published on the case page: remove the claimant's name, "
                "identity number and date of birth."
            ),
            field=field,
        )
    return text


def four_eyes_check(claim: Claim, actor) -> None:
    """Nobody decides a claim they assessed (internal-control practice: four eyes)."""
    if claim.assessed_by_id == actor.pk:
        raise FourEyesViolation(
            _("You assessed this claim; another person must decide it (four eyes).")
        )


def notice_required(claim: Claim) -> bool:
    """Mutual aid plans always put approved claims on notice; premium plans when set."""
    return (
        claim.plan.kind == Plan.Kind.MUTUAL_AID
        or claim.coverage.plan_version.public_notice_for_insurance
    )


def benefit_check(claim: Claim) -> None:
    """The amount must still fit the coverage's benefit at the decision and at payment:
    the coverage row is locked so that two claims on it are decided one after the other
    (each assessed alone could fit; together they may not)."""
    coverage = Coverage.objects.select_for_update().get(pk=claim.coverage_id)
    remaining = coverage_remaining(coverage, exclude=claim.pk)
    if (claim.assessed_amount or ZERO) > remaining:
        raise InvalidInput(
            _(
                "The assessed amount is over what is left of the benefit (%(remaining)s); "
                "send the claim back to be assessed again."
            )
            % {"remaining": format_money(remaining)},
            field="amount",
        )


def decision_approve(claim: Claim, *, actor, reason: str, on_notice: bool | None = None) -> None:
    """Approve a locked claim (the approver's second approval, or an appeal upheld by its
    panel): the benefit is checked again; the claim goes on public notice when its plan
    asks for it (``on_notice``: unless the caller says otherwise), or is cleared."""
    benefit_check(claim)
    today = timezone.localdate()
    claim.decided_by = actor if getattr(actor, "pk", None) else None
    claim.decided_at = timezone.now()
    if on_notice is None:
        on_notice = notice_required(claim)
    if on_notice:
        NOTICE.move(claim, Claim.Notice.ON_NOTICE)
        claim.notice_from = today
        claim.notice_until = today + dt.timedelta(
            days=claim.coverage.plan_version.public_notice_days
        )
    else:
        # A claim that was on notice (overturned, then its appeal upheld) stays a
        # published case: cleared, like one whose plan asks for notices.
        if notice_required(claim) or claim.notice_status != Claim.Notice.NONE:
            NOTICE.move(claim, Claim.Notice.CLEARED)
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
    event = claim_move(
        claim,
        Claim.Status.APPROVED,
        actor=actor,
        reason=reason,
        data={"amount": str(claim.assessed_amount)},
    )
    claim_decision_notify(claim, event)


def decision_reject(
    claim: Claim,
    *,
    actor,
    reasons: str,
    type: str = "",  # noqa: A002 - the event's type
    machine=CLAIM,
) -> None:
    """Reject a locked claim with reasons the member sees; the appeal window opens unless
    the claim was appealed already (the rules give one appeal: ``appeal_until`` then stays
    empty). ``machine``: the table that allows this rejection (the approver's, a panel's)."""
    claim.rejection_reasons = reasons
    claim.decided_by = actor if getattr(actor, "pk", None) else None
    claim.decided_at = timezone.now()
    # One appeal (claim_appeal): after it was decided no window opens again, so the
    # member is not told they "may appeal until" a date when they may not.
    appealed = claim.events.filter(type=ClaimEvent.Type.APPEALED).exists()
    claim.appeal_until = (
        None
        if appealed
        else timezone.localdate() + dt.timedelta(days=claim.coverage.plan_version.claim_appeal_days)
    )
    claim.save(update_fields=["rejection_reasons", "decided_by", "decided_at", "appeal_until"])
    event = claim_move(
        claim, Claim.Status.REJECTED, actor=actor, reason=reasons, type=type, machine=machine
    )
    claim_decision_notify(claim, event)
    reserve_set(claim=claim, amount=ZERO, actor=actor, reason=_("Rejected"))


def decision_overturn(claim: Claim, *, reasons: str) -> None:
    """A review panel overturns an approved claim during its notice (caller holds the
    lock): the notice is marked overturned and the claim rejected with the panel's
    reasons (the member may appeal once)."""
    claim_overturn_check(claim)
    NOTICE.move(claim, Claim.Notice.OVERTURNED)
    claim.save(update_fields=["notice_status"])
    decision_reject(
        claim,
        actor=None,
        reasons=reasons,
        type=ClaimEvent.Type.OVERTURNED,
        machine=PANEL_OVERTURN,
    )
