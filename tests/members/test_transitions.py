"""members.transitions: the membership state machine, walked whole."""

from __future__ import annotations

import itertools

import pytest

from members.models import Member
from members.transitions import MEMBER_TRANSITIONS, member_transition_check
from mutualsociety.common.exceptions import TransitionNotAllowed

S = Member.Status

ALLOWED = {
    (S.APPLICANT, S.ACTIVE),
    (S.APPLICANT, S.DECLINED),
    (S.DECLINED, S.APPLICANT),
    (S.ACTIVE, S.SUSPENDED),
    (S.ACTIVE, S.WITHDRAWN),
    (S.ACTIVE, S.DECEASED),
    (S.SUSPENDED, S.ACTIVE),
    (S.SUSPENDED, S.LAPSED),
    (S.SUSPENDED, S.WITHDRAWN),
    (S.SUSPENDED, S.DECEASED),
    (S.LAPSED, S.DECEASED),
    # Whoever left may apply again (re-underwritten; the member number stays).
    (S.WITHDRAWN, S.APPLICANT),
    (S.LAPSED, S.APPLICANT),
}
EVERY_PAIR = list(itertools.product(S.values, repeat=2))


def test_the_table_has_every_status_and_only_statuses():
    """Every status is a key, and every target is a status."""
    assert set(MEMBER_TRANSITIONS) == set(S.values)
    assert set().union(*MEMBER_TRANSITIONS.values()) <= set(S.values)


def test_the_table_is_the_documented_one():
    """The table allows exactly the transitions of the module's docstring."""
    table = {(old, new) for old, targets in MEMBER_TRANSITIONS.items() for new in targets}
    assert table == ALLOWED


@pytest.mark.parametrize(("old", "new"), sorted(ALLOWED))
def test_allowed_transitions_pass(old, new):
    """The check returns nothing for an allowed transition (and raises for the others)."""
    assert member_transition_check(old, new) is None


@pytest.mark.parametrize(("old", "new"), [p for p in EVERY_PAIR if p not in ALLOWED])
def test_every_other_transition_is_refused(old, new):
    """Staying in a status, going back, or leaving a final status is refused by name."""
    with pytest.raises(TransitionNotAllowed) as caught:
        member_transition_check(old, new)
    assert str(S(old).label) in str(caught.value)
    assert str(S(new).label) in str(caught.value)


def test_deceased_is_final():
    assert MEMBER_TRANSITIONS[S.DECEASED] == frozenset()


def test_a_withdrawn_member_can_only_apply_again():
    assert MEMBER_TRANSITIONS[S.WITHDRAWN] == frozenset({S.APPLICANT})


def test_an_unknown_status_is_refused_not_crashed():
    """A status the table does not know raises the domain error, naming it."""
    with pytest.raises(TransitionNotAllowed, match="archived"):
        member_transition_check("archived", S.ACTIVE)
