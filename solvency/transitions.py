"""Every status field of solvency as a table of allowed moves (``common.transitions``).
Services change a status only through ``<MACHINE>.move(row, new)`` on a locked row.

- ``ASSESSMENT`` (``SolvencyAssessment.state``): computed → approved (a second person),
  computed → superseded (a newer computation replaces the draft), approved → superseded
  (a correction approved after it). Superseded is final; an approved assessment never
  changes otherwise.
- ``RESERVE_RUN`` (``ReserveRun.state``): draft → approved (a second person), draft →
  rejected (the checker sends it back), draft → superseded (a newer run of the same date
  replaces the draft), approved → superseded (a newer version of the same date is
  approved). Rejected and superseded are final.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from mutualsociety.common.transitions import StateMachine

from .models import ReserveRun, SolvencyAssessment

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
