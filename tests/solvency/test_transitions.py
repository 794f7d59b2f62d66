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


from solvency.models import MaterialEventDraft, SolvencyAlert, SolvencyJobRun  # noqa: E402
from solvency.transitions import ALERT, JOB_RUN, MATERIAL_EVENT  # noqa: E402

AL, ME, J = SolvencyAlert.Status, MaterialEventDraft.Status, SolvencyJobRun.Status
TABLES = [
    (ALERT, AL, {(AL.OPEN, AL.ACKNOWLEDGED), (AL.OPEN, AL.CLOSED), (AL.ACKNOWLEDGED, AL.CLOSED)}),
    (MATERIAL_EVENT, ME, {(ME.DRAFT, ME.PUBLISHED), (ME.DRAFT, ME.DISCARDED)}),
    (JOB_RUN, J, {(J.RUNNING, J.SUCCEEDED), (J.RUNNING, J.FAILED), (J.RUNNING, J.SKIPPED)}),
]


@pytest.mark.parametrize(("machine", "statuses", "allowed"), TABLES)
def test_the_ladder_tables_whole(machine, statuses, allowed):
    for current in statuses:
        for new in statuses:
            assert machine.allowed(current, new) == ((current, new) in allowed)
