"""mutualsociety.common.fields: the strict money fields (API and forms) and the ISO date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from rest_framework import serializers

from mutualsociety.common.fields import IsoDateField, MoneyField, MoneyFormField
from mutualsociety.common.selectors import society_get

ACCEPTED = [
    ("128", "128.00"),
    ("128.5", "128.50"),
    ("128.50", "128.50"),
    ("0", "0.00"),
    ("0.07", "0.07"),
    ("007.10", "7.10"),
    (" 45.00 ", "45.00"),
    ("9999999999999999.99", "9999999999999999.99"),
]

REFUSED = [
    ("1E3", "invalid"),
    ("1e3", "invalid"),
    ("1E+3", "invalid"),
    ("1_000", "invalid"),
    ("1,000.00", "invalid"),
    ("1 000", "invalid"),
    ("１００", "invalid"),  # full-width digits
    ("١٠٠", "invalid"),  # Arabic-Indic digits
    ("۱۰۰", "invalid"),  # extended Arabic-Indic digits
    ("१००", "invalid"),  # Devanagari digits
    ("+5.00", "invalid"),
    (".50", "invalid"),
    ("5.", "invalid"),
    ("NaN", "invalid"),
    ("Infinity", "invalid"),
    ("0x10", "invalid"),
    ("", "invalid"),
    ("1" * 41, "invalid"),
    ("-5.00", "negative"),
    ("-5", "negative"),
    ("5.001", "decimals"),
    ("10.005", "decimals"),
]

MESSAGES = {
    "invalid": "Enter the amount with the digits 0–9 and at most two decimals, e.g. 128.00.",
    "negative": "The amount cannot be negative.",
    "decimals": "The amount cannot have more than two decimal places.",
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


class PaymentIn(serializers.Serializer):
    amount = MoneyField()


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_the_api_field_takes_ascii_decimal_strings(text, expected):
    data = PaymentIn(data={"amount": text})

    assert data.is_valid(), data.errors
    assert data.validated_data["amount"] == Decimal(expected)
    assert str(data.validated_data["amount"]) == expected


@pytest.mark.parametrize(("text", "code"), REFUSED)
def test_the_api_field_refuses_what_decimal_would_take(text, code):
    """Exponents, digit separators, non-ASCII digits, signs and a third decimal are
    refused with a message that says what to type."""
    data = PaymentIn(data={"amount": text})

    assert not data.is_valid()
    assert data.errors["amount"] == [MESSAGES[code]]


@pytest.mark.parametrize("number", [128, 128.5, 0, 1e3, True, [], {}])
def test_the_api_field_refuses_json_numbers_naming_the_field(number):
    """A JSON number (or any non-string) is refused; the message names the field."""
    data = PaymentIn(data={"amount": number})

    assert not data.is_valid()
    assert data.errors["amount"] == [
        'Send amount as a string of digits such as "128.00"; a JSON number is not '
        "accepted for money."
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("128"), "128.00"),
        (Decimal("-45.5"), "-45.50"),
        (Decimal("19999999999999999.98"), "19999999999999999.98"),
        (Decimal("1E+30"), "1000000000000000000000000000000.00"),
    ],
)
def test_the_api_field_writes_any_sum_with_two_decimals(value, text):
    """A sum over many rows outgrows the 18 digits of one amount and still serializes
    (DRF's DecimalField(max_digits=18) raised InvalidOperation: a 500)."""

    class Out(serializers.Serializer):
        total = MoneyField()

    assert Out({"total": value}).data["total"] == text


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_the_form_field_takes_ascii_decimal_strings(text, expected):
    field = MoneyFormField()

    assert str(field.clean(text)) == expected


@pytest.mark.parametrize(("text", "code"), [r for r in REFUSED if r[0]])
def test_the_form_field_refuses_what_decimal_would_take(text, code):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        MoneyFormField().clean(text)

    assert error.value.messages == [MESSAGES[code]]


def test_the_form_field_with_the_ceiling_refuses_more_than_the_largest_single_amount(db):
    """The admin's plan forms save without a service, so their money fields ask for the
    society's largest single amount themselves (the same check the services make)."""
    from django.core.exceptions import ValidationError

    society = society_get()
    society.max_single_amount = Decimal("5000.00")
    society.save()
    field = MoneyFormField(ceiling=True)

    assert field.clean("5000.00") == Decimal("5000.00")
    with pytest.raises(ValidationError) as error:
        field.clean("5000.01")
    assert error.value.messages == [
        "5,000.01 is over 5,000.00, the largest single amount the society accepts; check "
        "the amount, or ask an administrator to raise the limit."
    ]
    assert MoneyFormField().clean("5000.01") == Decimal("5000.01")  # services check it


def test_the_form_field_shows_an_initial_decimal_as_typed():
    assert MoneyFormField().to_python(Decimal("188.00")) == Decimal("188.00")


class DateIn(serializers.Serializer):
    date = IsoDateField()


@pytest.mark.parametrize(
    "text", ["2025-01-15", " 2025-01-15 "], ids=["plain", "surrounding spaces"]
)
def test_the_date_field_takes_iso_dates(text):
    data = DateIn(data={"date": text})

    assert data.is_valid(), data.errors
    assert data.validated_data["date"] == dt.date(2025, 1, 15)


@pytest.mark.parametrize(
    "text",
    ["20250115", "2025-W03-3", "２０２５-０１-１５", "2025-1-15", "2025-02-30", "15/01/2025", ""],
)
def test_the_date_field_refuses_other_spellings(text):
    data = DateIn(data={"date": text})

    assert not data.is_valid()
    assert data.errors["date"] == ["Enter the date as YYYY-MM-DD, e.g. 2025-01-15."]


@pytest.mark.parametrize("value", [20250115, 2025.0115, True])
def test_the_date_field_refuses_numbers(value):
    assert not DateIn(data={"date": value}).is_valid()
