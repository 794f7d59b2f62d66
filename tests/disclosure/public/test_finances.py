"""The finances page: the balance sheet at a closed period's end and the income
statement for it, to the cent; the periods that have closed; an unknown or future
period is a 404 page and a malformed one a 400 page, both in the site's layout."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from disclosure.models import Kind

from .conftest import on_day, post
from .helpers import FOUNDED, publish, society_set

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 30)  # 2026Q2 is not over yet


@pytest.fixture
def books(db):
    """Founded 1 January 2025. 2026Q1: contributions 1,000.10 received in cash,
    expenses 210.00 paid; 2026Q2: contributions 200.20."""
    society_set(founded_on=FOUNDED)
    post("c1", "1002", "6031", "1000.10", dt.date(2026, 1, 15))
    post("x1", "6601", "1002", "210.00", dt.date(2026, 2, 1))
    post("c2", "1002", "6031", "200.20", dt.date(2026, 4, 2))


def get(client, **params):
    with on_day(TODAY):
        return client.get(reverse("disclosure:finances"), params)


def test_the_latest_closed_quarter_by_default_to_the_cent(client, books, compliance):
    source = publish(Kind.FINANCIAL_STATEMENTS, "fs:2026Q1", period="2026Q1")
    response = get(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["shown"].label == "2026Q1"
    assert "Balance sheet at the end of 31 Mar 2026" in html
    assert "Income statement from 1 Jan 2026 to 31 Mar 2026" in html
    assert "1,000.10" in html and "210.00" in html
    assert "790.10" in html  # cash, the result and the surplus for the quarter
    assert "200.20" not in html  # the second quarter is not closed
    assert f"/disclosure/publications/{source.pk}/" in html
    labels = [q.label for q in response.context["quarters"]]
    assert labels == ["2026Q1", "2025Q4", "2025Q3", "2025Q2", "2025Q1"]
    assert [y.label for y in response.context["years"]] == ["2025"]


def test_a_closed_year(client, books):
    response = get(client, year="2025")
    assert response.status_code == 200
    assert "Income statement from 1 Jan 2025 to 31 Dec 2025" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"period": "2026Q2"},
        {"period": "2027Q1"},
        {"period": "2024Q4"},
        {"year": "2026"},
        # the last quarter ``datetime`` knows: its end is not the next quarter's eve
        {"period": "9999Q4"},
        {"year": "9999"},
    ],
)
def test_a_period_not_closed_or_before_the_books_is_a_404_page(client, books, params):
    response = get(client, **params)
    assert response.status_code == 404
    html = response.content.decode()
    assert "has published no accounts for" in html
    assert 'class="subnav"' in html  # in the disclosure site's layout


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2026Q5"}, "period"),
        ({"period": "2026-03"}, "period"),
        ({"period": "abc"}, "period"),
        ({"year": "26"}, "year"),
        ({"year": "2026Q1"}, "year"),
        ({"period": "2026Q1", "year": "2026"}, "period"),
    ],
)
def test_a_malformed_period_is_a_400_page_naming_the_field(client, books, params, field):
    response = get(client, **params)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"<code>{field}</code>" in html
    assert 'class="subnav"' in html


def test_before_the_first_quarter_closes_there_is_nothing_yet(client):
    society_set(founded_on=dt.date(2026, 5, 1))
    response = get(client)
    assert response.status_code == 200
    assert "No accounting period has closed yet" in response.content.decode()


def test_without_a_founding_day_the_periods_begin_with_the_books(client):
    post("c1", "1002", "6031", "10.00", dt.date(2026, 2, 1))
    response = get(client)
    assert [q.label for q in response.context["quarters"]] == ["2026Q1"]


def test_the_page_reads_in_chinese(client, books):
    with on_day(TODAY):
        html = client.get(
            reverse("disclosure:finances"), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert "资产负债表" in html and "利润表" in html
