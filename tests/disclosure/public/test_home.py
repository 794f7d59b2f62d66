"""The at-a-glance page: the key figures to the cent, each with its day and the
publication it was disclosed in; the solvency ratios with their status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from disclosure.models import Kind
from tests.disclosure.test_figures import AS_OF, first_half  # noqa: F401 - a fixture

from .conftest import on_day
from .helpers import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def compliance(make_user):  # test_figures' first_half approves as "compliance"
    return make_user("compliance", roles=("compliance_officer",), is_staff=True)


def test_key_figures_to_the_cent_with_their_days_and_sources(client, first_half):  # noqa: F811
    """tests.disclosure.test_figures.first_half: 2 members in force, contributions
    2,289.30, claims paid 500.00, claims ratio 700.00 ÷ 2,100.00, expense ratio
    210.00 ÷ 2,100.00; the assessment of 31 December 2025 with its summary published."""
    statements = publish(Kind.FINANCIAL_STATEMENTS, "fs:2025", period="2025",
                         title_en="Financial statements 2025")  # fmt: skip
    summary = publish(Kind.SOLVENCY_SUMMARY, "ss:2025Q4", period="2025Q4",
                      title_en="Solvency summary 2025Q4")  # fmt: skip
    with on_day(AS_OF):
        html = client.get(reverse("disclosure:home")).content.decode()
    assert "2,289.30 CNY" in html
    assert "500.00 CNY" in html
    assert "33.33%" in html and "10.00%" in html
    assert ">2<" in html  # members in force
    assert "From 1 Jan 2026 to 30 Jun 2026" in html
    assert "As of 30 Jun 2026" in html and "As of 31 Dec 2025" in html
    assert f"/disclosure/publications/{statements.pk}/" in html
    assert f"/disclosure/publications/{summary.pk}/" in html
    assert "Financial statements 2025" in html and "Solvency summary 2025Q4" in html
    assert "Adequate" in html


def test_before_any_assessment_the_solvency_is_not_yet_published(client):
    with on_day(dt.date(2026, 6, 30)):
        html = client.get(reverse("disclosure:home")).content.decode()
    assert "No solvency assessment has been approved and published yet." in html
    assert "Not yet published" in html  # no source publication


def test_the_page_reads_in_chinese(client):
    html = client.get(reverse("disclosure:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "信息披露" in html and "偿付能力" in html
    assert 'lang="zh-hans"' in html
