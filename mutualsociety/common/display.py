"""How an amount, a rate and a date read to a person: one format per language, here.

Every face writes them through these functions (the portal through the ``formatting``
template filters, the staff site through ``admin_display``, e-mails and messages by
calling them), so a page never shows ``1360.00 CNY`` beside ``1,360.00 CNY`` or
``12/04/2026`` beside ``Oct. 30, 2025``:

- an amount: grouped by thousands, two decimals (``1,360.00``); with the currency,
  ``1,360.00 CNY`` in both languages (the code after the amount, as bank statements and
  the society's documents write it);
- a rate: a percentage with the decimals it has (``0.080000`` is ``8%``, ``0.085`` is
  ``8.5%``);
- a date: the active language's ``DATE_FORMAT`` (``2026年12月4日``, ``4 Dec 2026``), the
  same for short and long dates (``mutualsociety/formats``); a moment adds the time;
- punctuation a page puts between translated pieces ("label: value", "a; b"): full-width
  in Chinese (``：；，（）、``), ASCII with its space in English (``punctuation``).

Only what people read goes through here. Inputs, exports (CSV), the API and URLs keep
plain machine forms (``1360.00``, ``2026-12-04``).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import formats, timezone, translation

from .money import MONEY_DECIMAL_PLACES, RATE_QUANTUM, WIDE, to_decimal

Number = Decimal | int | str


def decimal_places(value: Decimal) -> int:
    """The digits a finite Decimal writes after the point (``8.50`` → 2, ``8`` → 0,
    ``8E+1`` → 0). NaN and infinities have none to format: refused."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):  # "n", "N" or "F": NaN, sNaN, infinity
        raise ValueError(f"{value!r} is not a finite number.")
    return max(0, -exponent)


#: Decimal places of a rate (``RateField``): a DecimalField with these many places holds a
#: rate, never an amount.
RATE_DECIMAL_PLACES = decimal_places(RATE_QUANTUM)


def _number(value: Number | None) -> Decimal | None:
    if value is None or value == "":
        return None
    return to_decimal(value)


def format_amount(value: Number | None, decimal_places: int = MONEY_DECIMAL_PLACES) -> str:
    """``Decimal("1360")`` → ``"1,360.00"``: grouped by thousands, rounded half up to
    ``decimal_places`` (two for money). Empty for ``None``."""
    number = _number(value)
    if number is None:
        return ""
    exponent = Decimal(1).scaleb(-decimal_places)
    number = number.quantize(exponent, rounding=ROUND_HALF_UP, context=WIDE)
    return formats.number_format(number, decimal_places, force_grouping=True)


def format_money(value: Number | None, currency: str | None = None) -> str:
    """``Decimal("1360")`` → ``"1,360.00 CNY"``: the amount, a space and the currency
    code (the society's unless another is named). Empty for ``None``."""
    amount = format_amount(value)
    if not amount:
        return ""
    return f"{amount} {currency or settings.SOCIETY_CURRENCY}"


def format_rate(value: Number | None, places: int | None = None) -> str:
    """A rate as a percentage: ``0.080000`` → ``"8%"``, ``0.085`` → ``"8.5%"``,
    ``0.0825`` → ``"8.25%"``; the decimals the rate has, none that it has not. With
    ``places``, rounded half up to that many decimals, all shown (a column of shares:
    ``0.291667`` → ``"29.2%"``, ``0.25`` → ``"25.0%"``). Empty for ``None``."""
    number = _number(value)
    if number is None:
        return ""
    if places is not None:
        fixed = (number * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return formats.number_format(fixed, places, force_grouping=True) + "%"
    percent = (number * 100).normalize()
    places = decimal_places(percent)
    if places == 0:
        percent = percent.quantize(Decimal(1))  # 8E+1 → 80
    return formats.number_format(percent, places, force_grouping=True) + "%"


def format_date(value: dt.date | dt.datetime | None) -> str:
    """A day in the active language (``2026年12月4日``, ``4 Dec 2026``); a moment is
    first put in the society's time zone. Empty for ``None``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return formats.date_format(value, "DATE_FORMAT")


def format_datetime(value: dt.datetime | None) -> str:
    """A moment in the society's time zone (``2026年12月4日 14:30``, ``4 Dec 2026
    14:30``). Empty for ``None``."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def format_iso_date(text: str | None) -> str:
    """A day stored as ISO text (an event's ``new_value``) in the active language; text
    that is not an ISO date is returned as it is."""
    if not text:
        return ""
    try:
        return format_date(dt.date.fromisoformat(text))
    except ValueError:
        return text


#: Punctuation a template or a face puts between translated pieces, by language: Chinese
#: text takes full-width marks with no space around them, English the ASCII mark and a
#: space after it (before an opening parenthesis). "、" separates the items of a list.
PUNCTUATION = {
    "zh": {":": "：", ";": "；", ",": "，", "(": "（", ")": "）", "、": "、"},
    "en": {":": ": ", ";": "; ", ",": ", ", "(": " (", ")": ")", "、": ", "},
}


def punctuation(mark: str) -> str:
    """The mark ``:``, ``;``, ``,``, ``(``, ``)`` or ``、`` as the active language writes it
    between two pieces of text: ``"：" / ": "``. Raises ``KeyError`` for any other mark."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    table = PUNCTUATION["zh" if language.startswith("zh") else "en"]
    return table[mark]
