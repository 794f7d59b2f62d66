"""Every status field of claims as a table of allowed moves (``common.transitions``;
pattern: django-oscar's order pipeline). Services change a status only through
``<MACHINE>.move(row, new)`` on a row they have locked.

- ``CLAIM`` (``Claim.status``): submitted → under_review → (info_requested ↔
  under_review) → assessed → approved or rejected → paid; withdrawn by the member before a
  decision; appealed after a rejection (the review panel then upholds the rejection or
  overturns it to an approval). Who may make which of these moves is narrowed by the
  sub-tables below, each a part of ``CLAIM``.
- ``PANEL_OVERTURN``: the one move outside ``CLAIM``: an approved claim overturned by the
  review panel during its public notice becomes rejected (``claim_overturn_check``).
- ``NOTICE`` (``Claim.notice_status``): the public notice of an approved claim.
- ``PANEL`` (``ReviewPanel.status``) and ``SEAT`` (``PanelSeat.vote``): a review panel
  and a drawn member's one vote.

``Objection`` and ``ApportionmentPeriod`` have no status field: an objection is one fact,
taken once; a period is run once and published once (``published_at``).
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualsociety.common.exceptions import TransitionNotAllowed
from mutualsociety.common.transitions import StateMachine

from .models import ApportionmentPeriod, Claim, PanelSeat, ReviewPanel

S = Claim.Status
N = Claim.Notice
P = ReviewPanel.Status
V = PanelSeat.Vote

#: Statuses before a decision: the member may still withdraw.
UNDECIDED = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.INFO_REQUESTED, S.ASSESSED})

CLAIM = StateMachine(
    S,
    {
        S.SUBMITTED: {S.UNDER_REVIEW, S.WITHDRAWN},
        S.UNDER_REVIEW: {S.INFO_REQUESTED, S.ASSESSED, S.WITHDRAWN},
        S.INFO_REQUESTED: {S.UNDER_REVIEW, S.WITHDRAWN},
        S.ASSESSED: {S.APPROVED, S.REJECTED, S.UNDER_REVIEW, S.WITHDRAWN},
        # approved → rejected is not in the table: only a review panel overturns an
        # approval, through ``PANEL_OVERTURN`` (notice under review, not shared or paid).
        S.APPROVED: {S.PAID},
        S.REJECTED: {S.APPEALED},
        S.APPEALED: {S.APPROVED, S.REJECTED},
    },
    message=gettext_lazy("A claim that is %(current)s cannot become %(new)s."),
)
#: The table as a mapping, every status a key (terminal ones with no moves).
CLAIM_TRANSITIONS: dict[str, frozenset[str]] = CLAIM.table

#: The member withdraws their own claim, before it is decided.
WITHDRAWAL = StateMachine(
    S,
    {status: {S.WITHDRAWN} for status in UNDECIDED},
    message=gettext_lazy("A claim can only be withdrawn before it is decided."),
)
#: The approver rejects an assessed claim; an approval is undone only by a review panel
#: (``PANEL_OVERTURN``), an appeal only by its panel.
STAFF_REJECTION = StateMachine(
    S,
    {S.ASSESSED: {S.REJECTED}},
    message=gettext_lazy("Only an assessed claim can be rejected; this one is %(current)s."),
)
#: The approver approves an assessed claim; an appealed claim is decided by its review
#: panel (``services.panels``), never approved by staff over the panel's head.
STAFF_APPROVAL = StateMachine(
    S,
    {S.ASSESSED: {S.APPROVED}},
    message=gettext_lazy(
        "Only an assessed claim can be approved; this one is %(current)s (an appeal is "
        "decided by its review panel)."
    ),
)
#: A review panel overturns an approval during the public notice (see the guard).
PANEL_OVERTURN = StateMachine(
    S,
    {S.APPROVED: {S.REJECTED}},
    message=gettext_lazy(
        "Only a review panel can overturn an approved claim, while it is under review."
    ),
)

NOTICE = StateMachine(
    N,
    {
        # approved with a notice, or cleared at once (an appeal upheld by its panel)
        N.NONE: {N.ON_NOTICE, N.CLEARED},
        # the notice ends without enough objections, or they call a panel
        N.ON_NOTICE: {N.CLEARED, N.UNDER_REVIEW},
        # the panel upholds the approval, or overturns it
        N.UNDER_REVIEW: {N.CLEARED, N.OVERTURNED},
        # overturned, then the appeal against that rejection upheld by its panel
        N.OVERTURNED: {N.CLEARED},
    },
    field="notice_status",
    message=gettext_lazy("A public notice that is %(current)s cannot become %(new)s."),
)
#: Notices that hold back a payment until they are settled.
NOTICE_PENDING = frozenset({N.ON_NOTICE, N.UNDER_REVIEW})

PANEL = StateMachine(
    P,
    {
        # decided by its votes, or closed without a quorum (the next members are drawn)
        P.VOTING: {P.DECIDED, P.NO_QUORUM},
        # nobody left to draw: claims staff decide in its place
        P.AWAITING_STAFF: {P.STAFF_DECIDED},
    },
    message=gettext_lazy("A review panel that is %(current)s cannot become %(new)s."),
)

SEAT = StateMachine(
    V,
    {V.NONE: {V.UPHOLD, V.OVERTURN}},
    field="vote",
    message=gettext_lazy("You have already voted."),
)

#: An apportionment period is billing while its shares are written on the workers, then
#: billed once every chunk is in (its entry and Merkle root with it); only then published.
PERIOD = StateMachine(
    ApportionmentPeriod.Status,
    {ApportionmentPeriod.Status.BILLING: {ApportionmentPeriod.Status.BILLED}},
    message=gettext_lazy("An apportionment period that is %(current)s cannot become %(new)s."),
)

#: Every state machine of the app, by the field it guards (for tests and docs).
MACHINES = {
    "ApportionmentPeriod.status": PERIOD,
    "Claim.status": CLAIM,
    "Claim.notice_status": NOTICE,
    "ReviewPanel.status": PANEL,
    "PanelSeat.vote": SEAT,
}


def _part_of(whole: StateMachine, part: StateMachine) -> None:
    for current, targets in part.table.items():
        if not targets <= whole.table[current]:
            raise ValueError(f"{part} allows a move {whole} does not: {current} → {targets}")


for _sub in (WITHDRAWAL, STAFF_REJECTION, STAFF_APPROVAL):
    _part_of(CLAIM, _sub)


def claim_transition_allowed(current: str, new: str) -> bool:
    return CLAIM.allowed(current, new)


def claim_transition_check(current: str, new: str) -> None:
    """Raise ``TransitionNotAllowed`` naming both statuses unless the table allows it."""
    CLAIM.check(current, new)


def claim_overturn_check(claim: Claim) -> None:
    """An approved claim becomes rejected only when a review panel overturns it while its
    public notice is under review, before it was shared out in an apportionment or paid."""
    if (
        not PANEL_OVERTURN.allowed(claim.status, S.REJECTED)
        or claim.notice_status != N.UNDER_REVIEW
        or claim.apportionment_period_id is not None
        or claim.paid_at is not None
    ):
        raise TransitionNotAllowed(str(PANEL_OVERTURN.message))


def claim_payable_check(claim: Claim) -> None:
    """An approved claim is paid once its public notice is settled (cleared, or never
    needed): not while it is on notice or before a review panel."""
    if claim.notice_status in NOTICE_PENDING:
        raise TransitionNotAllowed(
            _("The claim is still on public notice or before a review panel; pay it once cleared.")
        )


def panel_open_for_votes(panel: ReviewPanel, today: dt.date) -> bool:
    """Votes are taken while the panel can still be decided by them, until its last day."""
    return PANEL.allowed(panel.status, P.DECIDED) and today <= panel.vote_until


def seat_may_vote(seat: PanelSeat, today: dt.date) -> bool:
    """A drawn member who has not voted, on a panel still open for votes."""
    return SEAT.allowed(seat.vote, V.UPHOLD) and panel_open_for_votes(seat.panel, today)
