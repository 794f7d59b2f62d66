"""members.transitions: every state machine of the app, walked whole."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from django.utils import translation

from members.models import Application, ContributionDue, Coverage, Member, PlanVersion
from members.transitions import (
    APPLICATION,
    COVERAGE,
    DUE,
    MEMBER,
    MEMBER_TRANSITIONS,
    PLAN_VERSION,
    REINSTATEMENT,
    REJOINING,
    member_transition_check,
    sources,
)
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


# --- Every other status field of the app: each machine walked whole ---

A, C, D, V = Application.Status, Coverage.Status, ContributionDue.Status, PlanVersion.Status

MACHINES = {
    "application": (
        APPLICATION,
        A,
        # Decided once, by the automatic underwriting or an underwriter.
        {(A.REFERRED, A.ACCEPTED), (A.REFERRED, A.DECLINED)},
    ),
    "coverage": (
        COVERAGE,
        C,
        {
            (C.IN_FORCE, C.SUSPENDED),
            (C.SUSPENDED, C.IN_FORCE),
            (C.IN_FORCE, C.LAPSED),
            (C.SUSPENDED, C.LAPSED),
            (C.IN_FORCE, C.ENDED),
            (C.SUSPENDED, C.ENDED),
        },
    ),
    "due": (
        DUE,
        D,
        {(D.OPEN, D.PAID), (D.OPEN, D.CANCELLED), (D.PAID, D.CANCELLED)},
    ),
    "plan version": (PLAN_VERSION, V, {(V.DRAFT, V.PUBLISHED)}),
    # Reinstatement: back to active from a suspension only (admission is underwriting's).
    "reinstatement": (REINSTATEMENT, S, {(S.SUSPENDED, S.ACTIVE)}),
    "membership": (MEMBER, S, ALLOWED),
}
WALK = [
    (name, old, new, (old, new) in allowed)
    for name, (_machine, statuses, allowed) in MACHINES.items()
    for old, new in itertools.product(statuses.values, repeat=2)
]


@pytest.mark.parametrize(("name", "old", "new", "allowed"), WALK)
def test_every_machine_allows_its_table_and_refuses_the_rest(name, old, new, allowed):
    """Each pair of statuses of each machine: the documented moves pass and set the
    status; every other pair (staying put, going back, leaving a final status) is
    refused with TransitionNotAllowed and the row keeps its status."""
    machine = MACHINES[name][0]
    row = SimpleNamespace(status=old)
    if allowed:
        assert machine.move(row, new) == old
        assert row.status == new
    else:
        with pytest.raises(TransitionNotAllowed):
            machine.move(row, new)
        assert row.status == old


def test_the_refusals_say_what_the_services_always_said():
    """The machines' messages are the ones staff and tests already read."""
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as decided:
        APPLICATION.check(A.DECLINED, A.ACCEPTED)
    assert decided.value.message == "This application was decided already (Declined)."
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as published:
        PLAN_VERSION.check(V.PUBLISHED, V.PUBLISHED)
    assert published.value.message == "Only a draft version can be published."
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as reinstated:
        REINSTATEMENT.check(S.LAPSED, S.ACTIVE)
    assert reinstated.value.message == "Only a suspended membership can be reinstated."


def test_reinstatement_is_a_part_of_the_membership_table():
    """Every move the reinstatement allows, the membership table allows too."""
    for current, targets in REINSTATEMENT.table.items():
        assert targets <= MEMBER.table[current]


@pytest.mark.parametrize(
    ("machine", "target", "expected"),
    [
        (COVERAGE, C.SUSPENDED, {C.IN_FORCE}),
        (COVERAGE, C.IN_FORCE, {C.SUSPENDED}),
        (COVERAGE, C.ENDED, {C.IN_FORCE, C.SUSPENDED}),
        (COVERAGE, C.LAPSED, {C.IN_FORCE, C.SUSPENDED}),
        (DUE, D.CANCELLED, {D.OPEN, D.PAID}),
        (MEMBER, S.SUSPENDED, {S.ACTIVE}),
        (MEMBER, S.WITHDRAWN, {S.ACTIVE, S.SUSPENDED}),
        (MEMBER, S.APPLICANT, {S.DECLINED, S.WITHDRAWN, S.LAPSED}),
    ],
)
def test_set_based_statements_take_their_sources_from_the_table(machine, target, expected):
    """``sources`` is the WHERE status IN (...) of a statement that moves many rows."""
    assert sources(machine, target) == expected


def test_who_may_apply_again_is_who_may_become_an_applicant():
    assert set(REJOINING) == {S.DECLINED, S.WITHDRAWN, S.LAPSED}
