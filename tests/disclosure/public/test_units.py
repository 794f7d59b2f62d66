"""The pure parts of the public pages: period parsing, the money bar chart's axis and
the two-decimal percentages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import translation

from disclosure import periods
from disclosure.charts import money_bar_chart, nice_top
from disclosure.templatetags.disclosure_format import pct2, rate2, share_of


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2026q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("2024Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2026Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        ("9999Q4", dt.date(9999, 10, 1), dt.date(9999, 12, 31)),
    ],
)
def test_quarters_parse(text, start, end):
    period = periods.quarter_parse(text)
    assert (period.start, period.end, period.label) == (start, end, text.upper())


@pytest.mark.parametrize(
    "text", ["2026Q0", "2026Q5", "26Q1", "2026-Q1", "", "0000Q1", "２０２６Q1"]
)
def test_malformed_quarters_are_refused(text):
    with pytest.raises(periods.PeriodMalformed):
        periods.quarter_parse(text)


def test_closed_periods_newest_first():
    today = dt.date(2026, 4, 1)
    quarters = periods.closed_quarters(since=dt.date(2025, 11, 5), today=today)
    assert [q.label for q in quarters] == ["2026Q1", "2025Q4"]
    assert [y.label for y in periods.closed_years(since=dt.date(2024, 6, 1), today=today)] == [
        "2025",
        "2024",
    ]
    assert periods.closed_quarters(since=dt.date(2026, 4, 1), today=today) == []


@pytest.mark.parametrize(
    ("high", "top", "step"),
    [(D("0"), D("1"), D("0.25")), (D("27.00"), D("40"), D("10")), (D("67.5"), D("80"), D("20"))],
)
def test_the_amount_axis_is_round(high, top, step):
    assert nice_top(high) == (top, step)


def test_bars_of_amounts():
    with translation.override("en"):
        chart = money_bar_chart([("2026-03-14", D("27.00")), ("2026-03-28", D("1067.50"))])
    small, large = chart["bars"]
    assert large.height > small.height > 0
    assert large.text == "1,067.50" and [t["label"] for t in chart["ticks"]][-1] == "2,000"


@pytest.mark.parametrize(
    ("function", "value", "written"),
    [
        (rate2, D("0.333333"), "33.33%"),
        (rate2, D("0.1"), "10.00%"),
        (rate2, None, ""),
        (rate2, "x", ""),
        (pct2, D("1569.31"), "1,569.31%"),
        (pct2, D("100"), "100.00%"),
    ],
)
def test_percentages_to_two_places(function, value, written):
    with translation.override("en"):
        assert function(value) == written


def test_turnout():
    with translation.override("en"):
        assert share_of(3, 4) == "75.00%"
        assert share_of(2, 3) == "66.67%"
        assert share_of(1, 0) == "" and share_of(None, None) == ""
