import itertools

import pytest

from claims.models import Claim
from claims.transitions import CLAIM_TRANSITIONS, claim_transition_allowed, claim_transition_check
from mutualsociety.common.exceptions import TransitionNotAllowed

S = Claim.Status
ALLOWED = {
    (S.SUBMITTED, S.UNDER_REVIEW),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.UNDER_REVIEW, S.INFO_REQUESTED),
    (S.UNDER_REVIEW, S.ASSESSED),
    (S.UNDER_REVIEW, S.WITHDRAWN),
    (S.INFO_REQUESTED, S.UNDER_REVIEW),
    (S.INFO_REQUESTED, S.WITHDRAWN),
    (S.ASSESSED, S.APPROVED),
    (S.ASSESSED, S.REJECTED),
    (S.ASSESSED, S.UNDER_REVIEW),
    (S.ASSESSED, S.WITHDRAWN),
    (S.APPROVED, S.PAID),
    (S.REJECTED, S.APPEALED),
    (S.APPEALED, S.APPROVED),
    (S.APPEALED, S.REJECTED),
}


def test_table_covers_every_status():
    assert set(CLAIM_TRANSITIONS) == set(S.values)


@pytest.mark.parametrize("current,new", list(itertools.product(S.values, S.values)))
def test_whole_table(current, new):
    """Every pair of statuses: allowed exactly when listed; otherwise a named refusal."""
    expected = (current, new) in ALLOWED
    assert claim_transition_allowed(current, new) is expected
    if expected:
        claim_transition_check(current, new)
    else:
        with pytest.raises(TransitionNotAllowed):
            claim_transition_check(current, new)


# --- Every other table of the app, walked whole ------------------------------------------

from claims.models import ApportionmentPeriod, PanelSeat, ReviewPanel  # noqa: E402
from claims.transitions import (  # noqa: E402
    MACHINES,
    NOTICE,
    PANEL,
    PANEL_OVERTURN,
    PERIOD,
    SEAT,
    STAFF_REJECTION,
    WITHDRAWAL,
)

N, P, V = Claim.Notice, ReviewPanel.Status, PanelSeat.Vote

TABLES = {
    "notice": (
        NOTICE,
        N,
        {
            (N.NONE, N.ON_NOTICE),
            (N.NONE, N.CLEARED),
            (N.ON_NOTICE, N.CLEARED),
            (N.ON_NOTICE, N.UNDER_REVIEW),
            (N.UNDER_REVIEW, N.CLEARED),
            (N.UNDER_REVIEW, N.OVERTURNED),
            (N.OVERTURNED, N.CLEARED),
        },
    ),
    "panel": (
        PANEL,
        P,
        {
            (P.VOTING, P.DECIDED),
            (P.VOTING, P.NO_QUORUM),
            (P.AWAITING_STAFF, P.STAFF_DECIDED),
        },
    ),
    "seat": (SEAT, V, {(V.NONE, V.UPHOLD), (V.NONE, V.OVERTURN)}),
    "withdrawal": (
        WITHDRAWAL,
        S,
        {
            (S.SUBMITTED, S.WITHDRAWN),
            (S.UNDER_REVIEW, S.WITHDRAWN),
            (S.INFO_REQUESTED, S.WITHDRAWN),
            (S.ASSESSED, S.WITHDRAWN),
        },
    ),
    "staff rejection": (STAFF_REJECTION, S, {(S.ASSESSED, S.REJECTED)}),
    "panel overturn": (PANEL_OVERTURN, S, {(S.APPROVED, S.REJECTED)}),
    # billing while the shares are written on the workers; billed once, never back
    "period": (PERIOD, ApportionmentPeriod.Status, {("billing", "billed")}),
}


@pytest.mark.parametrize(
    "name,current,new",
    [
        (name, current, new)
        for name, (_machine, statuses, _allowed) in TABLES.items()
        for current, new in itertools.product(statuses.values, statuses.values)
    ],
)
def test_every_table_whole(name, current, new):
    """Every pair of every table: allowed exactly when listed; otherwise a named refusal."""
    machine, _statuses, allowed = TABLES[name]
    expected = (current, new) in allowed
    assert machine.allowed(current, new) is expected
    if expected:
        machine.check(current, new)
    else:
        with pytest.raises(TransitionNotAllowed):
            machine.check(current, new)


def test_every_status_field_of_the_app_has_a_table():
    """Claim.status, Claim.notice_status, ReviewPanel.status, PanelSeat.vote,
    ApportionmentPeriod.status."""
    from django.apps import apps

    fields = {
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("claims").get_models()
        for field in model._meta.fields
        if field.name.endswith("status") or field.name == "vote"
    }
    assert fields == set(MACHINES)


def test_the_member_and_staff_tables_are_parts_of_the_claim_table():
    for machine in (WITHDRAWAL, STAFF_REJECTION):
        for current, targets in machine.table.items():
            assert targets <= CLAIM_TRANSITIONS[current]
