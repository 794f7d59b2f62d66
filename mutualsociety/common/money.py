"""The one money quantizer.

Amounts carry 2 decimal places and rates 6 (DESIGN: "money precision"). Rounding happens
only where a computation produces a finer amount, always through these functions, and
always ROUND_HALF_UP unless the caller names another rule.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

CENT = Decimal("0.01")
RATE_QUANTUM = Decimal("0.000001")
ZERO = Decimal("0.00")
MONEY_MAX_DIGITS = 18
MONEY_DECIMAL_PLACES = 2


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Convert an int, str or Decimal to Decimal; floats are refused (binary fractions)."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal or a string.")
    try:
        return value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"{value!r} is not a number.") from exc


def quantize_money(value: Decimal | int | str, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round to the cent (ROUND_HALF_UP by default)."""
    return to_decimal(value).quantize(CENT, rounding=rounding)


def quantize_rate(value: Decimal | int | str, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round a rate to 6 decimal places."""
    return to_decimal(value).quantize(RATE_QUANTUM, rounding=rounding)


def is_whole_cents(value: Decimal) -> bool:
    """True when ``value`` has no digits below the cent (so storing it rounds nothing)."""
    return value.is_finite() and value == value.quantize(CENT)


def MoneyField(verbose_name=None, **kwargs) -> models.DecimalField:  # noqa: N802
    """A DecimalField for an amount of money in the society's currency (2 places)."""
    kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
    kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
    return models.DecimalField(verbose_name, **kwargs)


def RateField(verbose_name=None, **kwargs) -> models.DecimalField:  # noqa: N802
    """A DecimalField for a rate (0.080000 is 8%; 6 places)."""
    kwargs.setdefault("max_digits", 9)
    kwargs.setdefault("decimal_places", 6)
    return models.DecimalField(verbose_name, **kwargs)
