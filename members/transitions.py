"""The membership state machine: which status may follow which.

applicant → active (accepted) or declined; declined, withdrawn or lapsed → applicant
(applies again, keeping the member number);
active ⇄ suspended (unpaid premium past the grace period / arrears paid);
suspended → lapsed (not reinstated in time); active or suspended → withdrawn;
any living status of a member → deceased.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import TransitionNotAllowed

from .models import Member

S = Member.Status

MEMBER_TRANSITIONS: dict[str, frozenset[str]] = {
    S.APPLICANT: frozenset({S.ACTIVE, S.DECLINED}),
    S.DECLINED: frozenset({S.APPLICANT}),
    S.ACTIVE: frozenset({S.SUSPENDED, S.WITHDRAWN, S.DECEASED}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.LAPSED, S.WITHDRAWN, S.DECEASED}),
    S.LAPSED: frozenset({S.APPLICANT, S.DECEASED}),
    S.WITHDRAWN: frozenset({S.APPLICANT}),
    S.DECEASED: frozenset(),
}


def _label(status: str) -> str:
    return S(status).label if status in S.values else str(status)


def member_transition_check(current: str, new: str) -> None:
    """Raise TransitionNotAllowed unless ``current`` → ``new`` is in the table."""
    if new not in MEMBER_TRANSITIONS.get(current, frozenset()):
        raise TransitionNotAllowed(
            _("A membership cannot go from %(old)s to %(new)s.")
            % {"old": _label(current), "new": _label(new)}
        )
