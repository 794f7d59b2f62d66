"""Stress tests on a computed assessment: the shocked numbers by hand to the cent, the
base read back from the assessment's inputs, a second run, who may run them, bad
scenarios; the seeded scenarios; the projection service."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context
from decimal import Decimal as D

import pytest

from mutualsociety.common.exceptions import ImmutableRecord, InvalidInput, NotAllowed
from solvency.calculations.snapshot import basis_from_inputs, evaluate
from solvency.models import (
    PlannedRepayment,
    ProjectionAssumptions,
    SolvencyAssessment,
    StressResult,
    StressScenario,
)
from solvency.presets.stress import SCENARIOS, seed_stress_scenarios
from solvency.services import assessment_approve, assessment_compute, stress_run
from solvency.services.projection import replenishment_projection
from tests.solvency.factories import VALUATION, books, holdings, item, post, tranche

pytestmark = pytest.mark.django_db
CENT = D("0.01")


@pytest.fixture
def assessment(actuary):
    """The capital test books (core 1,470,000) less 2025's claims: 100,000 paid and
    20,000 of claims reserves set up, and 5,000 paid in 2024 (core 1,345,000); the
    holdings of equity 100,000, an AA deposit 500,000, a AAA bond 200,000 × 5 years;
    100,000 of supplementary capital."""
    books()
    holdings()
    item("100000.00", "supplementary")
    post("claims-2024", "6511", "1002", "5000.00", dt.date(2024, 12, 1))
    post("claims-2025", "6511", "1002", "100000.00", dt.date(2025, 6, 30))
    post("reserve-2025", "6502", "2602", "20000.00", dt.date(2025, 9, 30))
    return assessment_compute(valuation_date=VALUATION, regime="cross", rating="B", actor=actuary)


def cross_minimum(insurance: D, market: D, credit: D) -> D:
    """C-ROSS preset by hand: insurance–market 0.25, insurance–credit 0.25,
    market–credit 0.5; × 0.9."""
    total = (
        insurance**2
        + market**2
        + credit**2
        + 2 * D("0.25") * insurance * market
        + 2 * D("0.25") * insurance * credit
        + 2 * D("0.5") * market * credit
    )
    diversified = Context(prec=60).sqrt(total).quantize(CENT, ROUND_HALF_UP)
    return (diversified * D("0.9")).quantize(CENT, ROUND_HALF_UP)


def ratio(capital: D, minimum: D) -> D:
    return (capital * 100 / minimum).quantize(CENT, ROUND_FLOOR)


def test_the_base_read_back_from_the_inputs_is_the_assessment(assessment):
    basis = basis_from_inputs(assessment.inputs)
    position = evaluate(
        basis.rules,
        basis.exposures,
        core=basis.core,
        supplementary=basis.supplementary,
        rating=basis.rating,
    ).position
    assert assessment.core_capital == D("1345000.00")
    assert position.requirement.minimum_capital == assessment.minimum_capital
    assert position.actual_capital == assessment.actual_capital
    assert position.comprehensive_ratio == assessment.comprehensive_ratio
    assert position.core_ratio == assessment.core_ratio
    assert position.ladder.status == assessment.ladder_status


def test_claims_up_20_by_hand(assessment, actuary):
    scenario = StressScenario.objects.get(code="claims_up_20")
    (result,) = stress_run(assessment=assessment, scenarios=[scenario], actor=actuary)

    assert result.claims_base == D("120000.00")  # 100,000 paid + 20,000 reserved in 2025,
    # not 2024's 5,000
    assert result.claims_loss == D("24000.00")
    assert result.claims_reserves == D("24000.00")  # no reserve run yet: 0 + 24,000
    assert result.core_capital == D("1321000.00")
    assert result.actual_capital == D("1421000.00")
    # insurance 15% × 24,000; market 31% × 100,000 + 0.5% × 200,000 × 5; credit 1% × 500,000
    minimum = cross_minimum(D("3600.00"), D("36000.00"), D("5000.00"))
    assert result.minimum_capital == minimum == D("35862.04")
    assert result.comprehensive_ratio == ratio(D("1421000.00"), minimum) == D("3962.40")
    assert result.core_ratio == ratio(D("1321000.00"), minimum)
    assert result.status == "adequate"
    assert result.computed_by == actuary


def test_asset_prices_fall_by_hand(assessment, actuary):
    scenario = StressScenario.objects.get(code="assets_fall")
    (result,) = stress_run(assessment=assessment, scenarios=[scenario], actor=actuary)

    assert result.asset_loss == D("30000.00")  # equity −30%; no fund, property or bond held
    assert result.core_capital == D("1315000.00")
    # market 31% × 70,000 + 0.5% × 200,000 × 5 = 26,700
    minimum = cross_minimum(D("0.00"), D("26700.00"), D("5000.00"))
    assert result.minimum_capital == minimum
    assert result.comprehensive_ratio == ratio(D("1415000.00"), minimum)


def test_every_active_scenario_once_and_a_second_run_writes_nothing(assessment, actuary):
    first = stress_run(assessment=assessment, actor=actuary)
    assert [r.scenario.code for r in first] == [s["code"] for s in SCENARIOS]
    again = stress_run(assessment=assessment, actor=actuary)
    assert [r.pk for r in again] == [r.pk for r in first]
    assert StressResult.objects.count() == len(SCENARIOS)


def test_an_edited_scenario_gives_a_new_result_beside_the_old(assessment, actuary):
    scenario = StressScenario.objects.get(code="claims_up_20")
    (old,) = stress_run(assessment=assessment, scenarios=[scenario], actor=actuary)
    scenario.shocks = {"claims_pct": "50"}
    scenario.save()
    (new,) = stress_run(assessment=assessment, scenarios=[scenario], actor=actuary)
    assert new.pk != old.pk and new.claims_loss == D("60000.00")
    assert StressResult.objects.count() == 2


def test_an_inactive_scenario_is_not_run_unless_chosen(assessment, actuary):
    StressScenario.objects.exclude(code="pandemic_year").update(active=False)
    (result,) = stress_run(assessment=assessment, actor=actuary)
    assert result.scenario.code == "pandemic_year"
    assert result.claims_loss == D("60000.00")  # 120,000 × 0.5


@pytest.mark.parametrize("role", ["finance", "regulator", "claims_handler"])
def test_only_who_may_run_stress_tests(assessment, make_user, role):
    user = make_user(f"u-{role}", roles=(role,), is_staff=True)
    with pytest.raises(NotAllowed):
        stress_run(assessment=assessment, actor=user)
    with pytest.raises(NotAllowed):
        stress_run(assessment=assessment, actor=None)
    assert not StressResult.objects.exists()


def test_a_superseded_assessment_is_refused(assessment, actuary):
    item("1.00", "core")  # changed inputs: a new version supersedes the draft
    assessment_compute(valuation_date=VALUATION, regime="cross", rating="B", actor=actuary)
    assessment.refresh_from_db()
    assert assessment.state == SolvencyAssessment.State.SUPERSEDED
    with pytest.raises(InvalidInput) as error:
        stress_run(assessment=assessment, actor=actuary)
    assert "assessment" in error.value.fields


def test_a_bad_scenario_stops_the_run_and_saves_nothing(assessment, actuary):
    StressScenario.objects.filter(code="combined").update(shocks={"asset_pct": {"gold": "9"}})
    with pytest.raises(InvalidInput) as error:
        stress_run(assessment=assessment, actor=actuary)
    assert "shocks" in error.value.fields and "combined" in error.value.message
    assert "shocks.asset_pct.gold" in error.value.message
    assert not StressResult.objects.exists()


def test_a_result_is_never_changed(assessment, actuary):
    (result,) = stress_run(
        assessment=assessment, scenarios=[StressScenario.objects.first()], actor=actuary
    )
    result.status = "changed_by_hand"
    with pytest.raises(ImmutableRecord):
        result.save()
    with pytest.raises(ImmutableRecord):
        result.delete()
    assert StressResult.objects.get().status == "adequate"  # as computed


def test_the_seed_is_idempotent_and_leaves_edits_alone():
    from django.apps import apps

    assert StressScenario.objects.count() == len(SCENARIOS)
    StressScenario.objects.filter(code="claims_up_20").update(shocks={"claims_pct": "25"})
    seed_stress_scenarios(apps)
    assert StressScenario.objects.count() == len(SCENARIOS)
    assert StressScenario.objects.get(code="claims_up_20").shocks == {"claims_pct": "25"}
    for scenario in StressScenario.objects.all():
        scenario.full_clean()  # every seeded scenario passes its own checks


# --- The projection service ------------------------------------------------------------


def test_the_projection_starts_from_the_latest_approved_assessment(assessment, actuary2):
    with pytest.raises(InvalidInput) as error:
        replenishment_projection()
    assert "assessment" in error.value.fields
    assessment_approve(assessment=assessment, actor=actuary2)
    fund = tranche("1000000.00")
    PlannedRepayment.objects.create(tranche=fund, due_on=dt.date(2026, 5, 15), amount=D("500.00"))
    PlannedRepayment.objects.create(tranche=fund, due_on=dt.date(2030, 1, 1), amount=D("9.00"))

    projection = replenishment_projection()

    assert projection.repayments == {2: D("500.00")}
    base = projection.line("base")
    assert len(base.quarters) == 12 and base.quarters[-1].end == dt.date(2028, 12, 31)
    # no premiums billed: no contributions; the first quarter earns 800,000 × 2.5% / 4
    q1, q2 = base.quarters[0], base.quarters[1]
    assert q1.contributions == D("0.00") and q1.investment == D("5000.00")
    assert q1.distribution == D("1500.00")  # 30% of the result
    assert q1.core_capital == D("1348500.00")
    assert q2.repayment == D("500.00")
    assert projection.comprehensive_threshold == D("100.00")


def test_saved_assumptions_are_used(assessment, actuary2):
    assessment_approve(assessment=assessment, actor=actuary2)
    ProjectionAssumptions.objects.create(investment_return=D("0"), distribution_share=D("0"))
    q1 = replenishment_projection().line("base").quarters[0]
    assert q1.investment == D("0.00") and q1.core_capital == D("1345000.00")
