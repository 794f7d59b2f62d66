"""The claim state machine as a table (pattern: django-oscar's order pipeline).

submitted → under_review → (info_requested ↔ under_review) → assessed → approved or
rejected → paid; withdrawn by the member before a decision; appealed after a rejection
(the review panel then upholds the rejection or overturns it to an approval); an approved
claim overturned by the review panel during its public notice becomes rejected.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import TransitionNotAllowed

from .models import Claim

S = Claim.Status

CLAIM_TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.INFO_REQUESTED, S.ASSESSED, S.WITHDRAWN}),
    S.INFO_REQUESTED: frozenset({S.UNDER_REVIEW, S.WITHDRAWN}),
    S.ASSESSED: frozenset({S.APPROVED, S.REJECTED, S.UNDER_REVIEW, S.WITHDRAWN}),
    # approved → rejected is not in the table: only a review panel overturns an approval,
    # through ``claim_overturn_check`` (notice under review, not yet shared or paid).
    S.APPROVED: frozenset({S.PAID}),
    S.REJECTED: frozenset({S.APPEALED}),
    S.APPEALED: frozenset({S.APPROVED, S.REJECTED}),
    S.PAID: frozenset(),
    S.WITHDRAWN: frozenset(),
}

#: Statuses before a decision: the member may still withdraw.
UNDECIDED = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.INFO_REQUESTED, S.ASSESSED})


def claim_transition_allowed(current: str, new: str) -> bool:
    return new in CLAIM_TRANSITIONS.get(current, frozenset())


def claim_transition_check(current: str, new: str) -> None:
    """Raise ``TransitionNotAllowed`` naming both statuses unless the table allows it."""
    if not claim_transition_allowed(current, new):
        raise TransitionNotAllowed(
            _("A claim that is %(current)s cannot become %(new)s.")
            % {"current": S(current).label, "new": S(new).label}
        )


def claim_overturn_check(claim: Claim) -> None:
    """An approved claim becomes rejected only when a review panel overturns it while its
    public notice is under review, before it was shared out in an apportionment or paid."""
    if (
        claim.status != S.APPROVED
        or claim.notice_status != Claim.Notice.UNDER_REVIEW
        or claim.apportionment_period_id is not None
        or claim.paid_at is not None
    ):
        raise TransitionNotAllowed(
            _("Only a review panel can overturn an approved claim, while it is under review.")
        )
