"""Computing and approving solvency assessments: numbers checked by hand, versions,
maker-checker, immutability, the selectors later waves read."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context
from decimal import Decimal as D

import pytest
from django.utils import timezone

from mutualsociety.common.exceptions import (
    FourEyesViolation,
    ImmutableRecord,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
)
from solvency.models import AssessmentEvent, SolvencyAssessment
from solvency.selectors import assessment_history, assessment_latest_approved
from solvency.services import assessment_approve, assessment_compute
from tests.solvency.factories import VALUATION, books, holding, holdings, item

pytestmark = pytest.mark.django_db
A = SolvencyAssessment.State
CENT = D("0.01")


def by_hand_cross():
    """C-ROSS preset on the test books: market = 31% × 100,000 + 0.5% × 200,000 × 5 =
    36,000; credit = 1% × 500,000 = 5,000; insurance 0. Diversified = sqrt(36000² +
    5000² + 2·0.5·36000·5000); minimum = 0.9 × that (a small company)."""
    market, credit = D(36000), D(5000)
    total = market**2 + credit**2 + 2 * D("0.5") * market * credit
    diversified = Context(prec=60).sqrt(total).quantize(CENT, ROUND_HALF_UP)
    return market, credit, diversified, (diversified * D("0.9")).quantize(CENT, ROUND_HALF_UP)


@pytest.fixture
def society():
    books()
    holdings()
    item("100000.00", "supplementary")


def test_compute_checks_every_number_by_hand(society, actuary):
    market, credit, diversified, minimum = by_hand_cross()
    a = assessment_compute(valuation_date=VALUATION, regime="cross", rating="B", actor=actuary)

    assert a.version == 1 and a.state == A.COMPUTED
    assert {line.code: line.amount for line in a.lines.filter(kind="module")} == {
        "insurance": D("0.00"),
        "market": market,
        "credit": credit,
    }
    assert a.diversified_requirement == diversified == D("38742.74")
    assert a.minimum_capital == minimum
    assert (a.core_capital, a.supplementary_capital) == (D("1470000.00"), D("100000.00"))
    assert a.admitted_supplementary == D("100000.00")
    assert a.actual_capital == D("1570000.00")
    expected = (a.actual_capital * 100 / minimum).quantize(CENT, ROUND_FLOOR)
    assert a.comprehensive_ratio == expected
    assert a.ladder_status == "adequate" and not a.early_warning
    assert a.inputs["holdings"]["as_of"] == "2025-12-31"
    assert a.inputs["premiums"] == {"from": "2025-01-01", "to": "2025-12-31", "amount": "0.00"}
    assert a.events.get().type == "computed"


def test_the_same_inputs_give_back_the_same_version(society, actuary):
    """A rerun (a retried task) writes nothing new."""
    first = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    second = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)

    assert second.pk == first.pk
    assert SolvencyAssessment.objects.count() == 1
    assert AssessmentEvent.objects.count() == 1


def test_changed_inputs_make_a_new_version_superseding_the_draft(society, actuary):
    first = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    holding(value="50000.00")
    second = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)

    first.refresh_from_db()
    assert (second.version, second.state) == (2, A.COMPUTED)
    assert first.state == A.SUPERSEDED and first.superseded_at is not None
    assert second.lines.get(code="market").amount == D("51500.00")


def test_holdings_of_the_latest_statement_on_or_before_the_date(society, actuary):
    """A statement dated after the valuation date is not read; an older one is replaced
    by the newer one as a whole."""
    holding(as_of=dt.date(2026, 1, 31), value="9999999.00")
    holding(as_of=dt.date(2025, 6, 30), value="8888888.00")
    a = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    assert a.lines.get(code="market").amount == D("36000.00")


def test_the_person_who_computed_it_cannot_approve_it(society, actuary):
    a = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    with pytest.raises(FourEyesViolation):
        assessment_approve(assessment=a, actor=actuary)
    a.refresh_from_db()
    assert a.state == A.COMPUTED


def test_an_approval_given_earlier_keeps_its_time_but_never_a_future_one(
    society, actuary, compliance
):
    """A society's history (the demo) records when each approval was given; a time in
    the future is recorded as now."""
    from django.utils import timezone

    earlier = timezone.now() - dt.timedelta(days=30)
    a = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    approved = assessment_approve(assessment=a, actor=compliance, at=earlier)
    assert approved.approved_at == earlier
    assert a.events.get(type="approved").at == earlier
    b = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    later = assessment_approve(
        assessment=b, actor=compliance, at=timezone.now() + dt.timedelta(days=3)
    )
    assert later.approved_at <= timezone.now()


@pytest.mark.parametrize("approver", ["actuary2", "compliance"])
def test_another_actuary_or_the_compliance_officer_approves(society, actuary, approver, request):
    person = request.getfixturevalue(approver)
    a = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    approved = assessment_approve(assessment=a, actor=person, note="Checked.")

    assert (approved.state, approved.approved_by, approved.approval_note) == (
        A.APPROVED,
        person,
        "Checked.",
    )
    assert assessment_latest_approved() == approved
    # approving again by the same person changes nothing
    again = assessment_approve(assessment=a, actor=person)
    assert again.approved_at == approved.approved_at
    assert a.events.filter(type="approved").count() == 1


def test_the_regulator_and_finance_may_not_compute_or_approve(
    society, actuary, regulator_user, finance_user
):
    with pytest.raises(NotAllowed):
        assessment_compute(valuation_date=VALUATION, rating="B", actor=regulator_user)
    a = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    for person in (regulator_user, finance_user):
        with pytest.raises(NotAllowed):
            assessment_approve(assessment=a, actor=person)


def test_cross_needs_the_rating_before_approval(society, actuary, actuary2):
    a = assessment_compute(valuation_date=VALUATION, actor=actuary)
    with pytest.raises(InvalidInput) as raised:
        assessment_approve(assessment=a, actor=actuary2)
    assert "rating" in raised.value.fields


def test_a_correction_supersedes_the_approved_version_which_stays_readable(
    society, actuary, actuary2
):
    v1 = assessment_approve(
        assessment=assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary),
        actor=actuary2,
    )
    # the same inputs again: the approved version is given back, nothing new
    assert assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary) == v1
    v2 = assessment_compute(valuation_date=VALUATION, rating="C", actor=actuary)
    v1.refresh_from_db()
    assert v1.state == A.APPROVED  # until the correction is approved
    assert v2.ladder_status == "inadequate"
    assessment_approve(assessment=v2, actor=actuary2)

    v1.refresh_from_db()
    assert v1.state == A.SUPERSEDED
    assert assessment_latest_approved().pk == v2.pk
    assert [a.pk for a in assessment_history(8)] == [v2.pk]
    with pytest.raises(TransitionNotAllowed):
        assessment_approve(assessment=v1, actor=actuary2)


def test_an_approved_assessment_cannot_be_changed_or_deleted(society, actuary, actuary2):
    a = assessment_approve(
        assessment=assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary),
        actor=actuary2,
    )
    a.actual_capital = D("1.00")
    with pytest.raises(ImmutableRecord):
        a.save()
    with pytest.raises(ImmutableRecord):
        a.save(update_fields=["actual_capital"])
    with pytest.raises(ImmutableRecord):
        a.delete()


def test_a_future_date_and_a_bad_rating_are_refused(society, actuary):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as raised:
        assessment_compute(valuation_date=tomorrow, actor=actuary)
    assert "valuation_date" in raised.value.fields
    with pytest.raises(InvalidInput) as raised:
        assessment_compute(valuation_date=VALUATION, rating="E", actor=actuary)
    assert "rating" in raised.value.fields
    assert not SolvencyAssessment.objects.exists()


def test_solvency_ii_reports_the_mcr_and_operational_risk_is_capped(society, actuary):
    """No premiums: operational risk 0; SCR = BSCR. The MCR is at least the absolute
    floor of the preset."""
    a = assessment_compute(valuation_date=VALUATION, regime="solvency2", actor=actuary)
    assert a.mcr == D("21000000.00")
    assert a.ladder_status == "mcr_breach"
    assert a.deadline == VALUATION + dt.timedelta(days=30)
    assert a.lines.get(code="operational").amount == D("0.00")


def test_history_is_newest_first_one_per_date(society, actuary, actuary2):
    for day in (dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30)):
        assessment_approve(
            assessment=assessment_compute(valuation_date=day, rating="A", actor=actuary),
            actor=actuary2,
        )
    dates = [a.valuation_date for a in assessment_history(2)]
    assert dates == [dt.date(2025, 9, 30), dt.date(2025, 6, 30)]
