"""Module charges, admitted capital, thresholds exactly at the limit and one cent below,
and the ladder (``solvency.calculations.regimes``), table-driven."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from solvency.calculations import regimes as calc
from solvency.calculations.aggregation import identity

CROSS_RUNGS = [
    calc.Rung(30, calc.COMPREHENSIVE, "inadequate", below=D(100)),
    calc.Rung(30, calc.CORE, "inadequate", below=D(50)),
    calc.Rung(30, calc.RATING, "inadequate", rating_at_or_below="C"),
    calc.Rung(40, calc.RATING, "rating_d", rating_at_or_below="D"),
]
CROSS_THRESHOLDS = calc.Thresholds(
    comprehensive=D(100), core=D(50), rating="B", early_warning_points=D(20)
)
RBC_RUNGS = [
    calc.Rung(10, calc.COMPREHENSIVE, "company_action_level", below=D(200)),
    calc.Rung(20, calc.COMPREHENSIVE, "regulatory_action_level", below=D(150)),
    calc.Rung(30, calc.COMPREHENSIVE, "authorized_control_level", below=D(100)),
    calc.Rung(40, calc.COMPREHENSIVE, "mandatory_control_level", below=D(70)),
]


def cross(actual, core, minimum, rating="B"):
    amounts = calc.Amounts(actual=D(actual), core=D(core), minimum=D(minimum), rating=rating)
    return calc.ladder_status(CROSS_RUNGS, CROSS_THRESHOLDS, amounts)


@pytest.mark.parametrize(
    ("actual", "core", "minimum", "rating", "status", "early"),
    [
        # exactly at 100% passes; one cent below fails
        ("10000000.00", "10000000.00", "10000000.00", "B", "early_warning", True),
        ("9999999.99", "9999999.99", "10000000.00", "B", "inadequate", True),
        # core exactly 50% passes, one cent below fails
        ("20000000.00", "5000000.00", "10000000.00", "A", "early_warning", True),
        ("20000000.00", "4999999.99", "10000000.00", "A", "inadequate", True),
        # the early-warning band: below 120% / 70%; exactly at 120% and 70% is clear
        ("12000000.00", "7000000.00", "10000000.00", "A", "adequate", False),
        ("11999999.99", "7000000.00", "10000000.00", "A", "early_warning", True),
        ("12000000.00", "6999999.99", "10000000.00", "A", "early_warning", True),
        # the rating: C is inadequate, D its own rung, no rating no rung
        ("30000000.00", "30000000.00", "10000000.00", "C", "inadequate", True),
        ("30000000.00", "30000000.00", "10000000.00", "D", "rating_d", True),
        ("30000000.00", "30000000.00", "10000000.00", "", "adequate", False),
        # no requirement at all: nothing to breach
        ("0.00", "0.00", "0.00", "B", "adequate", False),
    ],
)
def test_cross_ladder(actual, core, minimum, rating, status, early):
    result = cross(actual, core, minimum, rating)
    assert (result.status, result.early_warning) == (status, early)


def test_a_breach_reads_99_99_even_one_cent_below():
    """The ratio shown of 9,999,999.99 / 10,000,000.00 is 99.99 (rounded down), never
    100.00, so the page and the status agree."""
    from solvency.calculations.aggregation import ratio

    assert ratio(D("9999999.99"), D("10000000.00")) == D("99.99")


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        ("300.00", "adequate"),
        ("299.99", "early_warning"),  # the margin of 100 points over 200%
        ("200.00", "early_warning"),
        ("199.99", "company_action_level"),
        ("150.00", "company_action_level"),
        ("149.99", "regulatory_action_level"),
        ("100.00", "regulatory_action_level"),
        ("99.99", "authorized_control_level"),
        ("70.00", "authorized_control_level"),
        ("69.99", "mandatory_control_level"),
    ],
)
def test_rbc_action_levels_at_200_150_100_70_percent_of_acl(actual, status):
    """With an authorised control level of 100.00: each level exactly at its mark is the
    level above it; one cent below is the next."""
    thresholds = calc.Thresholds(comprehensive=D(200), early_warning_points=D(100))
    amounts = calc.Amounts(actual=D(actual), core=D(actual), minimum=D("100.00"))
    assert calc.ladder_status(RBC_RUNGS, thresholds, amounts).status == status


def test_the_most_severe_rung_gives_the_status_and_all_are_listed():
    result = cross("50.00", "10.00", "100.00", "D")
    assert result.status == "rating_d"
    assert [r.status for r in result.reached] == [
        "rating_d",
        "inadequate",
        "inadequate",
        "inadequate",
    ]


def test_module_charges_apply_factors_to_exposures():
    """Premiums 1,000,000 × 10% + reserves 500,000 × 15% = 175,000.00; equity 200,000 ×
    31% = 62,000; bonds 1,000,000 × 4.5 years × 0.5% = 22,500; an AA deposit 300,000 ×
    1% = 3,000 (the AAA deposit is not AA)."""
    exposures = calc.Exposures(
        premiums=D("1000000.00"),
        claims_reserves=D("500000.00"),
        holdings=(
            calc.Holding("equity", "unrated", D("200000.00")),
            calc.Holding("government_bond", "AAA", D("1000000.00"), D("4.5")),
            calc.Holding("deposit", "AA", D("300000.00")),
            calc.Holding("deposit", "AAA", D("400000.00")),
        ),
    )
    factors = [
        calc.Factor("insurance", calc.PREMIUMS, D("0.10")),
        calc.Factor("insurance", calc.CLAIMS_RESERVES, D("0.15")),
        calc.Factor("market", calc.ASSETS, D("0.31"), asset_class="equity"),
        calc.Factor(
            "market", calc.ASSETS, D("0.005"), asset_class="government_bond", by_duration=True
        ),
        calc.Factor("credit", calc.ASSETS, D("0.01"), asset_class="deposit", rating="AA"),
    ]
    charges = calc.module_charges(["insurance", "market", "credit", "other"], factors, exposures)
    assert charges == {
        "insurance": D("175000.00"),
        "market": D("84500.00"),
        "credit": D("3000.00"),
        "other": D("0.00"),
    }


@pytest.mark.parametrize(
    ("core", "supplementary", "limits", "minimum", "admitted"),
    [
        ("100.00", "80.00", calc.CapitalLimits(of_core=D(1)), "50.00", "80.00"),
        ("100.00", "150.00", calc.CapitalLimits(of_core=D(1)), "50.00", "100.00"),
        ("-10.00", "150.00", calc.CapitalLimits(of_core=D(1)), "50.00", "0.00"),
        ("100.00", "150.00", calc.CapitalLimits(of_requirement=D("0.5")), "201.01", "100.50"),
        ("100.00", "150.00", calc.CapitalLimits(), "50.00", "150.00"),
    ],
)
def test_supplementary_capital_within_the_limits(core, supplementary, limits, minimum, admitted):
    """C-ROSS: at most 100% of core (none when core is negative); Solvency II: at most
    50% of the SCR (rounded down to the cent: 100.505 → 100.50)."""
    req = calc.requirement(charges={"a": D(minimum)}, correlation=identity(["a"]))
    result = calc.position(
        requirement=req,
        core=D(core),
        supplementary=D(supplementary),
        limits=limits,
        thresholds=calc.Thresholds(comprehensive=D(100)),
        rungs=[],
    )
    assert result.admitted_supplementary == D(admitted)
    assert result.actual_capital == D(core) + D(admitted)


def test_requirement_adds_adjustments_after_aggregation_then_applies_the_multiplier():
    """RBC: ACL = 0.5 × (R0 + sqrt(R1² + R2²)) = 0.5 × (10 + 50) = 30.00."""
    req = calc.requirement(
        charges={"r1": D(30), "r2": D(40)},
        correlation=identity(["r1", "r2"]),
        adjustments={"r0": D(10)},
        multiplier=D("0.5"),
    )
    assert (req.diversified, req.minimum_capital, req.undiversified) == (
        D("50.00"),
        D("30.00"),
        D(70),
    )
