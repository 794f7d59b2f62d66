"""disclosure.reports builders: the document each report is, and the errors on bad figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from disclosure.reports import (
    FiguresError,
    Kind,
    annual_report,
    solvency_quarterly_report,
)
from tests.disclosure.reports import samples


def find_table(report, caption):
    return next(t for s in report.sections for t in s.tables if t.caption == caption)


def test_the_quarterly_report_is_dated_and_named_from_the_figures():
    report = solvency_quarterly_report(samples.quarterly(), language="en")

    assert report.kind == "solvency_quarterly"
    assert report.title == "Quarterly solvency report"
    assert report.subtitle == "Q3 2026"
    assert report.society_name == "Zhong'an Mutual Insurance Society"
    assert report.generated_on == dt.date(2026, 10, 20)
    assert report.currency == "CNY"


def test_the_chinese_report_takes_the_chinese_names():
    report = solvency_quarterly_report(samples.quarterly(), language="zh-hans")

    assert report.society_name == "众安互助相互保险社"
    headings = [s.heading for s in report.sections]
    assert "偿付能力" in headings


def test_ratios_in_percent_become_fractions_and_amounts_stay_exact():
    report = solvency_quarterly_report(samples.quarterly(), language="en")

    indicators = find_table(report, "Key solvency indicators")
    comprehensive = indicators.rows[0]
    assert comprehensive[1].kind is Kind.PERCENT
    assert comprehensive[1].value == Decimal("1.8543")
    assert comprehensive[2].value == Decimal("1")
    reserves = find_table(report, "Technical reserves")
    assert reserves.total is not None
    assert reserves.total[1].value == Decimal("7037035.80")


def test_the_annual_report_has_every_part():
    report = annual_report(samples.annual(), language="en")

    assert report.subtitle == "Year 2026"
    headings = [s.heading for s in report.sections]
    for heading in ("Overview", "Governance", "Finances", "Solvency", "Claims", "Complaints"):
        assert heading in headings
    votes = find_table(report, "Resolutions and vote results")
    assert votes.rows[0][6].value == Decimal("0.8000")  # 96 of 120 took part
    assert "Li" not in votes.rows[1][7].value and "李娜" in votes.rows[1][7].value
    assets = find_table(report, "Assets")
    assert assets.total is not None
    assert assets.total[2].value == Decimal("190234567.89")


def test_a_missing_block_is_said_to_be_missing_not_an_error():
    figures = samples.annual()
    del figures["complaints"]
    del figures["governance"]

    report = annual_report(figures, language="en")

    complaints = next(s for s in report.sections if s.heading == "Complaints")
    assert complaints.paragraphs == ["Nothing was reported for this period."]


def test_a_balance_sheet_that_does_not_balance_is_flagged():
    figures = samples.annual()
    figures["finances"]["balance_sheet"]["assets"][0]["amount"] = "1.00"

    report = annual_report(figures, language="en")

    finances = next(s for s in report.sections if s.heading == "Finances")
    assert any("does not balance" in note for note in finances.notes)


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("solvency", "capital", "actual"), None, "solvency.capital.actual"),
        (("solvency", "capital", "actual"), 125456522.13, "solvency.capital.actual"),
        (("solvency", "capital", "actual"), "lots", "solvency.capital.actual"),
        (("solvency", "valuation_date"), "30/09/2026", "solvency.valuation_date"),
        (("generated_on",), None, "generated_on"),
        (("schema",), 2, "schema"),
        (("history",), "none", "history"),
    ],
)
def test_bad_figures_raise_an_error_naming_the_value(path, value, field):
    """An amount given as a float, text that is not a number, a date that is not ISO or
    a missing value is refused with its path (a 400 naming the field in the API)."""
    figures = samples.quarterly()
    target = figures
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value

    with pytest.raises(FiguresError) as caught:
        solvency_quarterly_report(figures, language="en")

    assert caught.value.fields == {field: [caught.value.message]}


def test_a_period_that_ends_before_it_starts_is_refused():
    figures = samples.quarterly()
    figures["period"] = {"start": "2026-10-01", "end": "2026-09-30"}

    with pytest.raises(FiguresError, match="period.start"):
        solvency_quarterly_report(figures, language="en")
