"""The solvency dashboard: who sees it, the empty state, the latest position against its
thresholds, the history as a chart and a table, the capital breakdown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from solvency.services.assessments import assessment_approve, assessment_compute
from tests.members.factories import mutual_aid_plan_make
from tests.solvency.factories import VALUATION, books, holding, holdings, item

pytestmark = pytest.mark.django_db
DASHBOARD = "admin:solvency_dashboard"


def approved(actuary, approver, on=VALUATION, rating="B"):
    assessment = assessment_compute(valuation_date=on, rating=rating, actor=actuary)
    return assessment_approve(assessment=assessment, actor=approver)


def test_the_empty_state_says_what_to_do(client, actuary):
    client.force_login(actuary)
    page = client.get(reverse(DASHBOARD))
    text = page.content.decode()
    assert page.status_code == 200
    assert "No approved solvency assessment yet" in text
    assert reverse("admin:solvency_solvencyassessment_compute") in text


def test_a_draft_is_not_shown_but_counted(client, actuary):
    books()
    assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)
    client.force_login(actuary)
    text = client.get(reverse(DASHBOARD)).content.decode()
    assert "No approved solvency assessment yet" in text
    assert "1 computed assessment waits for approval." in text


def test_the_latest_approved_position_with_its_thresholds(client, actuary, compliance):
    books()
    holdings()
    assessment = approved(actuary, compliance)
    client.force_login(compliance)
    page = client.get(reverse(DASHBOARD))
    text = page.content.decode()
    assert page.status_code == 200
    assert f"{assessment.comprehensive_ratio}%" in text
    assert f"{assessment.core_ratio}%" in text
    assert "Threshold 100.00%" in text and "Threshold 50.00%" in text
    assert "early warning below 120.00%" in text
    assert "Adequate" in text
    assert reverse("admin:solvency_solvencyassessment_change", args=[assessment.pk]) in text
    # The capital breakdown and the module charges, to the cent.
    assert "Initial operating fund" in text
    assert "38,742.74" in text  # the diversified requirement (test_admin computes the same)
    assert "Market risk" in text


def test_history_chart_and_table(client, actuary, compliance):
    books()
    holdings()
    dates = [dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30), VALUATION]
    for day in dates:
        approved(actuary, compliance, on=day)
    client.force_login(actuary)
    text = client.get(reverse(DASHBOARD)).content.decode()
    assert "<svg" in text and 'role="img"' in text and "<title" in text
    assert 'viewBox="0 0 720 320"' in text
    for quarter in ("2025Q1", "2025Q2", "2025Q3", "2025Q4"):
        assert quarter in text
    assert text.count("<polyline") == 3  # both ratios, the core one on a white casing
    assert text.count('stroke="#6a1b9a" stroke-width="2" stroke-dasharray="8 5"') == 1


def test_an_early_warning_is_labelled(client, actuary, compliance):
    books()
    holdings()
    # A negative admitted-asset adjustment leaves capital just above the minimum.
    item("-1431000.00", "core", kind="admitted_asset_adjustment")
    assessment = approved(actuary, compliance)
    assert assessment.ladder_status == "early_warning", assessment.comprehensive_ratio
    client.force_login(compliance)
    text = client.get(reverse(DASHBOARD)).content.decode()
    assert "Early warning" in text
    assert 'class="figure warn"' in text


@pytest.mark.parametrize("role", ["director", "supervisor", "regulator", "compliance_officer"])
def test_the_board_and_the_regulator_see_it(client, make_user, role):
    user = make_user(f"u-{role}", roles=(role,), is_staff=True)
    client.force_login(user)
    assert client.get(reverse(DASHBOARD)).status_code == 200
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse(DASHBOARD) in index


def test_staff_without_the_permission_are_refused(client, make_user):
    user = make_user("handler", roles=("claims_handler",), is_staff=True)
    client.force_login(user)
    assert client.get(reverse(DASHBOARD)).status_code == 403


def test_a_member_and_anonymous_are_sent_to_sign_in(client, plain_user):
    url = reverse(DASHBOARD)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    client.force_login(plain_user)
    member = client.get(url)
    assert member.status_code == 302 and "login" in member["Location"]


def test_bad_quarters_falls_back_with_a_message(client, actuary):
    client.force_login(actuary)
    text = client.get(reverse(DASHBOARD), {"quarters": "abc"}).content.decode()
    assert "give a whole number from 4 to 40" in text


def test_a_standing_alert_is_listed_with_what_it_requires(client, actuary, compliance):
    """C-ROSS: equity of 10,000,000 against 1,470,000 of capital: 52.68%, below 100%
    (the rung ``inadequate``, due 30 days after the valuation date)."""
    books()
    holding(value="10000000.00")
    approved(actuary, compliance)
    client.force_login(compliance)
    text = client.get(reverse(DASHBOARD)).content.decode()
    assert "Standing alerts" in text
    assert "52.68%" in text
    assert "<td>Solvency inadequate</td>" in text and "<td>inadequate</td>" not in text
    assert (VALUATION + dt.timedelta(days=30)).strftime("%-d %b %Y") in text


def test_without_an_alert_or_a_mutual_aid_plan_neither_panel_shows(client, actuary, compliance):
    books()
    approved(actuary, compliance)
    client.force_login(compliance)
    text = client.get(reverse(DASHBOARD)).content.decode()
    assert "Standing alerts" not in text
    assert "Liquidity of the mutual-aid plans" not in text


def test_a_mutual_aid_plan_brings_its_liquidity_panel(client, compliance):
    mutual_aid_plan_make()
    client.force_login(compliance)
    text = client.get(reverse(DASHBOARD)).content.decode()
    assert "Liquidity of the mutual-aid plans" in text
    assert "Members at the annual cap" in text
