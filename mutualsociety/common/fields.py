"""The one strict money field for each face, and a strict date field for the API.

Money is typed as a decimal string of ASCII digits with at most two decimals
(``money.parse_money_input``): ``"128"``, ``"128.5"``, ``"128.50"``. Everything Python's
``Decimal`` would also take is refused with a message: a sign (no amount people type is
negative; a credit is its own field), an exponent (``"1E3"``), digit separators
(``"1_000"``, ``"1,000"``), full-width or other non-ASCII digits (``"１００"``, ``"١٠٠"``),
more than two decimals, and — in the API — a JSON number (``128.5`` is a binary fraction
on the client's side; money travels as a string).

These fields check the shape only. The rules of the value (more than zero, within the
society's largest single amount, within the remaining benefit...) are the services', so
the API, the admin and the portal refuse the same amounts with the same messages. The
admin's plan forms, which save without a service, ask for the largest single amount here
(``MoneyFormField(ceiling=True)``), through the same ``amount_ceiling_check``.

Output: amounts are written as strings with two decimals, however large (a sum over many
rows is not limited to the 18 digits of one amount).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .exceptions import DomainError
from .money import MoneyInputError, parse_money_input, quantize_money

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MONEY_MESSAGES: dict[str, StrOrPromise] = {
    "invalid": _("Enter the amount with the digits 0–9 and at most two decimals, e.g. 128.00."),
    "negative": _("The amount cannot be negative."),
    "decimals": _("The amount cannot have more than two decimal places."),
}


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "example": "128.00",
        "description": "Money: ASCII digits with at most two decimals, sent as a string.",
    }
)
class MoneyField(serializers.DecimalField):
    """DRF: an amount of money, in and out as a decimal string.

    In: a JSON string only (a JSON number is refused naming the field), in the shape of
    ``parse_money_input``; returns a ``Decimal`` with two places. Out: the value with two
    decimals, however many digits it has.
    """

    default_error_messages = {
        **MONEY_MESSAGES,
        "not_a_string": _(
            'Send {field} as a string of digits such as "128.00"; a JSON number is not '
            "accepted for money."
        ),
    }

    def __init__(self, **kwargs) -> None:
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        super().__init__(max_digits=None, decimal_places=2, **kwargs)

    def to_internal_value(self, data) -> Decimal:
        if not isinstance(data, str):
            self.fail("not_a_string", field=self.field_name)
        try:
            return parse_money_input(data)
        except MoneyInputError as error:
            self.fail(error.code)

    def to_representation(self, value) -> str:
        return f"{quantize_money(value):f}"


class MoneyFormField(forms.DecimalField):
    """Django forms (admin and portal): an amount of money typed in a text box.

    The text must have the shape of ``parse_money_input``; ``min_value`` works as for a
    ``DecimalField``. With ``ceiling=True`` the amount must also be within the society's
    largest single amount (``common.services.amount_ceiling_check``): for forms that save
    without a service (the admin's plan versions and age bands).
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = MONEY_MESSAGES

    def __init__(self, *, ceiling: bool = False, **kwargs) -> None:
        self.ceiling = ceiling
        kwargs.pop("max_digits", None)
        kwargs.pop("decimal_places", None)
        kwargs.pop("localize", None)
        super().__init__(max_digits=None, decimal_places=2, **kwargs)

    # django-stubs gives DecimalField the to_python of IntegerField, its base class.
    def to_python(self, value) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):  # an initial value, not typed
            value = f"{value:f}"
        try:
            return parse_money_input(str(value))
        except MoneyInputError as error:
            raise forms.ValidationError(self.error_messages[error.code], code=error.code) from error

    def validate(self, value) -> None:
        super().validate(value)
        if self.ceiling and value is not None:
            from .services import amount_ceiling_check

            try:
                amount_ceiling_check(value, field="amount")
            except DomainError as error:
                raise forms.ValidationError(error.message, code="ceiling") from error


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class IsoDateField(serializers.DateField):
    """DRF: a calendar date written ``YYYY-MM-DD`` in ASCII digits, nothing else.

    DRF's own field also takes ISO week dates, the basic format ("20250115") and
    full-width digits; this one refuses them with one message. Whether the date is
    plausible for the operation is the service's rule (``date_window_check``).
    """

    default_error_messages = {
        "invalid": _("Enter the date as YYYY-MM-DD, e.g. 2025-01-15."),
    }

    def to_internal_value(self, value) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, (str, dt.date)):
            self.fail("invalid")
        if isinstance(value, dt.date):
            return value
        text = value.strip()
        if not ISO_DATE.fullmatch(text):
            self.fail("invalid")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail("invalid")
