"""Capital at a valuation date, from the ledger, the fund register and staff's items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from solvency.services.capital import capital_position
from tests.solvency.factories import VALUATION, books, item, tranche

pytestmark = pytest.mark.django_db


def lines(position):
    return [(line.code, line.tier, line.amount) for line in position.lines]


def test_capital_from_the_ledger_alone():
    """Fund 1,000,000 + surplus 20,000 + the year's result 150,000 + the earlier result
    300,000, all core; an entry after the valuation date does not count."""
    books()
    position = capital_position(valuation_date=VALUATION)

    assert lines(position) == [
        ("initial_operating_fund", "core", D("1000000.00")),
        ("surplus", "core", D("20000.00")),
        ("result_of_the_year", "core", D("150000.00")),
        ("earlier_results", "core", D("300000.00")),
    ]
    assert (position.core, position.supplementary) == (D("1470000.00"), D("0"))
    assert position.warnings == ()


def test_the_register_splits_the_fund_by_tier_and_a_difference_is_core_and_warned():
    """Register: 600,000 core + 300,000 supplementary (a loan); the ledger holds
    1,000,000: 100,000 not in the register counts as core, with a warning. A tranche
    received after the valuation date is not counted."""
    books()
    tranche("600000.00")
    tranche("300000.00", tier="supplementary", kind="loan")
    tranche("50000.00", on=dt.date(2026, 2, 1))
    position = capital_position(valuation_date=VALUATION)

    assert lines(position)[:3] == [
        ("initial_operating_fund", "core", D("600000.00")),
        ("initial_operating_fund", "supplementary", D("300000.00")),
        ("fund_not_in_register", "core", D("100000.00")),
    ]
    assert (position.core, position.supplementary) == (D("1170000.00"), D("300000.00"))
    assert "differs from the ledger" in position.warnings[0]


def test_staff_items_count_within_their_dates():
    books()
    item("100000.00", "supplementary")
    item("-30000.00", "core", kind="admitted_asset_adjustment", until=dt.date(2025, 6, 30))
    item("-10000.00", "core", kind="admitted_asset_adjustment", until=VALUATION)
    item("5000.00", "core", kind="other", start=dt.date(2026, 1, 1))
    position = capital_position(valuation_date=VALUATION)

    assert position.core == D("1460000.00")
    assert position.supplementary == D("100000.00")
