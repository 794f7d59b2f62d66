"""Importing a statement of asset holdings from CSV: checked whole, errors naming the
row, nothing saved on error."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest

from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from solvency.models import AssetHolding
from solvency.services import asset_holdings_import

pytestmark = pytest.mark.django_db

GOOD = (
    "as_of,asset_class,issuer,rating,market_value,duration,reference\n"
    "2025-12-31,deposit,Bank A,AA,500000.00,,TD-1\n"
    "2025-12-31,government_bond,MOF,aaa,200000,4.50,CGB-1\n"
    "2025-12-31,equity,Listed Co,,100000.50,,\n"
)


def run(text, actor, **kwargs):
    return asset_holdings_import(file=io.StringIO(text), actor=actor, **kwargs)


def test_a_good_file_is_imported(finance_user):
    report = run(GOOD, finance_user)

    assert (report.total, report.imported, report.errors) == (3, 3, [])
    rows = list(
        AssetHolding.objects.order_by("id").values_list(
            "asset_class", "rating", "market_value", "duration"
        )
    )
    assert rows == [
        ("deposit", "AA", D("500000.00"), None),
        ("government_bond", "AAA", D("200000.00"), D("4.50")),
        ("equity", "unrated", D("100000.50"), None),
    ]
    assert AssetHolding.objects.filter(recorded_by=finance_user).count() == 3


def test_errors_name_the_row_and_column_and_nothing_is_saved(finance_user):
    text = GOOD + (
        "2025-12-31,deposit,Bank B,ZZ,100.00,,\n"
        "2025-12-31,shares,Bank C,A,-5,,\n"
        "31/12/2025,deposit,,A,1.234,-1,\n"
        "2025-12-31,deposit\n"
    )
    report = run(text, finance_user)

    assert report.imported == 0
    assert not AssetHolding.objects.exists()
    assert [(line, column) for line, column, _m in report.errors] == [
        (5, "rating"),
        (6, "asset_class"),
        (6, "market_value"),
        (7, "as_of"),
        (7, "issuer"),
        (7, "market_value"),
        (7, "duration"),
        (8, "file"),
    ]


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("as_of,asset_class,issuer\n", "market_value"),
        ("as_of,asset_class,issuer,market_value,colour\n", "colour"),
        ("as_of,asset_class,issuer,market_value,issuer\n", "issuer"),
        ("", "file"),
    ],
)
def test_a_bad_header_refuses_the_file(finance_user, header, column):
    report = run(header + "2025-12-31,deposit,Bank,1.00\n" if header else "", finance_user)
    assert report.imported == 0
    assert (1, column) in [(line, col) for line, col, _m in report.errors]


def test_a_date_with_holdings_is_refused_unless_replaced(finance_user):
    run(GOOD, finance_user)
    with pytest.raises(InvalidInput) as raised:
        run(GOOD, finance_user)
    assert "file" in raised.value.fields
    assert AssetHolding.objects.count() == 3

    report = run(
        "as_of,asset_class,issuer,market_value\n2025-12-31,cash,Bank,9.00\n",
        finance_user,
        replace=True,
    )
    assert (report.imported, report.replaced) == (1, 3)
    assert list(AssetHolding.objects.values_list("as_of", "market_value")) == [
        (dt.date(2025, 12, 31), D("9.00"))
    ]


def test_only_finance_imports(actuary, regulator_user):
    for person in (actuary, regulator_user):
        with pytest.raises(NotAllowed):
            run(GOOD, person)
    assert not AssetHolding.objects.exists()
