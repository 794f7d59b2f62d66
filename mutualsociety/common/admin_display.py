"""Amounts and rates in the staff site read as they do on the portal.

Django's admin writes a DecimalField as ``formats.number_format(value, places)``: without
thousands grouping (``8000.00``), and a rate as its six stored decimals (``0.080000``).
Turning ``USE_THOUSAND_SEPARATOR`` on would group them, but also every integer any
template prints — journal entry numbers, ids in anchors, counts in attributes — so
instead the admin's two display functions are wrapped, once, when the staff site starts
(``mutualsociety.apps.SocietyAdminConfig.ready``): in every changelist column and
read-only field,

- an amount (a DecimalField with two places, or a two-place ``Decimal`` a column method
  returns) is grouped: ``8,000.00``;
- a rate (a DecimalField with six places, ``RateField``) is a percentage: ``8%``.

Form inputs are not touched: an amount is typed and shown in an input as ``8000.00``.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models

from .display import RATE_DECIMAL_PLACES, decimal_places, format_amount, format_rate

_django_display_for_field = utils.display_for_field
_django_display_for_value = utils.display_for_value


def display_for_field(value, field, empty_value_display, avoid_link=False):
    """Django's ``display_for_field``, with amounts grouped and rates as percentages."""
    if (
        isinstance(field, models.DecimalField)
        and not getattr(field, "flatchoices", None)
        and value not in field.empty_values
    ):
        if field.decimal_places == RATE_DECIMAL_PLACES:
            return format_rate(value)
        return format_amount(value, field.decimal_places)
    return _django_display_for_field(value, field, empty_value_display, avoid_link=avoid_link)


def display_for_value(value, empty_value_display, boolean=False):
    """Django's ``display_for_value``, with a Decimal grouped (its own decimals kept)."""
    if isinstance(value, Decimal) and not boolean and value.is_finite():
        return format_amount(value, decimal_places(value))
    return _django_display_for_value(value, empty_value_display, boolean=boolean)


def install() -> None:
    """Put the two functions where the admin's changelists and read-only fields look them
    up (each module imported them by name). Idempotent."""
    # setattr: the stubs declare the functions in ``utils`` only, while ``helpers`` and
    # ``admin_list`` hold their own references (imported by name) that must be replaced.
    for module in (utils, helpers, admin_list):
        setattr(module, "display_for_field", display_for_field)  # noqa: B010
    for module in (utils, admin_list):
        setattr(module, "display_for_value", display_for_value)  # noqa: B010
