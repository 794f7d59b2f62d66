"""The staff face of reserve runs: the run page, the report (triangle, factors, results,
chart), approval and rejection through the actions (four eyes), who sees what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from solvency.models import ReserveRun
from solvency.selectors.reserves import heat, triangle_table
from tests.solvency.factories import reserve_history

pytest.importorskip("chainladder")
pytestmark = pytest.mark.django_db

CHANGELIST = "admin:solvency_reserverun_changelist"
RUN = "admin:solvency_reserverun_run"
JUNE = "2024-06-30"


def run_on_page(client, **extra):
    data = {"valuation_date": JUNE, "method": "mack", "grain": "quarter", "apriori": "", "tail": ""}
    return client.post(reverse(RUN), {**data, **extra})


def test_the_actuary_runs_and_reads_the_report(client, actuary):
    reserve_history()
    client.force_login(actuary)
    assert client.get(reverse(RUN)).status_code == 200

    response = run_on_page(client)

    reserve = ReserveRun.objects.get()
    assert response.status_code == 302
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "2300.00" in text.replace(",", "")  # outstanding
    assert "<svg" in text and "reserve-triangle" in text and "table-scroll" in text
    assert "×0.900" in text  # the 2023Q4 origin's incurred factor from lag 2 to 3
    assert ">2023Q4<" in text and ">2023-10-01<" not in text  # origins named by quarter
    assert "2,300.00" in text  # amounts grouped as on the rest of the site
    assert f"{reserve.ultimate_total}" in text.replace(",", "")
    assert 'class="heat-' in text  # factors coloured by class (static/css/reserve-heat.css)


def test_a_refused_run_shows_on_the_field_and_saves_nothing(client, actuary):
    client.force_login(actuary)
    response = run_on_page(client, method="bf")
    assert response.status_code == 200
    assert "a-priori loss ratio" in response.content.decode()
    assert not ReserveRun.objects.exists()


def test_approval_by_action_needs_a_second_person(client, actuary, compliance):
    reserve_history()
    client.force_login(actuary)
    run_on_page(client)
    reserve = ReserveRun.objects.get()
    data = {"action": "approve", ACTION_CHECKBOX_NAME: [reserve.pk]}
    response = client.post(reverse(CHANGELIST), data, follow=True)
    assert "another person must approve it" in response.content.decode()
    reserve.refresh_from_db()
    assert reserve.state == "draft"

    client.force_login(compliance)
    client.post(reverse(CHANGELIST), data)
    reserve.refresh_from_db()
    assert (reserve.state, reserve.approved_by) == ("approved", compliance)
    assert reserve.ledger_entry is not None


def test_reject_asks_for_a_reason(client, actuary, actuary2):
    reserve_history()
    client.force_login(actuary)
    run_on_page(client)
    reserve = ReserveRun.objects.get()
    client.force_login(actuary2)
    data = {"action": "reject", ACTION_CHECKBOX_NAME: [reserve.pk], "apply": "1"}
    client.post(reverse(CHANGELIST), {**data, "reason": "Estimates not reviewed."})
    reserve.refresh_from_db()
    assert reserve.state == "rejected"


def test_the_regulator_reads_and_changes_nothing(client, actuary, regulator_user):
    reserve_history()
    client.force_login(actuary)
    run_on_page(client)
    reserve = ReserveRun.objects.get()
    client.force_login(regulator_user)

    listing = client.get(reverse(CHANGELIST))
    assert listing.status_code == 200
    assert 'name="action"' not in listing.content.decode()
    assert client.get(reverse(RUN)).status_code == 403
    report = reverse("admin:solvency_reserverun_report", args=[reserve.pk])
    assert client.get(report).status_code == 200
    client.post(reverse(CHANGELIST), {"action": "approve", ACTION_CHECKBOX_NAME: [reserve.pk]})
    reserve.refresh_from_db()
    assert reserve.state == "draft"


def test_the_report_in_chinese(client, actuary):
    reserve_history()
    client.force_login(actuary)
    run_on_page(client)
    reserve = ReserveRun.objects.get()
    page = client.get(
        reverse("admin:solvency_reserverun_report", args=[reserve.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert page.status_code == 200


def test_heat_and_layout():
    lags, rows = triangle_table([["a", 1, "100"], ["a", 2, "150"], ["b", 1, "80"]])
    assert lags == [1, 2]
    assert rows[0]["cells"][1]["factor"] == 1.5
    assert rows[1]["cells"][1]["value"] is None
    assert heat(None, 1) == ""
    assert heat(1.5, 0.5) == "heat-10"  # the deepest colour for the widest factor
    assert heat(Decimal("1.25"), Decimal("0.5")) == "heat-5"  # half way
    assert heat(Decimal("0.99"), Decimal("0.5")) == "heat-0"  # close to 1: palest
    assert rows[0]["cells"][1]["heat"] == "heat-10"  # the only factor is the widest
