"""Review panels deciding a disputed claim: a drawn member's vote, the tally (a majority
of the votes cast once a quorum voted; without one the next members are drawn), what the
decision does to the claim, the daily closing of panels whose window ended, and claims
staff deciding in the place of a panel that has nobody left to draw (mutual aid practice:
disputed cases are judged by members; the outcome and reasons are published).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.exceptions import (
    DomainError,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
)

from ..calculations import panel_outcome
from ..events import claim_event
from ..models import Claim, ClaimEvent, PanelSeat, ReviewPanel
from ..transitions import NOTICE, PANEL, SEAT, panel_open_for_votes
from .decisions import (
    claim_lock,
    decision_approve,
    decision_overturn,
    decision_reject,
    permission_require,
    publishable,
)
from .draw import panel_draw

logger = logging.getLogger(__name__)


@transaction.atomic
def panel_vote(
    *, panel: ReviewPanel | int, member: Member, vote: str, reason: str = ""
) -> PanelSeat:
    """A drawn member votes once, within the window; the panel is tallied when all voted."""
    panel_id = panel.pk if isinstance(panel, ReviewPanel) else panel
    panel = ReviewPanel.objects.select_for_update().get(pk=panel_id)
    seat = PanelSeat.objects.filter(panel=panel, member=member).first()
    if seat is None:
        raise NotAllowed(_("You are not a member of this review panel."))
    if vote not in ReviewPanel.Outcome.values:
        raise InvalidInput(_("Choose uphold or overturn."), field="vote")
    if not panel_open_for_votes(panel, timezone.localdate()):
        raise TransitionNotAllowed(_("Voting on this panel has closed."))
    if not SEAT.allowed(seat.vote, vote):
        raise InvalidInput(str(SEAT.message), field="vote")
    SEAT.move(seat, vote)
    seat.reason = publishable(panel.claim, (reason or "").strip()[:2000], field="reason")
    seat.voted_at = timezone.now()
    seat.save(update_fields=["vote", "reason", "voted_at"])
    if not panel.seats.filter(vote=PanelSeat.Vote.NONE).exists():
        panel_tally(panel=panel)
    return seat


@transaction.atomic
def panel_tally(*, panel: ReviewPanel | int, today: dt.date | None = None) -> ReviewPanel:
    """Decide a panel: the majority of votes cast when at least the quorum voted; without
    a quorum once the window closed, draw the next members with the same seed."""
    today = today or timezone.localdate()
    panel_id = panel.pk if isinstance(panel, ReviewPanel) else panel
    panel = ReviewPanel.objects.select_for_update().get(pk=panel_id)
    if not PANEL.allowed(panel.status, ReviewPanel.Status.DECIDED):
        return panel  # decided already (a replay), or awaiting a staff decision
    votes = list(panel.seats.exclude(vote=PanelSeat.Vote.NONE).values_list("vote", "reason"))
    uphold = sum(1 for vote, _r in votes if vote == ReviewPanel.Outcome.UPHOLD)
    overturn = len(votes) - uphold
    all_voted = len(votes) == panel.size
    if not all_voted and today <= panel.vote_until:
        return panel  # still voting
    outcome = panel_outcome(uphold, overturn, panel.quorum)
    if outcome is None:
        PANEL.move(panel, ReviewPanel.Status.NO_QUORUM)
        panel.uphold_votes, panel.overturn_votes = uphold, overturn
        panel.decided_at = timezone.now()
        panel.save(update_fields=["status", "uphold_votes", "overturn_votes", "decided_at"])
        claim = claim_lock(panel.claim_id)
        panel_draw(
            claim=claim, trigger=panel.trigger, round=panel.round + 1, today=today, previous=panel
        )
        return panel
    claim = claim_lock(panel.claim_id)
    given = [r for _v, r in votes if r]
    summary = _(
        "%(voted)d of %(size)d drawn members voted: %(uphold)d to uphold, %(overturn)d to "
        "overturn. The decision is %(outcome)s."
    ) % {
        "voted": len(votes),
        "size": panel.size,
        "uphold": uphold,
        "overturn": overturn,
        "outcome": ReviewPanel.Outcome(outcome).label.lower(),
    }
    panel.reasons = "\n".join([summary, *given])
    PANEL.move(panel, ReviewPanel.Status.DECIDED)
    panel.outcome = outcome
    panel.uphold_votes, panel.overturn_votes = uphold, overturn
    panel.decided_at = timezone.now()
    panel.save(
        update_fields=[
            "reasons",
            "status",
            "outcome",
            "uphold_votes",
            "overturn_votes",
            "decided_at",
        ]
    )
    _panel_effect(panel, claim, outcome, summary, today)
    return panel


def _panel_effect(
    panel: ReviewPanel, claim: Claim, outcome: str, summary: str, today: dt.date
) -> None:
    """What a decided panel (or the staff deciding in its place) does to the locked claim:
    objections upheld clear the notice, overturned reject the claim; an appeal upheld
    approves it (cleared at once), dismissed leaves it rejected."""
    if panel.trigger == ReviewPanel.Trigger.OBJECTIONS:
        if outcome == ReviewPanel.Outcome.UPHOLD:
            NOTICE.move(claim, Claim.Notice.CLEARED)
            claim.cleared_on = today
            claim.save(update_fields=["notice_status", "cleared_on"])
            claim_event(claim=claim, type=ClaimEvent.Type.CLEARED, reason=summary)
        else:
            decision_overturn(claim, reasons=panel.reasons)
    else:  # an appeal of a rejection
        if outcome == ReviewPanel.Outcome.OVERTURN:
            decision_approve(claim, actor=None, reason=panel.reasons, on_notice=False)
        else:
            decision_reject(
                claim,
                actor=None,
                reasons=panel.reasons,
                type=ClaimEvent.Type.APPEAL_DISMISSED,
            )


def panels_close_due(*, today: dt.date | None = None) -> int:
    """Daily: tally every panel whose voting window has closed, each on its own. A panel
    whose tally is refused is recorded (an event on its claim, and the log) and the others
    still close. Returns how many were tallied."""
    today = today or timezone.localdate()
    due = ReviewPanel.objects.filter(status=ReviewPanel.Status.VOTING, vote_until__lt=today)
    closed = 0
    for panel_id, claim_id in due.values_list("pk", "claim_id"):
        try:
            panel_tally(panel=panel_id, today=today)
        except DomainError as exc:
            logger.warning("Review panel %s could not be closed: %s", panel_id, exc)
            claim_event(
                claim=Claim.objects.get(pk=claim_id),
                type=ClaimEvent.Type.PANEL_CLOSE_REFUSED,
                reason=exc.message,
                data={"panel": panel_id},
            )
        else:
            closed += 1
    return closed


@transaction.atomic
def panel_staff_decide(
    *, panel: ReviewPanel | int, actor, outcome: str, reasons: str, today: dt.date | None = None
) -> ReviewPanel:
    """The fallback when no members are left to draw: a person with
    ``claims.decide_claim`` who neither assessed nor decided the claim decides in the
    panel's place, with reasons that are published on the case page like a panel's."""
    permission_require(actor, "claims.decide_claim")
    today = today or timezone.localdate()
    panel_id = panel.pk if isinstance(panel, ReviewPanel) else panel
    panel = ReviewPanel.objects.select_for_update().get(pk=panel_id)
    if not PANEL.allowed(panel.status, ReviewPanel.Status.STAFF_DECIDED):
        raise TransitionNotAllowed(_("Only a panel with no members left is decided by staff."))
    if outcome not in ReviewPanel.Outcome.values:
        raise InvalidInput(_("Choose uphold or overturn."), field="outcome")
    reasons = (reasons or "").strip()
    if not reasons:
        raise InvalidInput(_("Give the reasons; they are published."), field="reasons")
    claim = claim_lock(panel.claim_id)
    publishable(claim, reasons, field="reasons")
    if actor.pk in (claim.assessed_by_id, claim.first_approved_by_id, claim.decided_by_id):
        raise NotAllowed(
            _("You assessed or decided this claim; another person must decide the review.")
        )
    summary = _("No eligible members were left to draw; claims staff decided: %(outcome)s.") % {
        "outcome": ReviewPanel.Outcome(outcome).label.lower()
    }
    panel.reasons = "\n".join([summary, reasons])
    PANEL.move(panel, ReviewPanel.Status.STAFF_DECIDED)
    panel.outcome = outcome
    panel.decided_by = actor
    panel.decided_at = timezone.now()
    panel.save(update_fields=["reasons", "status", "outcome", "decided_by", "decided_at"])
    claim_event(
        claim=claim,
        type=ClaimEvent.Type.PANEL_STAFF_DECIDED,
        actor=actor,
        reason=reasons,
        data={"panel": panel.pk, "outcome": outcome},
    )
    _panel_effect(panel, claim, outcome, summary, today)
    return panel
