"""The request's transition table, walked whole: allowed moves and every other one."""

from __future__ import annotations

import pytest

from mutualsociety.common.exceptions import TransitionNotAllowed
from privacy.models import PrivacyRequest
from privacy.transitions import PRIVACY_REQUEST

S = PrivacyRequest.Status
ALLOWED = {
    (S.RECEIVED, S.IN_PROGRESS),
    (S.RECEIVED, S.DONE),
    (S.RECEIVED, S.PARTLY_REFUSED),
    (S.RECEIVED, S.REFUSED),
    (S.IN_PROGRESS, S.DONE),
    (S.IN_PROGRESS, S.PARTLY_REFUSED),
    (S.IN_PROGRESS, S.REFUSED),
}


@pytest.mark.parametrize("current", S.values)
@pytest.mark.parametrize("new", S.values)
def test_each_move_is_allowed_only_if_the_table_says_so(current, new):
    if (current, new) in ALLOWED:
        PRIVACY_REQUEST.check(current, new)
    else:
        with pytest.raises(TransitionNotAllowed):
            PRIVACY_REQUEST.check(current, new)


@pytest.mark.parametrize("closed", [S.DONE, S.PARTLY_REFUSED, S.REFUSED])
def test_an_answered_request_is_final(closed):
    assert PRIVACY_REQUEST.is_terminal(closed)
