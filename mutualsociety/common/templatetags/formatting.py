"""Template filters and a tag for what people read: ``{% load formatting %}``.

- ``{{ due.amount|money }}`` → ``1,360.00 CNY``;
- ``{{ band.premium|amount }}`` → ``1,360.00`` (where a header or a note names the
  currency);
- ``{{ version.management_fee_rate|percent }}`` → ``8%``;
- ``{% translate "Member number" %}{% punct ":" %}{{ number }}`` → ``会员编号：M-…`` /
  ``Member number: M-…``.

Dates need no filter of ours: ``{{ day|date }}`` is the language's one date format
(``mutualsociety/formats``). The rules are in ``mutualsociety.common.display``.
"""

from __future__ import annotations

from django import template

from mutualsociety.common import display

register = template.Library()


def _safe(function, value, *args) -> str:
    """A template shows an empty string, never an error page, for a value that is not a
    number (Django's own number filters do the same)."""
    try:
        return function(value, *args)
    except (TypeError, ValueError, ArithmeticError):
        return ""


@register.filter(is_safe=True)
def money(value, currency: str | None = None) -> str:
    """An amount with its currency: ``1,360.00 CNY``."""
    return _safe(display.format_money, value, currency)


@register.filter(is_safe=True)
def amount(value) -> str:
    """An amount without the currency: ``1,360.00``."""
    return _safe(display.format_amount, value)


@register.filter(is_safe=True)
def percent(value, places=None) -> str:
    """A rate as a percentage: ``0.080000`` → ``8%``; ``|percent:1`` rounds to one
    decimal, shown (``0.291667`` → ``29.2%``)."""
    if places in (None, ""):
        return _safe(display.format_rate, value)
    return _safe(display.format_rate, value, int(places))


@register.simple_tag
def punct(mark: str) -> str:
    """Punctuation between two translated pieces, as the active language writes it:
    ``{% punct ":" %}`` is ``：`` in Chinese and ``: `` in English (also ``;`` ``,`` ``(``
    ``)`` and ``、`` for the items of a list). Write no space around the tag."""
    return display.punctuation(mark)
