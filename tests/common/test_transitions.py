"""The one state-machine helper every status field uses."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import models
from django.utils import translation

from mutualsociety.common.exceptions import TransitionNotAllowed
from mutualsociety.common.models import BankAccountChange
from mutualsociety.common.transitions import BANK_ACCOUNT_CHANGE, OUTBOX_TASK, StateMachine


class Light(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    BROKEN = "broken", "Broken"


LIGHT = StateMachine(
    Light,
    {Light.RED: {Light.GREEN, Light.BROKEN}, Light.GREEN: {Light.AMBER}, Light.AMBER: {Light.RED}},
    message="A light that is %(current)s cannot become %(new)s.",
)


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("red", "green", True),
        ("red", "broken", True),
        ("red", "amber", False),
        ("green", "amber", True),
        ("green", "red", False),
        ("amber", "red", True),
        ("broken", "red", False),
        ("red", "red", False),
    ],
)
def test_the_table_decides(current, new, allowed):
    """Every pair is allowed exactly when the table lists it; staying put is not a move."""
    assert LIGHT.allowed(current, new) is allowed
    if allowed:
        LIGHT.check(current, new)
    else:
        with pytest.raises(TransitionNotAllowed):
            LIGHT.check(current, new)


def test_a_status_missing_from_the_table_is_terminal():
    assert LIGHT.is_terminal("broken")
    assert LIGHT.next_statuses("broken") == frozenset()
    assert LIGHT.next_statuses("red") == frozenset({"green", "broken"})


def test_the_refusal_names_both_statuses_by_their_labels():
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as error:
        LIGHT.check("green", "red")
    assert error.value.message == "A light that is Green cannot become Red."
    assert error.value.http_status == 409


def test_move_sets_the_field_and_returns_the_old_status_or_changes_nothing():
    light = SimpleNamespace(status="red")
    assert LIGHT.move(light, "green") == "red"
    assert light.status == "green"
    with pytest.raises(TransitionNotAllowed):
        LIGHT.move(light, "broken")
    assert light.status == "green"


def test_a_table_naming_an_unknown_status_is_refused_when_declared():
    with pytest.raises(ValueError, match="no status"):
        StateMachine(Light, {Light.RED: {"blue"}})


# --- The ground floor's own machines ----------------------------------------------------

BANK_MOVES = {("pending", "approved"), ("pending", "rejected"), ("pending", "withdrawn")}


@pytest.mark.parametrize(
    ("current", "new"),
    [(a, b) for a in BankAccountChange.Status.values for b in BankAccountChange.Status.values],
)
def test_a_bank_account_change_is_decided_once(current, new):
    """A proposed bank account is approved, rejected or withdrawn, once; nothing else."""
    allowed = (current, new) in BANK_MOVES
    assert BANK_ACCOUNT_CHANGE.allowed(current, new) is allowed
    change = SimpleNamespace(status=current)
    if allowed:
        assert BANK_ACCOUNT_CHANGE.move(change, new) == current
        assert change.status == new
    else:
        with pytest.raises(TransitionNotAllowed):
            BANK_ACCOUNT_CHANGE.move(change, new)
        assert change.status == current


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        ("pending", "sent", True),
        ("sent", "pending", False),
        ("sent", "sent", False),
        ("pending", "pending", False),
    ],
)
def test_an_outbox_task_is_handed_over_once(current, new, allowed):
    """An outbox row goes from pending to sent, and never back."""
    assert OUTBOX_TASK.allowed(current, new) is allowed
    assert OUTBOX_TASK.field == "state"
