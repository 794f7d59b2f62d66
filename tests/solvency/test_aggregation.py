"""The correlation matrix, the diversified requirement (checked by hand), the MCR
corridor and the ratios (``solvency.calculations.aggregation``)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from solvency.calculations.aggregation import (
    CalculationError,
    correlation_check,
    diversified_requirement,
    identity,
    mcr_corridor,
    ratio,
)


def test_two_modules_by_hand():
    """sqrt(300² + 400² + 2·0.5·300·400) = sqrt(370000) = 608.276253... → 608.28."""
    corr = correlation_check({"modules": ["a", "b"], "matrix": [[1, "0.5"], ["0.5", 1]]})
    by_hand = (D(300) ** 2 + D(400) ** 2 + 2 * D("0.5") * 300 * 400).sqrt()

    assert by_hand.quantize(D("0.01")) == D("608.28")
    assert diversified_requirement({"a": D(300), "b": D(400)}, corr) == D("608.28")


def test_three_modules_by_hand_with_a_negative_coefficient():
    """Σᵢⱼ: 100² + 200² + 300² + 2(0.25·100·200 + 0·100·300 − 0.25·200·300)
    = 140000 + 10000 − 30000 = 120000 → sqrt = 346.410161... → 346.41."""
    corr = correlation_check(
        {
            "modules": ["x", "y", "z"],
            "matrix": [[1, 0.25, 0], [0.25, 1, -0.25], [0, -0.25, 1]],
        }
    )
    charges = {"x": D(100), "y": D(200), "z": D(300)}
    total = D(0)
    for i in "xyz":
        for j in "xyz":
            total += corr.coefficient(i, j) * charges[i] * charges[j]

    assert total == D(120000)
    assert diversified_requirement(charges, corr) == D("346.41")


def test_identity_is_the_square_root_of_the_sum_of_squares():
    """NAIC RBC's covariance: independent modules, sqrt(3² + 4²) = 5."""
    assert diversified_requirement({"r1": D(3), "r2": D(4)}, identity(["r1", "r2"])) == D("5.00")


def test_fully_correlated_modules_add_up():
    corr = correlation_check({"modules": ["a", "b"], "matrix": [[1, 1], [1, 1]]})
    assert diversified_requirement({"a": D("10.10"), "b": D("20.20")}, corr) == D("30.30")


def test_a_module_of_the_matrix_without_a_charge_counts_as_zero():
    corr = identity(["a", "b"])
    assert diversified_requirement({"a": D(7)}, corr) == D("7.00")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"modules": ["a", "b"], "matrix": [[1, 0.3], [0.2, 1]]}, "correlation.matrix[1][0]"),
        ({"modules": ["a", "b"], "matrix": [[1, 0], [0, "0.9"]]}, "correlation.matrix[1][1]"),
        ({"modules": ["a", "b"], "matrix": [[1, 2], [2, 1]]}, "correlation.matrix[0][1]"),
        ({"modules": ["a", "b"], "matrix": [[1, "x"], ["x", 1]]}, "correlation.matrix[0][1]"),
        ({"modules": ["a", "b"], "matrix": [[1, 0]]}, "correlation.matrix"),
        ({"modules": ["a", "b"], "matrix": [[1, 0], [0]]}, "correlation.matrix[1]"),
        ({"modules": ["a", "a"], "matrix": [[1, 0], [0, 1]]}, "correlation.modules"),
        ({"modules": [], "matrix": []}, "correlation.modules"),
        ({"matrix": [[1]]}, "correlation.modules"),
        ({"modules": ["a"]}, "correlation.matrix"),
        ([1], "correlation"),
        ({"modules": ["a", "b"], "matrix": [[1, True], [True, 1]]}, "correlation.matrix[0][1]"),
        ({"modules": ["a", "b"], "matrix": [[1, "NaN"], ["NaN", 1]]}, "correlation.matrix[0][1]"),
    ],
)
def test_a_bad_matrix_is_refused_naming_the_entry(data, field):
    """Not symmetric, not a unit diagonal, outside [-1, 1], not a number, not square,
    a module twice or missing parts: refused, naming where."""
    with pytest.raises(CalculationError) as raised:
        correlation_check(data)
    assert raised.value.field == field


def test_a_charged_module_outside_the_matrix_is_named():
    with pytest.raises(CalculationError) as raised:
        diversified_requirement({"c": D(1)}, identity(["a"]))
    assert raised.value.field == "modules.c"


def test_a_negative_charge_is_refused():
    with pytest.raises(CalculationError) as raised:
        diversified_requirement({"a": D(-1)}, identity(["a"]))
    assert raised.value.field == "modules.a"


def test_a_matrix_that_is_not_positive_semidefinite_can_be_refused():
    """Three modules each correlated −1 with the others: the form is negative."""
    corr = correlation_check(
        {"modules": ["a", "b", "c"], "matrix": [[1, -1, -1], [-1, 1, -1], [-1, -1, 1]]}
    )
    with pytest.raises(CalculationError) as raised:
        diversified_requirement({"a": D(1), "b": D(1), "c": D(1)}, corr)
    assert raised.value.field == "correlation.matrix"


@pytest.mark.parametrize(
    ("scr", "linear", "floor", "expected"),
    [
        (D(1000), D(100), D(0), D("250.00")),  # below 25%: the corridor's floor
        (D(1000), D(300), D(0), D("300.00")),  # inside the corridor
        (D(1000), D(600), D(0), D("450.00")),  # above 45%: the cap
        (D(1000), D(300), D(400), D("400.00")),  # the absolute floor wins
        (D("1000.01"), D(0), D(0), D("250.00")),  # 250.0025 → 250.00 (half up)
        (D("1000.02"), D(0), D(0), D("250.01")),  # 250.005 → 250.01
    ],
)
def test_the_mcr_corridor(scr, linear, floor, expected):
    """MCR = max(min(max(linear, 25% SCR), 45% SCR), absolute floor), to the cent."""
    got = mcr_corridor(
        scr=scr, linear=linear, floor_rate=D("0.25"), cap_rate=D("0.45"), absolute_floor=floor
    )
    assert got == expected


@pytest.mark.parametrize(
    ("capital", "requirement", "expected"),
    [
        (D("125.00"), D("100.00"), D("125.00")),
        (D("99999.99"), D("100000.00"), D("99.99")),  # 99.99999% is shown 99.99, not 100.00
        (D("1"), D("3"), D("33.33")),
        (D("2"), D("3"), D("66.66")),  # rounded down
        (D("-50"), D("100"), D("-50.00")),
        (D("10"), D("0"), None),  # no requirement: no ratio
    ],
)
def test_ratios_are_percentages_rounded_down(capital, requirement, expected):
    assert ratio(capital, requirement) == expected
