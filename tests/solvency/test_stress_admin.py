"""The staff pages of stress tests, replenishment planning and liquidity: who may see
and change what, the side-by-side table and its chart, bad scenario input refused."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mutualsociety.common.display import format_amount
from solvency.models import ProjectionAssumptions, StressResult, StressScenario
from solvency.selectors import quarter_of
from solvency.services import assessment_approve, assessment_compute
from solvency.services.projection import replenishment_projection
from tests.solvency.factories import VALUATION, books, holdings

pytestmark = pytest.mark.django_db
STRESS = "admin:solvency_stress"
PROJECTION = "admin:solvency_projection"
LIQUIDITY = "admin:solvency_liquidity"


@pytest.fixture
def regulator(make_user):
    return make_user("regulator", roles=("regulator",), is_staff=True)


@pytest.fixture
def approved(actuary, actuary2):
    books()
    holdings()
    a = assessment_compute(valuation_date=VALUATION, regime="cross", rating="B", actor=actuary)
    return assessment_approve(assessment=a, actor=actuary2)


def test_the_actuary_runs_every_scenario_and_sees_them_side_by_side(client, actuary, approved):
    client.force_login(actuary)
    response = client.post(reverse(STRESS) + f"?assessment={approved.pk}", {})
    assert response.status_code == 302
    assert StressResult.objects.count() == StressScenario.objects.count() == 6
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and page.count("<rect") == 7  # the base and six scenarios
    assert "threshold 100.00%" in page
    table = page[page.index('id="stress-table"') :]
    assert str(approved.comprehensive_ratio) in table
    for result in StressResult.objects.all():
        assert str(result.comprehensive_ratio) in table
    assert "Pandemic year" in table
    assert ">Adequate<" in table and ">adequate<" not in table  # a label, not the code
    assert f">{format_amount(approved.minimum_capital)}<" in table  # 1,234.56 as elsewhere
    assert approved.regime.display_name in page and f" {approved.regime.code} v" not in page


def test_the_regulator_reads_but_cannot_run_or_edit(client, regulator, approved):
    client.force_login(regulator)
    assert client.get(reverse(STRESS)).status_code == 200
    assert client.post(reverse(STRESS), {}).status_code == 403
    assert not StressResult.objects.exists()
    scenario = StressScenario.objects.get(code="claims_up_20")
    url = reverse("admin:solvency_stressscenario_change", args=[scenario.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"code": "claims_up_20", "name": "x", "name_en": "x", "shocks": "{}"})
    scenario.refresh_from_db()
    assert scenario.shocks == {"claims_pct": "20"}
    assert client.get(reverse(PROJECTION)).status_code == 200
    assert client.get(reverse(LIQUIDITY)).status_code == 200


def test_a_member_of_staff_without_solvency_rights_sees_nothing(client, make_user, approved):
    user = make_user("handler", roles=("claims_handler",), is_staff=True)
    client.force_login(user)
    for name in (STRESS, PROJECTION, LIQUIDITY):
        assert client.get(reverse(name)).status_code == 403


def scenario_form(**overrides):
    data = {
        "code": "my_test",
        "name": "测试",
        "name_en": "Test",
        "active": "on",
        "order": "9",
        "shocks": '{"claims_pct": "10"}',
        "description": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("shocks", "message"),
    [
        ('{"claims_pct": "lots"}', "shocks.claims_pct: must be a number"),
        ('{"asset_pct": {"gold": "5"}}', "shocks.asset_pct.gold: unknown asset class"),
        ('{"exit_pct": "150"}', "shocks.exit_pct: must be between 0 and 100"),
        ('{"pandemic": "2"}', "shocks.pandemic: unknown shock"),
    ],
)
def test_the_actuary_edits_scenarios_and_bad_shocks_are_refused(client, actuary, shocks, message):
    client.force_login(actuary)
    add = reverse("admin:solvency_stressscenario_add")
    response = client.post(add, scenario_form(shocks=shocks))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not StressScenario.objects.filter(code="my_test").exists()
    assert client.post(add, scenario_form()).status_code == 302
    assert StressScenario.objects.get(code="my_test").shocks == {"claims_pct": "10"}


def test_the_projection_page_draws_every_route_and_the_numbers(client, actuary, approved):
    client.force_login(actuary)
    page = client.get(reverse(PROJECTION)).content.decode()
    assert page.count("<polyline") == 5
    for label in (
        "Base",
        "Retained surplus",
        "Reduced distribution",
        "New fund tranche",
        "Subordinated surplus notes",
    ):
        assert label in page
    ratios = page[page.index('id="projection-ratios"') :]
    assert len(re.findall(r'<tr><th scope="row">', ratios.split("</table>")[0])) == 5
    assert 'class="table-scroll"' in page  # a phone scrolls the tables


def test_the_projection_page_reads_as_people_name_things(client, actuary, approved):
    client.force_login(actuary)
    page = client.get(reverse(PROJECTION)).content.decode()
    projection = replenishment_projection()
    first = projection.line("base").quarters[0]
    # the regime by its name, the status by its label, the quarter short, amounts grouped
    assert approved.regime.display_name in page and f" {approved.regime.code} v" not in page
    base = page[page.index('id="projection-base"') :].split("</table>")[0]
    assert ">Adequate<" in base and ">adequate<" not in base
    assert f">{quarter_of(first.end)}<" in base  # 2026Q4, not 31 Dec 2026 on four lines
    assert f">{format_amount(first.core_capital)}<" in base and "," in format_amount(
        first.core_capital
    )
    # the chart: every line its own dash pattern, a legend without list bullets
    assert len(set(re.findall(r'<polyline[^>]*?(stroke-dasharray="[^"]+")', page))) == 4
    assert 'class="solvency-legend"' in page and 'class="chart-legend"' not in page


def test_the_projection_page_says_when_there_is_nothing_to_project(client, actuary):
    client.force_login(actuary)
    page = client.get(reverse(PROJECTION)).content.decode()
    assert "no approved solvency assessment" in page


def test_the_assumptions_are_one_row_edited_by_the_actuary(client, actuary, regulator):
    client.force_login(actuary)
    add = reverse("admin:solvency_projectionassumptions_add")
    data = {
        "contribution_growth": "0.05",
        "loss_ratio": "0.7",
        "expense_ratio": "0.15",
        "reserve_growth": "0.05",
        "investment_return": "0.025",
        "distribution_share": "1.5",
        "tranche_amount": "1000000.00",
        "notes_amount": "1000000.00",
        "distribution_cut": "0.5",
    }
    response = client.post(add, data)
    assert (
        response.status_code == 200 and "A share is between 0 and 1." in response.content.decode()
    )
    assert not ProjectionAssumptions.objects.exists()
    data["distribution_share"] = "0.3"
    assert client.post(add, data).status_code == 302
    row = ProjectionAssumptions.objects.get()
    assert row.updated_by == actuary
    assert client.get(add).status_code == 403  # one row only
    client.force_login(regulator)
    url = reverse("admin:solvency_projectionassumptions_change", args=[row.pk])
    client.post(url, {**data, "loss_ratio": "0.9"})
    row.refresh_from_db()
    assert str(row.loss_ratio) == "0.700000"
