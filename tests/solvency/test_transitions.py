"""The state machine of an assessment, walked whole (allowed and refused)."""

from __future__ import annotations

import pytest

from mutualsociety.common.exceptions import TransitionNotAllowed
from solvency.models import SolvencyAssessment
from solvency.transitions import ASSESSMENT

A = SolvencyAssessment.State
ALLOWED = {(A.COMPUTED, A.APPROVED), (A.COMPUTED, A.SUPERSEDED), (A.APPROVED, A.SUPERSEDED)}


@pytest.mark.parametrize("current", list(A))
@pytest.mark.parametrize("new", list(A))
def test_the_whole_table(current, new):
    if (current, new) in ALLOWED:
        ASSESSMENT.check(current, new)
    else:
        with pytest.raises(TransitionNotAllowed):
            ASSESSMENT.check(current, new)


def test_superseded_is_final():
    assert ASSESSMENT.is_terminal(A.SUPERSEDED)
