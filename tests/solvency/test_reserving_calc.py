"""``solvency.calculations.reserving`` against chainladder called directly on the same
triangle (its sample 'RAA'): chain ladder, Mack (std err per origin and in total),
Bornhuetter-Ferguson, a tail factor; and what the engine refuses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mutualsociety.common.money import ZERO, quantize_money, quantize_rate
from solvency.calculations.reserving import TriangleError, cumulate, origins_of, project

cl = pytest.importorskip("chainladder")
np = pytest.importorskip("numpy")

CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def raa():
    return cl.load_sample("raa")


@pytest.fixture(scope="module")
def cells(raa):
    values = raa.values[0, 0]
    return {
        (str(1981 + i), j + 1): Decimal(str(values[i, j]))
        for i in range(values.shape[0])
        for j in range(values.shape[1])
        if not np.isnan(values[i, j])
    }


def money(value: float) -> Decimal:
    return quantize_money(Decimal(repr(float(value))))


def per_origin(triangle) -> list[Decimal]:
    return [money(v) for v in np.asarray(triangle.values).reshape(-1)]


def test_chain_ladder_is_chainladders(raa, cells):
    direct = cl.Chainladder().fit(raa)
    ultimate = per_origin(direct.ultimate_)

    result = project(cells, method="chainladder")

    assert [r.ultimate for r in result.origins] == ultimate
    assert [r.latest for r in result.origins] == per_origin(raa.latest_diagonal)
    assert all(r.ibnr == r.ultimate - r.latest for r in result.origins)
    assert all(r.std_err is None for r in result.origins) and result.std_err is None
    assert abs(result.ibnr - money(direct.ibnr_.sum())) <= CENT * 10
    assert result.ibnr == Decimal("52135.21")
    factors = cl.Development().fit(raa).ldf_.values[0, 0, 0]
    assert result.factors == tuple(quantize_rate(Decimal(repr(float(f)))) for f in factors)
    assert result.factors[0] == Decimal("2.999359")


def test_mack_std_err_per_origin_and_total(raa, cells):
    direct = cl.MackChainladder().fit(raa)
    summary = direct.summary_
    column = list(summary.development).index("Mack Std Err")
    expected = [
        money(v) if np.isfinite(v) else ZERO for v in np.asarray(summary.values)[0, 0, :, column]
    ]

    result = project(cells, method="mack")

    assert [r.std_err for r in result.origins] == expected
    assert result.std_err == money(np.asarray(direct.total_mack_std_err_).reshape(-1)[0])
    assert result.std_err == Decimal("26880.74")
    assert result.origins[-1].std_err == Decimal("24565.78")  # 1990
    assert [r.ultimate for r in result.origins] == per_origin(direct.ultimate_)


def test_bornhuetter_ferguson_with_apriori_and_exposure(raa, cells):
    weights = [40_000 + 1_000 * i for i in range(10)]
    exposure_tri = raa.latest_diagonal * 0
    exposure_tri.values = exposure_tri.values + np.array(weights, dtype=float).reshape(
        exposure_tri.values.shape
    )
    direct = cl.BornhuetterFerguson(apriori=0.7).fit(raa, sample_weight=exposure_tri)

    result = project(
        cells,
        method="bf",
        apriori=Decimal("0.7"),
        exposure={str(1981 + i): Decimal(w) for i, w in enumerate(weights)},
    )

    assert [r.ultimate for r in result.origins] == per_origin(direct.ultimate_)
    assert result.origins[0].ibnr == ZERO  # the oldest origin is fully developed


def test_tail_factor(raa, cells):
    developed = cl.TailConstant(tail=1.05).fit_transform(cl.Development().fit_transform(raa))
    direct = cl.Chainladder().fit(developed)

    result = project(cells, method="chainladder", tail=Decimal("1.05"))

    assert [r.ultimate for r in result.origins] == per_origin(direct.ultimate_)
    # the oldest origin now develops too: 18,834 × the tail's factor
    assert result.origins[0].ultimate > result.origins[0].latest
    assert result.tail == Decimal("1.050000")
    assert result.ultimate > project(cells, method="chainladder").ultimate


def test_cumulate_and_origin_order():
    incremental = {("10", 1): Decimal(5), ("9", 1): Decimal(1), ("9", 3): Decimal(2)}
    assert cumulate(incremental) == {
        ("9", 1): Decimal(1),
        ("9", 2): Decimal(1),
        ("9", 3): Decimal(3),
        ("10", 1): Decimal(5),
    }
    assert origins_of(incremental) == ["9", "10"]  # numbers in numeric order
    assert origins_of({("2024-10-01", 1): ZERO, ("2024-01-01", 1): ZERO}) == [
        "2024-01-01",
        "2024-10-01",
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"method": "bootstrap"}, "method"),
        ({"method": "bf"}, "apriori"),
        ({"method": "bf", "apriori": Decimal("0.7"), "exposure": {"1981": Decimal(1)}}, "exposure"),
        ({"method": "chainladder", "tail": Decimal("0.99")}, "tail"),
    ],
)
def test_refusals_name_the_input(cells, kwargs, field):
    with pytest.raises(TriangleError) as refused:
        project(cells, **kwargs)
    assert refused.value.field == field


def test_an_empty_triangle_and_a_lag_below_one_are_refused():
    with pytest.raises(TriangleError, match="empty"):
        project({}, method="mack")
    with pytest.raises(TriangleError, match="below 1"):
        project({("1", 0): Decimal(1), ("1", 1): Decimal(2)}, method="mack")


@pytest.mark.parametrize(
    "cells",
    [
        {("2026Q3", 1): Decimal("100")},
        {("2026Q2", 1): Decimal("100"), ("2026Q3", 1): Decimal("80")},
    ],
    ids=["one cell", "every origin at its first lag"],
)
def test_one_development_period_is_refused_with_a_reason_not_a_crash(cells):
    with pytest.raises(TriangleError, match="one development period"):
        project(cells, method="mack")
