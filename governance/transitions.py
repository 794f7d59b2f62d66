"""The meeting lifecycle as a table of allowed next statuses (dated milestones).

drafted → convened → voting open → voting closed → results declared → minutes approved
→ published. Nothing goes back: a milestone, once dated, stays.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import TransitionNotAllowed

from .models import Meeting

S = Meeting.Status

MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFTED: frozenset({S.CONVENED}),
    S.CONVENED: frozenset({S.VOTING_OPEN}),
    S.VOTING_OPEN: frozenset({S.VOTING_CLOSED}),
    S.VOTING_CLOSED: frozenset({S.RESULTS_DECLARED}),
    S.RESULTS_DECLARED: frozenset({S.MINUTES_APPROVED}),
    S.MINUTES_APPROVED: frozenset({S.PUBLISHED}),
    S.PUBLISHED: frozenset(),
}


def meeting_transition_check(current: str, target: str) -> None:
    """Raise ``TransitionNotAllowed`` unless the table allows ``current`` → ``target``."""
    if target not in MEETING_TRANSITIONS.get(current, frozenset()):
        raise TransitionNotAllowed(
            _("A meeting that is “%(current)s” cannot become “%(target)s”.")
            % {"current": S(current).label, "target": S(target).label}
        )
