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
    S.APPROVED: frozenset({S.PAID, S.REJECTED}),
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
