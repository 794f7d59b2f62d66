"""The complaint's status as a table of allowed moves (``common.transitions``).

received → acknowledged → (investigating →) upheld, partly upheld or not upheld; from an
outcome the complainant may escalate once to the supervisory board (within the
escalation window) or it is closed; an escalated complaint is closed when the board has
answered. Closed is final. The one extension of the deadline is not a status (it is
``Complaint.extended_on``, allowed while the complaint is open).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mutualsociety.common.transitions import StateMachine

from .models import Complaint

S = Complaint.Status

#: Where a complaint may go from an open status: its outcomes.
OUTCOMES = frozenset({S.UPHELD, S.PARTLY_UPHELD, S.REJECTED})
#: Statuses in which a complaint is still being handled (deadlines run).
OPEN = frozenset({S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING})

COMPLAINT = StateMachine(
    S,
    {
        S.RECEIVED: {S.ACKNOWLEDGED},
        S.ACKNOWLEDGED: {S.INVESTIGATING, *OUTCOMES},
        S.INVESTIGATING: set(OUTCOMES),
        S.UPHELD: {S.ESCALATED, S.CLOSED},
        S.PARTLY_UPHELD: {S.ESCALATED, S.CLOSED},
        S.REJECTED: {S.ESCALATED, S.CLOSED},
        S.ESCALATED: {S.CLOSED},
    },
    message=_("A complaint that is %(current)s cannot become %(new)s."),
)
