"""The solvency page: the latest approved assessment as a C-ROSS quarterly summary,
its history as an SVG chart with the same numbers in a table, the liquidity view of a
mutual aid plan, and a "not yet published" state before any approval."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from disclosure.models import Kind
from mutualsociety.common.display import format_amount
from mutualsociety.common.models import Society
from solvency.services.assessments import assessment_approve, assessment_compute
from tests.solvency.factories import books, holdings

from .conftest import on_day
from .helpers import publish, society_set

pytestmark = pytest.mark.django_db


def approved(actuary, compliance, on: dt.date):
    draft = assessment_compute(valuation_date=on, rating="B", actor=actuary)
    return assessment_approve(assessment=draft, actor=compliance)


def test_nothing_approved_is_not_yet_published(client):
    response = client.get(reverse("disclosure:solvency"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not yet published: no solvency assessment has been approved yet." in html
    assert "<svg" not in html


def test_the_summary_history_and_source(client, actuary, compliance):
    books()
    holdings()
    with on_day(dt.date(2026, 1, 10)):
        approved(actuary, compliance, dt.date(2025, 9, 30))
        latest = approved(actuary, compliance, dt.date(2025, 12, 31))
    source = publish(Kind.SOLVENCY_SUMMARY, "ss:2025Q4", period="2025Q4")
    with on_day(dt.date(2026, 1, 10)):
        response = client.get(reverse("disclosure:solvency"))
    html = response.content.decode()
    assert f"{format_amount(latest.comprehensive_ratio)}%" in html
    assert f"{format_amount(latest.core_ratio)}%" in html
    for amount in (latest.actual_capital, latest.core_capital, latest.minimum_capital):
        assert format_amount(amount) in html
    assert "≥ 100.00%" in html and "≥ 50.00%" in html
    assert f"/disclosure/publications/{source.pk}/" in html
    assert 'role="img"' in html and "<title>Solvency adequacy ratios by quarter</title>" in html
    assert "<desc>" in html
    assert "<caption>Solvency adequacy ratios by quarter</caption>" in html
    assert [p.quarter for p in response.context["history"]] == ["2025Q3", "2025Q4"]
    assert "Liquidity of the mutual aid plans" not in html  # a mutual insurance society


def test_a_mutual_aid_plan_shows_its_liquidity(client):
    society_set(kind=Society.Kind.MUTUAL_AID)
    html = client.get(reverse("disclosure:solvency")).content.decode()
    assert "Liquidity of the mutual aid plans" in html
    assert "Funds held" in html
