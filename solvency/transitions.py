"""Every status field of solvency as a table of allowed moves (``common.transitions``).
Services change a status only through ``<MACHINE>.move(row, new)`` on a locked row.

- ``ASSESSMENT`` (``SolvencyAssessment.state``): computed → approved (a second person),
  computed → superseded (a newer computation replaces the draft), approved → superseded
  (a correction approved after it). Superseded is final; an approved assessment never
  changes otherwise.
- ``ALERT`` (``SolvencyAlert.status``), ``MATERIAL_EVENT`` (``MaterialEventDraft.status``),
  ``JOB_RUN`` (``SolvencyJobRun.status``): below.
- ``RESERVE_RUN`` (``ReserveRun.state``): draft → approved (a second person), draft →
  rejected (the checker sends it back), draft → superseded (a newer run of the same date
  replaces the draft), approved → superseded (a newer version of the same date is
  approved). Rejected and superseded are final.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from mutualsociety.common.transitions import StateMachine

from .models import (
    MaterialEventDraft,
    ReserveRun,
    SolvencyAlert,
    SolvencyAssessment,
    SolvencyJobRun,
    SurplusDistribution,
)

A = SolvencyAssessment.State

ASSESSMENT = StateMachine(
    A,
    {A.COMPUTED: {A.APPROVED, A.SUPERSEDED}, A.APPROVED: {A.SUPERSEDED}},
    field="state",
    message=gettext_lazy("A solvency assessment that is %(current)s cannot become %(new)s."),
)

R = ReserveRun.State

RESERVE_RUN = StateMachine(
    R,
    {R.DRAFT: {R.APPROVED, R.REJECTED, R.SUPERSEDED}, R.APPROVED: {R.SUPERSEDED}},
    field="state",
    message=gettext_lazy("A reserve run that is %(current)s cannot become %(new)s."),
)

#: Every state machine of the app, by the field it guards (for tests and docs).
MACHINES = {"SolvencyAssessment.state": ASSESSMENT, "ReserveRun.state": RESERVE_RUN}

AL = SolvencyAlert.Status

#: ``SolvencyAlert.status``: open → acknowledged (compliance has seen it), open or
#: acknowledged → closed (a later assessment or check no longer shows it). Closed is final.
ALERT = StateMachine(
    AL,
    {AL.OPEN: {AL.ACKNOWLEDGED, AL.CLOSED}, AL.ACKNOWLEDGED: {AL.CLOSED}},
    message=gettext_lazy("A solvency alert that is %(current)s cannot become %(new)s."),
)

ME = MaterialEventDraft.Status

#: ``MaterialEventDraft.status``: a draft is published or discarded (the disclosure issue).
MATERIAL_EVENT = StateMachine(
    ME,
    {ME.DRAFT: {ME.PUBLISHED, ME.DISCARDED}},
    message=gettext_lazy("A material-event draft that is %(current)s cannot become %(new)s."),
)

J = SolvencyJobRun.Status

#: ``SolvencyJobRun.status``: a running job ends succeeded, failed or skipped.
JOB_RUN = StateMachine(
    J,
    {J.RUNNING: {J.SUCCEEDED, J.FAILED, J.SKIPPED}},
    message=gettext_lazy("A job run that is %(current)s cannot become %(new)s."),
)

MACHINES.update(
    {
        "SolvencyAlert.status": ALERT,
        "MaterialEventDraft.status": MATERIAL_EVENT,
        "SolvencyJobRun.status": JOB_RUN,
    }
)

SD = SurplusDistribution.Status

#: ``SurplusDistribution.status``: computed (the actuary) → proposed (the board) →
#: adopted (the assembly's special resolution) → running (its chunks are crediting the
#: members) → run (every chunk in, totals checked) → published. Until it starts it may be
#: withdrawn; withdrawn, run-then-published are final.
DISTRIBUTION = StateMachine(
    SD,
    {
        SD.COMPUTED: {SD.PROPOSED, SD.WITHDRAWN},
        SD.PROPOSED: {SD.ADOPTED, SD.WITHDRAWN},
        SD.ADOPTED: {SD.RUNNING, SD.WITHDRAWN},
        SD.RUNNING: {SD.RUN},
        SD.RUN: {SD.PUBLISHED},
    },
    message=gettext_lazy("A surplus distribution that is %(current)s cannot become %(new)s."),
)

MACHINES["SurplusDistribution.status"] = DISTRIBUTION
