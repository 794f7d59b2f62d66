"""Stress shocks and the replenishment projection on a small case, every number by
hand (to the cent), and the shocks' checks."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context
from decimal import Decimal as D

import pytest

from solvency.calculations import projection as proj
from solvency.calculations import regimes as calc
from solvency.calculations.aggregation import CalculationError, correlation_check
from solvency.calculations.snapshot import Basis, RegimeRules
from solvency.calculations.stress import Shocks, StressBase, shocks_check, stress

CENT = D("0.01")
CLASSES = ("equity", "fund", "deposit", "cash")

RULES = RegimeRules(
    modules=("insurance", "market"),
    factors=(
        calc.Factor("insurance", calc.PREMIUMS, D("0.10")),
        calc.Factor("insurance", calc.CLAIMS_RESERVES, D("0.15")),
        calc.Factor("market", calc.ASSETS, D("0.31"), asset_class="equity"),
    ),
    correlation=correlation_check(
        {"modules": ["insurance", "market"], "matrix": [["1", "0.25"], ["0.25", "1"]]}
    ),
    limits=calc.CapitalLimits(of_core=D(1)),
    thresholds=calc.Thresholds(comprehensive=D(100), core=D(50), early_warning_points=D(20)),
    rungs=(
        calc.Rung(1, calc.COMPREHENSIVE, "inadequate", below=D(100)),
        calc.Rung(1, calc.CORE, "inadequate", below=D(50)),
    ),
)
BASIS = Basis(
    rules=RULES,
    exposures=calc.Exposures(
        premiums=D("1000000.00"),
        claims_reserves=D("400000.00"),
        unearned_premiums=D("200000.00"),
        holdings=(
            calc.Holding("equity", "unrated", D("500000.00")),
            calc.Holding("deposit", "AA", D("1000000.00")),
        ),
    ),
    core=D("2000000.00"),
    supplementary=D("50000.00"),
    rating="",
)
BASE = StressBase(basis=BASIS, claims=D("800000.00"), members=1000)


def sqrt(x: D) -> D:
    return Context(prec=60).sqrt(x).quantize(CENT, ROUND_HALF_UP)


def pct(capital: D, requirement: D) -> D:
    return (capital * 100 / requirement).quantize(CENT, ROUND_FLOOR)


def test_every_shock_at_once_by_hand():
    shocks = Shocks(
        claims_pct=D(10),
        reserve_pct=D(5),
        asset_pct={"equity": D(30)},
        exit_pct=D(20),
        pandemic_factor=D("1.5"),
    )
    shocked, evaluation = stress(BASE, shocks)

    # claims 800,000 × 1.1 × 1.5 = 1,320,000: 520,000 more
    assert shocked.claims_loss == D("520000.00")
    assert shocked.reserve_loss == D("20000.00")  # 5% of 400,000
    assert shocked.asset_loss == D("150000.00")  # 30% of the equity's 500,000
    assert shocked.core == D("1310000.00")  # 2,000,000 − 690,000
    assert shocked.exposures.premiums == D("800000.00")
    assert shocked.exposures.unearned_premiums == D("160000.00")
    assert shocked.exposures.claims_reserves == D("940000.00")  # 400,000 + 20,000 + 520,000
    assert shocked.members == 800
    # insurance = 10% × 800,000 + 15% × 940,000; market = 31% × 350,000
    insurance, market = D("221000.00"), D("108500.00")
    p = evaluation.position
    assert p.requirement.charges == {"insurance": insurance, "market": market}
    diversified = sqrt(insurance**2 + market**2 + 2 * D("0.25") * insurance * market)
    assert p.requirement.minimum_capital == diversified == D("269448.51")
    assert p.actual_capital == D("1360000.00")
    assert p.comprehensive_ratio == pct(D("1360000.00"), diversified) == D("504.73")
    assert p.core_ratio == pct(D("1310000.00"), diversified)
    assert p.ladder.status == "adequate"


def test_no_shock_gives_back_the_base():
    shocked, evaluation = stress(BASE, Shocks())
    assert shocked.loss == 0 and shocked.core == BASIS.core
    assert shocked.exposures == BASIS.exposures


def test_a_loss_larger_than_capital_reaches_the_ladder():
    shocked, evaluation = stress(BASE, Shocks(claims_pct=D(250)))
    assert shocked.claims_loss == D("2000000.00")
    assert shocked.core == D("0.00")
    assert evaluation.position.ladder.status == "inadequate"


def test_an_asset_shock_rounds_each_holding_to_the_cent():
    base = StressBase(
        basis=Basis(
            rules=RULES,
            exposures=calc.Exposures(
                holdings=(
                    calc.Holding("equity", "unrated", D("0.05")),
                    calc.Holding("equity", "unrated", D("0.05")),
                )
            ),
            core=D("100.00"),
            supplementary=D("0.00"),
            rating="",
        )
    )
    shocked, _ = stress(base, Shocks(asset_pct={"equity": D(50)}))
    # 0.025 rounds half up to 0.03 each: 0.02 lost on each holding
    assert [h.market_value for h in shocked.exposures.holdings] == [D("0.03"), D("0.03")]
    assert shocked.asset_loss == D("0.04")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "shocks"),
        ({"claims": "10"}, "shocks.claims"),
        ({"claims_pct": "ten"}, "shocks.claims_pct"),
        ({"claims_pct": True}, "shocks.claims_pct"),
        ({"claims_pct": "-1"}, "shocks.claims_pct"),
        ({"exit_pct": "101"}, "shocks.exit_pct"),
        ({"pandemic_factor": "0.5"}, "shocks.pandemic_factor"),
        ({"asset_pct": {"gold": "10"}}, "shocks.asset_pct.gold"),
        ({"asset_pct": {"equity": "120"}}, "shocks.asset_pct.equity"),
        ({"asset_pct": ["equity"]}, "shocks.asset_pct"),
        ({"reserve_pct": "NaN"}, "shocks.reserve_pct"),
    ],
)
def test_bad_shocks_are_refused_naming_the_field(data, field):
    with pytest.raises(CalculationError) as error:
        shocks_check(data, asset_classes=CLASSES)
    assert error.value.field == field


def test_good_shocks_are_read_as_decimals():
    shocks = shocks_check(
        {"claims_pct": 20, "asset_pct": {"equity": "30"}, "pandemic_factor": 1.5},
        asset_classes=CLASSES,
    )
    assert shocks == Shocks(claims_pct=D(20), asset_pct={"equity": D(30)}, pandemic_factor=D("1.5"))


# --- The projection ---------------------------------------------------------------------

ASSUME = proj.Assumptions(
    contribution_growth=D("0.08"),
    loss_ratio=D("0.70"),
    expense_ratio=D("0.15"),
    reserve_growth=D("0.04"),
    investment_return=D("0.04"),
    distribution_share=D("0.50"),
    tranche_amount=D("300000.00"),
    notes_amount=D("300000.00"),
    distribution_cut=D("0.50"),
)
START = dt.date(2025, 12, 31)


def test_the_first_quarter_by_hand():
    line = proj.project_line(BASIS, ASSUME, start=START, repayments={1: D("10000.00")})
    q = line.quarters[0]
    assert q.end == dt.date(2026, 3, 31)
    # contributions = 1,000,000 / 4 × 1.02 = 255,000
    assert q.contributions == D("255000.00")
    assert q.claims == D("178500.00")  # 70%
    assert q.expenses == D("38250.00")  # 15%
    assert q.investment == D("15000.00")  # 1,500,000 × 4% / 4
    assert q.result == D("53250.00")
    assert q.distribution == D("26625.00")  # half of it
    assert q.repayment == D("10000.00")
    assert q.core_capital == D("2016625.00")  # 2,000,000 + 53,250 − 26,625 − 10,000
    # reserves 400,000 × 1.01 = 404,000; UPR 200,000 × 1.02 = 204,000;
    # assets 1,500,000 + 16,625 + 4,000 + 4,000 = 1,524,625: equity × 1,524,625/1,500,000
    equity = (D("500000") * D("1524625") / D("1500000")).quantize(CENT, ROUND_HALF_UP)
    insurance = D("0.10") * D("1020000") + D("0.15") * D("404000")
    market = (D("0.31") * equity).quantize(CENT, ROUND_HALF_UP)
    minimum = sqrt(insurance**2 + market**2 + 2 * D("0.25") * insurance * market)
    assert q.minimum_capital == minimum
    assert q.actual_capital == D("2066625.00")
    assert q.comprehensive_ratio == pct(D("2066625.00"), minimum)
    assert not q.breach


def test_the_routes_buy_capital_in_order():
    lines = {line.route: line for line in proj.project(BASIS, ASSUME, start=START)}
    assert set(lines) == set(proj.ROUTES)
    last = {route: line.quarters[-1] for route, line in lines.items()}
    assert len(lines["base"].quarters) == 12
    assert last["retained_surplus"].distribution == D("0.00")
    first = {route: line.quarters[0] for route, line in lines.items()}
    assert first["reduced_distribution"].distribution == D("13312.50")  # half of 26,625
    assert first["base"].distribution == D("26625.00")
    assert last["new_tranche"].core_capital > last["base"].core_capital
    assert last["surplus_notes"].actual_capital - last["surplus_notes"].core_capital == D(
        "350000.00"
    )
    base_ratio = last["base"].comprehensive_ratio
    for route in ("retained_surplus", "reduced_distribution", "new_tranche", "surplus_notes"):
        assert last[route].comprehensive_ratio > base_ratio, route


def test_a_breach_is_the_first_quarter_below_a_threshold():
    losing = proj.Assumptions(loss_ratio=D("1.60"), expense_ratio=D("0.20"))
    line = proj.project_line(BASIS, losing, start=START)
    breach = line.first_breach
    assert breach is not None
    before = line.quarters[breach.number - 2]
    assert not before.breach
    assert breach.comprehensive_ratio < 100 or breach.core_ratio < 50
    assert breach.status == "inadequate"


def test_repayments_fall_in_their_quarter():
    planned = [
        (dt.date(2026, 3, 31), D("1.00")),
        (dt.date(2026, 4, 1), D("2.00")),
        (dt.date(2026, 5, 1), D("3.00")),
        (dt.date(2025, 12, 31), D("9.00")),  # the start: already in the assessment
        (dt.date(2029, 1, 1), D("9.00")),  # beyond 12 quarters
    ]
    assert proj.repayments_by_quarter(planned, start=START) == {1: D("1.00"), 2: D("5.00")}
    assert proj.quarter_end(dt.date(2025, 11, 30), 1) == dt.date(2026, 2, 28)
