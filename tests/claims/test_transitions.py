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
