"""Every status field of governance as a table of allowed moves (``StateMachine``).

Services change a status only through ``<MACHINE>.move(row, new)`` on a row they have
locked; the move is refused with ``TransitionNotAllowed`` unless the table allows it.

- ``MEETING`` — the meeting's dated milestones: drafted → convened → voting open →
  voting closed → results declared → minutes approved → published. Nothing goes back: a
  milestone, once dated, stays.
- ``MOTION`` — a motion's outcome (``Motion.outcome``): not declared → adopted, rejected,
  elected (an election) or no quorum, once, when the results are declared.
- ``CANDIDATE`` — a candidate in an election: nominated → standing (seconded, on the
  ballot) → elected or not elected at the declaration.
- ``PROPOSAL`` — a member proposal: collecting signatures → queued for the next assembly
  (at the threshold) → on an agenda (when that assembly is convened).
- ``CONSULTATION`` — a consultation of the members: draft → open (the board or the
  secretary opens it; members are told) → closed (at its close, by the daily job or the
  secretary) → published (its results, right after the close).

The phases named below say which meeting statuses allow an action that is not itself a
move (adding a motion, nominating, appointing a proxy).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mutualsociety.common.transitions import StateMachine

from .models import Candidate, Consultation, Meeting, Motion, Proposal

S = Meeting.Status
OUT = Motion.Outcome
C = Candidate.Status
P = Proposal.Status

MEETING = StateMachine(
    Meeting.Status,
    {
        S.DRAFTED: {S.CONVENED},
        S.CONVENED: {S.VOTING_OPEN},
        S.VOTING_OPEN: {S.VOTING_CLOSED},
        S.VOTING_CLOSED: {S.RESULTS_DECLARED},
        S.RESULTS_DECLARED: {S.MINUTES_APPROVED},
        S.MINUTES_APPROVED: {S.PUBLISHED},
    },
    message=_("A meeting that is “%(current)s” cannot become “%(new)s”."),
)

MOTION = StateMachine(
    Motion.Outcome,
    {OUT.PENDING: {OUT.ADOPTED, OUT.REJECTED, OUT.ELECTED, OUT.NO_QUORUM}},
    field="outcome",
    message=_("A motion whose outcome is “%(current)s” cannot become “%(new)s”."),
)

CANDIDATE = StateMachine(
    Candidate.Status,
    {
        C.NOMINATED: {C.STANDING},
        C.STANDING: {C.ELECTED, C.NOT_ELECTED},
    },
    message=_("A candidate who is “%(current)s” cannot become “%(new)s”."),
)

PROPOSAL = StateMachine(
    Proposal.Status,
    {
        P.DRAFT: {P.QUEUED},
        P.QUEUED: {P.ON_AGENDA},
    },
    message=_("A member proposal that is “%(current)s” cannot become “%(new)s”."),
)

CS = Consultation.Status

CONSULTATION = StateMachine(
    Consultation.Status,
    {
        CS.DRAFT: {CS.OPEN},
        CS.OPEN: {CS.CLOSED},
        CS.CLOSED: {CS.PUBLISHED},
    },
    message=_("A consultation that is “%(current)s” cannot become “%(new)s”."),
)

#: Every status with its allowed next statuses (the meeting's table, for callers and tests).
MEETING_TRANSITIONS: dict[str, frozenset[str]] = MEETING.table

# --- Phases of a meeting -------------------------------------------------------------------

#: Before voting opens: the agenda, motions, nominations may still change.
BEFORE_VOTING = frozenset({S.DRAFTED, S.CONVENED})
#: Convened or voting: the meetings a member is called to.
UPCOMING = (S.CONVENED, S.VOTING_OPEN)
#: Voting has closed: ballots may be counted, receipts published.
CLOSED = (S.VOTING_CLOSED, S.RESULTS_DECLARED, S.MINUTES_APPROVED, S.PUBLISHED)
#: The results are declared.
DECLARED = (S.RESULTS_DECLARED, S.MINUTES_APPROVED, S.PUBLISHED)


def meeting_transition_check(current: str, target: str) -> None:
    """Raise ``TransitionNotAllowed`` unless the table allows ``current`` → ``target``."""
    MEETING.check(current, target)
