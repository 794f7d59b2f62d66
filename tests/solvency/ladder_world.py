"""Set-ups of the ladder's tests: a ledger with the fund and surplus, an approved
assessment with chosen figures, an adopted assembly resolution."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from governance.models import Body, Matter, Meeting, Motion
from solvency.models import SolvencyAssessment
from solvency.services import assessment_compute
from tests.governance.factories import body_get, meeting_make
from tests.solvency.factories import CASH, FUND, SURPLUS, VALUATION, post

A = SolvencyAssessment.State


def ledger(fund: str = "1000000.00", surplus: str = "50000.00") -> None:
    """The fund and a surplus, nothing else: the result since founding is 0."""
    post("fund", CASH, FUND, fund, dt.date(2024, 1, 10))
    if Decimal(surplus):
        post("surplus", CASH, SURPLUS, surplus, dt.date(2024, 2, 1))


def approved(
    actuary,
    approver,
    *,
    minimum: str,
    core: str,
    supplementary: str = "0.00",
    rating: str = "B",
    on: dt.date = VALUATION,
) -> SolvencyAssessment:
    """An approved assessment with these figures and the C-ROSS preset's snapshot (the
    snapshot of a real computation), written directly: no alert is opened by it."""
    real = assessment_compute(valuation_date=on, regime="cross", rating=rating, actor=actuary)
    QuerySet.update(SolvencyAssessment.objects.filter(pk=real.pk), state=A.SUPERSEDED)
    core_d, supp_d = Decimal(core), Decimal(supplementary)
    return SolvencyAssessment.objects.create(
        valuation_date=on,
        regime=real.regime,
        version=real.version + 1,
        state=A.APPROVED,
        core_capital=core_d,
        supplementary_capital=supp_d,
        admitted_supplementary=supp_d,
        actual_capital=core_d + supp_d,
        undiversified_requirement=Decimal(minimum),
        diversified_requirement=Decimal(minimum),
        adjustments_total=Decimal("0.00"),
        minimum_capital=Decimal(minimum),
        rating=rating,
        ladder_status="adequate",
        inputs=real.inputs,
        inputs_digest="x",
        computed_by=actuary,
        approved_by=approver,
        approved_at=real.computed_at,
    )


def resolution(
    *,
    matter: str = Matter.FUND_REPAYMENT,
    outcome: str = Motion.Outcome.ADOPTED,
    body_kind: str = Body.Kind.GENERAL_ASSEMBLY,
    status: str = Meeting.Status.RESULTS_DECLARED,
) -> Motion:
    """A motion of a meeting whose results are declared (set directly: the vote itself is
    governance's to test)."""
    kind = Meeting.Kind.BOARD if body_kind == Body.Kind.BOARD else Meeting.Kind.ANNUAL
    meeting = meeting_make(body=body_get(body_kind), kind=kind, motions=((matter, None),))
    motion = meeting.motions.get()
    QuerySet.update(Meeting.objects.filter(pk=meeting.pk), status=status)
    QuerySet.update(Motion.objects.filter(pk=motion.pk), outcome=outcome)
    motion.refresh_from_db()
    return motion
