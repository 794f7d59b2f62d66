"""mutualsociety.common.money: the one money quantizer."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from mutualsociety.common.money import (
    is_whole_cents,
    quantize_money,
    quantize_rate,
    to_decimal,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),
        ("-0.005", "-0.01"),
        ("-0.015", "-0.02"),
        ("2.675", "2.68"),
        ("2.674999", "2.67"),
        ("0.004999", "0.00"),
        ("1.1", "1.10"),
        ("100", "100.00"),
        (100, "100.00"),
        (Decimal("99.995"), "100.00"),
        ("1234567890123.455", "1234567890123.46"),
        ("0", "0.00"),
    ],
)
def test_quantize_money_rounds_half_up_to_the_cent(value, expected):
    """Amounts are rounded to the cent, halves away from zero (ROUND_HALF_UP)."""
    result = quantize_money(value)

    assert isinstance(result, Decimal)
    assert str(result) == expected


def test_quantize_money_takes_another_rule_when_named():
    """A caller may name another rounding rule (banker's rounding here)."""
    assert str(quantize_money("0.025", rounding=ROUND_HALF_EVEN)) == "0.02"
    assert str(quantize_money("0.035", rounding=ROUND_HALF_EVEN)) == "0.04"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.0800005", "0.080001"), ("0.08", "0.080000"), ("-0.0000005", "-0.000001")],
)
def test_quantize_rate_rounds_to_six_places(value, expected):
    """Rates keep six decimal places, rounded half up."""
    assert str(quantize_rate(value)) == expected


@pytest.mark.parametrize("function", [to_decimal, quantize_money, quantize_rate])
def test_floats_are_refused(function):
    """A float (a binary fraction: 2.675 is 2.67499999...) is refused with TypeError."""
    with pytest.raises(TypeError, match="float"):
        function(2.675)


@pytest.mark.parametrize("value", ["abc", "", "1,00", None, [1]])
def test_what_is_not_a_number_is_refused(value):
    """Text that is not a number (and other types) raise ValueError naming the value."""
    with pytest.raises(ValueError, match="not a number"):
        to_decimal(value)


def test_to_decimal_keeps_the_value_exact():
    """Decimals pass through; ints and text convert exactly."""
    amount = Decimal("10.005")

    assert to_decimal(amount) is amount
    assert to_decimal(7) == Decimal(7)
    assert str(to_decimal("0.1")) == "0.1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", True),
        ("10.1", True),
        ("10.10", True),
        ("-0.01", True),
        ("10.001", False),
        ("0.005", False),
        ("NaN", False),
        ("Infinity", False),
    ],
)
def test_is_whole_cents(value, expected):
    """True only for finite amounts with nothing below the cent."""
    assert is_whole_cents(Decimal(value)) is expected
