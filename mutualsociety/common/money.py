"""The one money quantizer, and the one parser of amounts people type.

Amounts carry 2 decimal places and rates 6 (docs/defaults.md, "Money"). Rounding happens
only where a computation produces a finer amount, always through these functions, and
always ROUND_HALF_UP unless the caller names another rule.

Sizes: one amount (a posting, a payment, a due) is a ``MoneyField`` of 18 digits, so less
than 10^16. A sum of amounts has no such bound: the ledger's totals add up every posting
(``SumField``, 40 digits), and quantizing is done in a context wide enough for any sum the
database can hold, so a large but valid total never raises ``InvalidOperation``.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from django.db import models

CENT = Decimal("0.01")
RATE_QUANTUM = Decimal("0.000001")
ZERO = Decimal("0.00")
MONEY_MAX_DIGITS = 18
MONEY_DECIMAL_PLACES = 2
#: The largest amount one ``MoneyField`` holds.
MONEY_FIELD_MAX = Decimal(10 ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)) - CENT
#: The largest amount every supported database stores exactly (SQLite keeps 15
#: significant digits); the society's largest single amount may not be set above it.
MONEY_EXACT_MAX = Decimal("9999999999999.99")
#: Default of ``Society.max_single_amount``: 1,000,000,000.00, ten times the minimum
#: initial operating fund of a general mutual insurance society (Pilot Measures 2015:
#: 100 M CNY) and as large as the whole initial operating fund the first general
#: societies raised (about 1 billion CNY each), so the largest real transfer a mutual
#: makes passes while a mistyped amount with extra digits does not.
DEFAULT_MAX_SINGLE_AMOUNT = Decimal("1000000000.00")
#: Digits of a column that holds a sum of amounts (``SumField``): each posting is below
#: 10^16 and a table holds fewer than 2^63 rows (bigint keys), so every sum of postings is
#: below 10^35, 35 whole digits and 2 decimals; 40 leaves room.
MONEY_SUM_MAX_DIGITS = 40
#: Quantizing and adding sums happens in this context: precise for any ``SumField``.
WIDE = Context(prec=MONEY_SUM_MAX_DIGITS + 10)

#: An amount as a person or a client types it: ASCII digits, optionally a point and one or
#: two decimals. No sign, exponent, digit separators, spaces inside or non-ASCII digits
#: (Python's ``Decimal`` accepts "1E3", "1_000", "１００" and "١٠٠"; this does not).
MONEY_INPUT = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
#: What may be typed at most (digits, point and decimals); longer input is refused
#: before it is parsed, whatever it holds.
MONEY_INPUT_MAX_LENGTH = 40


class MoneyInputError(ValueError):
    """The text is not an amount as ``MONEY_INPUT`` defines it; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_money_input(text: str) -> Decimal:
    """Parse an amount a person typed: ``"128"``, ``"128.5"``, ``"128.50"``.

    Surrounding spaces are ignored. Raises ``MoneyInputError`` with the code ``negative``
    (a minus sign), ``decimals`` (more than two decimals) or ``invalid`` (anything else
    that is not ASCII digits with an optional point). The faces give each its message.
    """
    text = text.strip()
    if len(text) > MONEY_INPUT_MAX_LENGTH:
        raise MoneyInputError("invalid")
    if MONEY_INPUT.fullmatch(text):
        return Decimal(text).quantize(CENT, context=WIDE)
    if text.startswith("-") and MONEY_INPUT.fullmatch(text[1:]):
        raise MoneyInputError("negative")
    if re.fullmatch(r"-?[0-9]+\.[0-9]{3,}", text):
        raise MoneyInputError("decimals")
    raise MoneyInputError("invalid")


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Convert an int, str or Decimal to Decimal; floats are refused (binary fractions)."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal or a string.")
    try:
        return value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"{value!r} is not a number.") from exc


def quantize_money(value: Decimal | int | str, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round to the cent (ROUND_HALF_UP by default), however large the value (``WIDE``)."""
    return to_decimal(value).quantize(CENT, rounding=rounding, context=WIDE)


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


def SumField(verbose_name=None, **kwargs) -> models.DecimalField:  # noqa: N802
    """A DecimalField for a sum of amounts (totals over a table): 40 digits, 2 places.

    A sum of ``MoneyField`` values outgrows a ``MoneyField``; this holds any sum of them
    (see ``MONEY_SUM_MAX_DIGITS``).
    """
    kwargs.setdefault("max_digits", MONEY_SUM_MAX_DIGITS)
    kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
    return models.DecimalField(verbose_name, **kwargs)


def RateField(verbose_name=None, **kwargs) -> models.DecimalField:  # noqa: N802
    """A DecimalField for a rate (0.080000 is 8%; 6 places)."""
    kwargs.setdefault("max_digits", 9)
    kwargs.setdefault("decimal_places", 6)
    return models.DecimalField(verbose_name, **kwargs)
