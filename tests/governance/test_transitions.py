"""The status tables of governance: each milestone leads to the next one only; every
machine is walked whole, allowed and forbidden pairs."""

from __future__ import annotations

import itertools

import pytest

from governance.models import Candidate, Meeting, Motion, Proposal
from governance.transitions import (
    CANDIDATE,
    MEETING,
    MEETING_TRANSITIONS,
    MOTION,
    PROPOSAL,
    meeting_transition_check,
)
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


# --- Every status field of governance has a table; each is walked whole -----------------

OUT, C, P = Motion.Outcome, Candidate.Status, Proposal.Status
MACHINES = {
    "meeting": (MEETING, {(a, b) for a, b in itertools.pairwise(ORDER)}),
    "motion": (
        MOTION,
        {
            (OUT.PENDING, OUT.ADOPTED),
            (OUT.PENDING, OUT.REJECTED),
            (OUT.PENDING, OUT.ELECTED),
            (OUT.PENDING, OUT.NO_QUORUM),
        },
    ),  # fmt: skip
    "candidate": (
        CANDIDATE,
        {(C.NOMINATED, C.STANDING), (C.STANDING, C.ELECTED), (C.STANDING, C.NOT_ELECTED)},
    ),
    "proposal": (PROPOSAL, {(P.DRAFT, P.QUEUED), (P.QUEUED, P.ON_AGENDA)}),
}
PAIRS = [
    pytest.param(
        machine, allowed, current, new, id=f"{name}:{current or 'pending'}->{new or 'pending'}"
    )
    for name, (machine, allowed) in MACHINES.items()
    for current, new in itertools.product(machine.statuses.values, repeat=2)
]


@pytest.mark.parametrize(("machine", "allowed", "current", "new"), PAIRS)
def test_each_machine_allows_exactly_its_table(machine, allowed, current, new):
    """Every (current, new) pair of every status field: the listed moves are allowed,
    every other one is refused with TransitionNotAllowed naming both statuses."""
    if (current, new) in allowed:
        assert machine.allowed(current, new)
        machine.check(current, new)
    else:
        assert not machine.allowed(current, new)
        with pytest.raises(TransitionNotAllowed) as refused:
            machine.check(current, new)
        assert str(machine.statuses(new).label) in refused.value.message


def test_a_move_sets_the_field_and_returns_the_old_status():
    motion = Motion(outcome=OUT.PENDING)
    assert MOTION.move(motion, OUT.ADOPTED) == OUT.PENDING
    assert motion.outcome == OUT.ADOPTED
    with pytest.raises(TransitionNotAllowed):
        MOTION.move(motion, OUT.REJECTED)  # declared once
    assert motion.outcome == OUT.ADOPTED


def test_the_meeting_message_names_both_milestones():
    with pytest.raises(TransitionNotAllowed) as refused:
        meeting_transition_check(Meeting.Status.DRAFTED, Meeting.Status.PUBLISHED)
    assert refused.value.message == "A meeting that is “Drafted” cannot become “Published”."
