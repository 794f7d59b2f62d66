"""disclosure.reports.render_csv / render_json / sha256_hex: the figures as data files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from decimal import Decimal

from disclosure.reports import (
    annual_report,
    render_csv,
    render_json,
    sha256_hex,
    solvency_quarterly_report,
)
from tests.disclosure.reports import samples


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_csv_opens_with_the_csv_module_and_holds_the_amounts_in_machine_form():
    rows = csv_rows(render_csv(solvency_quarterly_report(samples.quarterly(), language="en")))

    assert list(rows[0]) == ["section", "table", "row", "column", "type", "value"]
    actual = [r for r in rows if r["table"] == "Actual capital" and r["row"] == "total"]
    assert [(r["column"], r["type"], r["value"]) for r in actual] == [
        ("Item", "text", "Actual capital"),
        ("Amount", "money", "125456522.13"),
    ]
    ratios = {
        Decimal(r["value"])
        for r in rows
        if r["table"] == "Key solvency indicators" and r["type"] == "percent"
    }
    assert {Decimal("1.8543"), Decimal("1.2007"), Decimal("1"), Decimal("0.5")} <= ratios
    assert {r["value"] for r in rows if r["type"] == "date"} >= {"2026-09-30", "2025-12-31"}


def test_the_chinese_csv_keeps_its_chinese():
    data = render_csv(annual_report(samples.annual(), language="zh-hans"))
    rows = csv_rows(data)

    assert any(r["value"] == "重疾互助计划" for r in rows)
    assert any(r["value"] == "张伟" for r in rows)
    month_totals = [r for r in rows if r["row"] == "total" and r["type"] == "money"]
    assert month_totals  # the sums of the tables are lines too


def test_each_table_cell_is_one_line_and_the_totals_add_up():
    figures = samples.annual(months=30)
    rows = csv_rows(render_csv(annual_report(figures, language="en")))

    claimed = [
        r
        for r in rows
        if r["table"] == "Claims by plan and month of submission"
        and r["column"] == "Amount claimed"
    ]
    assert len(claimed) == 31  # 30 months and the total
    total = claimed.pop()
    assert total["row"] == "total"
    assert sum(Decimal(r["value"]) for r in claimed) == Decimal(total["value"])
    assert Decimal(total["value"]) == sum(
        Decimal(m["amount_claimed"]) for m in figures["claims"]["by_month"]
    )


def test_the_json_round_trips_the_figures_exactly():
    figures = samples.annual()
    report = annual_report(figures, language="zh-hans")

    document = json.loads(render_json(report))

    assert document == {"kind": "annual", "schema": 1, "figures": figures}
    assert document["figures"]["solvency"]["capital"]["actual"] == "125456522.13"


def test_the_json_is_utf8_with_sorted_keys_and_the_same_in_both_languages():
    zh = render_json(solvency_quarterly_report(samples.quarterly(), language="zh-hans"))
    en = render_json(solvency_quarterly_report(samples.quarterly(), language="en"))

    assert zh == en
    assert "众安互助相互保险社".encode() in zh  # not \\u escapes
    text = zh.decode("utf-8")
    assert text.startswith('{\n  "figures": {\n    "currency": "CNY",\n    "generated_on"')
    assert text.endswith('  "kind": "solvency_quarterly",\n  "schema": 1\n}\n')


def test_decimals_and_dates_in_the_figures_are_written_as_strings():
    import datetime as dt

    figures = samples.quarterly()
    figures["solvency"]["capital"]["actual"] = Decimal("125456522.10")
    figures["generated_on"] = dt.date(2026, 10, 20)

    document = json.loads(render_json(solvency_quarterly_report(figures, language="en")))

    assert document["figures"]["solvency"]["capital"]["actual"] == "125456522.10"
    assert document["figures"]["generated_on"] == "2026-10-20"


def test_sha256_hex_is_the_hex_digest():
    assert sha256_hex(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert len(sha256_hex(b"")) == 64


def test_a_month_is_written_as_year_and_month():
    rows = csv_rows(render_csv(annual_report(samples.annual(months=3), language="en")))

    months = [r["value"] for r in rows if r["column"] == "Month" and r["row"] != "total"]
    assert months == ["2000-01", "2000-01", "2000-02"]
