"""The meeting lifecycle table: each milestone leads to the next one only."""

from __future__ import annotations

import itertools

import pytest

from governance.models import Meeting
from governance.transitions import MEETING_TRANSITIONS, meeting_transition_check
from mutualsociety.common.exceptions import TransitionNotAllowed

ORDER = [
    Meeting.Status.DRAFTED,
    Meeting.Status.CONVENED,
    Meeting.Status.VOTING_OPEN,
    Meeting.Status.VOTING_CLOSED,
    Meeting.Status.RESULTS_DECLARED,
    Meeting.Status.MINUTES_APPROVED,
    Meeting.Status.PUBLISHED,
]


def test_every_status_is_in_the_table():
    assert set(MEETING_TRANSITIONS) == set(Meeting.Status.values)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(ORDER, ORDER)))
def test_only_the_next_milestone_is_allowed(current, target):
    allowed = ORDER.index(target) == ORDER.index(current) + 1
    if allowed:
        meeting_transition_check(current, target)
    else:
        with pytest.raises(TransitionNotAllowed):
            meeting_transition_check(current, target)
