"""The selectors the dashboard, the API and the disclosure issue read: the latest
approved summary (with the thresholds it was judged by), the history by quarter, who
reads drafts; and the chart's geometry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from solvency import selectors
from solvency.admin.chart import history_chart
from solvency.models import Regime
from solvency.services.assessments import assessment_approve, assessment_compute
from tests.solvency.factories import VALUATION, books, holdings

pytestmark = pytest.mark.django_db


def approved(actuary, approver, on, rating="B"):
    draft = assessment_compute(valuation_date=on, rating=rating, actor=actuary)
    return assessment_approve(assessment=draft, actor=approver)


def test_no_summary_and_no_history_before_an_approval(actuary):
    books()
    assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    assert selectors.solvency_summary_latest() is None
    assert selectors.solvency_history() == []


def test_the_summary_of_the_latest_approved(actuary, compliance):
    books()
    holdings()
    approved(actuary, compliance, dt.date(2025, 9, 30))
    latest = approved(actuary, compliance, VALUATION)
    summary = selectors.solvency_summary_latest()
    assert summary.assessment_id == latest.pk
    assert summary.valuation_date == VALUATION
    assert summary.comprehensive_ratio == latest.comprehensive_ratio
    assert (summary.status, summary.status_label, summary.rating) == ("adequate", "Adequate", "B")
    assert summary.thresholds == selectors.Thresholds(
        Decimal("100.00"), Decimal("50.00"), None, "B", Decimal("20.00")
    )


def test_the_thresholds_are_those_the_assessment_was_judged_by(actuary, compliance):
    books()
    latest = approved(actuary, compliance, VALUATION)
    Regime.objects.filter(code="cross").update(comprehensive_min=Decimal("150.00"))
    summary = selectors.solvency_summary_latest()
    assert summary.assessment_id == latest.pk
    assert summary.thresholds.comprehensive == Decimal("100.00")


def test_history_takes_each_quarters_latest_and_counts_quarters(actuary, compliance):
    books()
    days = [
        dt.date(2025, 3, 31),
        dt.date(2025, 6, 30),
        dt.date(2025, 10, 31),  # a month end inside Q4 ...
        VALUATION,  # ... the quarter's latest wins
    ]
    made = {day: approved(actuary, compliance, day) for day in days}
    history = selectors.solvency_history(3)
    assert [(p.quarter, p.valuation_date) for p in history] == [
        ("2025Q1", dt.date(2025, 3, 31)),
        ("2025Q2", dt.date(2025, 6, 30)),
        ("2025Q4", VALUATION),
    ]
    assert history[-1].assessment_id == made[VALUATION].pk
    assert [p.quarter for p in selectors.solvency_history(2)] == ["2025Q2", "2025Q4"]
    assert selectors.solvency_history(0) == []


def test_a_correction_replaces_the_quarter_in_the_history(actuary, compliance, actuary2):
    books()
    first = approved(actuary, compliance, VALUATION, rating="B")
    correction = approved(actuary, actuary2, VALUATION, rating="A")
    assert correction.pk != first.pk
    history = selectors.solvency_history()
    assert [p.assessment_id for p in history] == [correction.pk]


def test_drafts_are_read_only_by_those_who_compute_or_approve(
    actuary, compliance, regulator_user, make_user
):
    books()
    done = approved(actuary, compliance, dt.date(2025, 9, 30))
    draft = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    director = make_user("director", roles=("director",), is_staff=True)
    handler = make_user("handler", roles=("claims_handler",), is_staff=True)
    for reader in (actuary, compliance):
        assert set(selectors.assessments_visible_to(reader)) == {done, draft}
    for reader in (regulator_user, director):
        assert list(selectors.assessments_visible_to(reader)) == [done]
    assert list(selectors.assessments_visible_to(handler)) == []


def point(quarter, comprehensive, core, status="adequate"):
    return selectors.HistoryPoint(
        quarter, VALUATION, Decimal(comprehensive), Decimal(core), None, status, "", False, 1
    )


def test_the_chart_scales_to_the_largest_ratio_and_draws_the_band():
    history = [
        point("2025Q3", "250.00", "180.00"),
        point("2025Q4", "110.00", "90.00", "early_warning"),
    ]
    chart = history_chart(
        history,
        comprehensive_min=Decimal("100"),
        core_min=Decimal("50"),
        margin=Decimal("20"),
    )
    # 250 → a step of 50 (at most six ticks), the axis to 300.
    assert [v for _y, v in chart.y_ticks] == [0, 50, 100, 150, 200, 250, 300]
    bottom, top = chart.plot_bottom, chart.plot_top
    assert chart.y_ticks[0][0] == bottom and chart.y_ticks[-1][0] == top
    comprehensive = chart.lines[0]
    assert [p.x for p in comprehensive.points] == [chart.plot_left, chart.plot_right]
    # 110% sits 110/300 of the way up; the band spans 100% to 120%.
    height = bottom - top
    assert comprehensive.points[1].y == round(bottom - height * 110 / 300, 1)
    assert comprehensive.points[1].warning and not comprehensive.points[0].warning
    assert chart.band == (round(bottom - height * 120 / 300, 1), round(height * 20 / 300, 1))
    assert [(k, v) for k, _y, v in chart.thresholds] == [("comprehensive", 100), ("core", 50)]


def test_one_quarter_is_centred_and_no_quarter_is_empty():
    one = history_chart(
        [point("2025Q4", "130.00", "130.00")],
        comprehensive_min=Decimal("100"),
        core_min=None,
        margin=Decimal("0"),
    )
    assert one.lines[0].points[0].x == (one.plot_left + one.plot_right) / 2
    assert one.band is None and [k for k, _y, _v in one.thresholds] == ["comprehensive"]
    assert history_chart([], comprehensive_min=None, core_min=None, margin=Decimal(0)).empty
