"""One format per language for what people read: amounts, rates, dates and the
punctuation between translated pieces (``mutualsociety.common.display`` and the
``formatting`` template library)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from mutualsociety.common.display import (
    decimal_places,
    format_amount,
    format_date,
    format_datetime,
    format_iso_date,
    format_money,
    format_rate,
    punctuation,
)

LANGUAGES = ("zh-hans", "en")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("value", "amount"),
    [
        (Decimal("1360"), "1,360.00"),
        (Decimal("8000.00"), "8,000.00"),
        ("1234567.5", "1,234,567.50"),
        (Decimal("0"), "0.00"),
        (Decimal("-1836.00"), "-1,836.00"),
        (Decimal("999.995"), "1,000.00"),  # half up, as quantize_money rounds
        (Decimal("12.344"), "12.34"),
        (Decimal("9999999999999999.99"), "9,999,999,999,999,999.99"),
    ],
)
def test_an_amount_is_grouped_with_two_decimals_in_both_languages(language, value, amount):
    with translation.override(language):
        assert format_amount(value) == amount
        assert format_money(value) == f"{amount} CNY"


def test_money_names_the_societys_currency(settings):
    settings.SOCIETY_CURRENCY = "HKD"
    assert format_money(Decimal("10")) == "10.00 HKD"
    assert format_money(None) == "" and format_amount("") == ""


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("rate", "percent"),
    [
        (Decimal("0.080000"), "8%"),
        (Decimal("0.085"), "8.5%"),
        (Decimal("0.082500"), "8.25%"),
        (Decimal("0.100000"), "10%"),
        (Decimal("1"), "100%"),
        (Decimal("0.000000"), "0%"),
        (Decimal("0.000001"), "0.0001%"),
    ],
)
def test_a_rate_is_a_percentage(language, rate, percent):
    with translation.override(language):
        assert format_rate(rate) == percent


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [("zh-hans", "2026年12月4日", "2026年12月4日 22:30"), ("en", "4 Dec 2026", "4 Dec 2026 22:30")],
)
def test_one_date_format_per_language(language, day, moment):
    """Short and long dates are the same; a moment is shown in the society's time zone."""
    at = dt.datetime(2026, 12, 4, 14, 30, tzinfo=dt.UTC)  # 22:30 in Asia/Shanghai
    with translation.override(language):
        assert format_date(dt.date(2026, 12, 4)) == day
        assert format_iso_date("2026-12-04") == day
        assert format_datetime(at) == moment
        rendered = Template(
            '{{ d|date }}|{{ d|date:"DATE_FORMAT" }}|{{ d|date:"SHORT_DATE_FORMAT" }}|'
            '{{ t|date:"DATETIME_FORMAT" }}|{{ t|date:"SHORT_DATETIME_FORMAT" }}'
        ).render(Context({"d": dt.date(2026, 12, 4), "t": at}))
    assert rendered == "|".join([day, day, day, moment, moment])


def test_text_that_is_not_an_iso_date_is_kept():
    assert format_iso_date("soon") == "soon"
    assert format_iso_date(None) == ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_template_filters_write_what_the_functions_write(language):
    template = Template(
        "{% load formatting %}{{ a|money }}|{{ a|amount }}|{{ r|percent }}|"
        "{{ n|money }}|{{ x|amount }}"
    )
    with translation.override(language):
        rendered = template.render(
            Context({"a": Decimal("1360"), "r": Decimal("0.080000"), "n": None, "x": "abc"})
        )
    assert rendered == "1,360.00 CNY|1,360.00|8%||"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "会员编号：M-1|90 天；意外|12 个月，自动续保|（说明）|甲、乙"),
        ("en", "Member number: M-1|90 days; accidents|12 months, renews| (note)|A, B"),
    ],
)
def test_punctuation_between_translated_pieces_follows_the_language(language, expected):
    """Chinese text takes full-width marks ("12 个月, 自动续保" was the defect)."""
    words = {
        "zh-hans": ("会员编号", "90 天", "意外", "12 个月", "自动续保", "说明", "甲", "乙"),
        "en": ("Member number", "90 days", "accidents", "12 months", "renews", "note", "A", "B"),
    }[language]
    template = Template(
        '{% load formatting %}{{ w.0 }}{% punct ":" %}M-1|{{ w.1 }}{% punct ";" %}{{ w.2 }}|'
        '{{ w.3 }}{% punct "," %}{{ w.4 }}|{% punct "(" %}{{ w.5 }}{% punct ")" %}|'
        '{{ w.6 }}{% punct "、" %}{{ w.7 }}'
    )
    with translation.override(language):
        rendered = template.render(Context({"w": words}))
    assert rendered == expected


def test_an_unknown_mark_is_refused():
    with pytest.raises(KeyError):
        punctuation("!")


@pytest.mark.parametrize(
    ("value", "places"),
    [
        (Decimal("8.50"), 2),
        (Decimal("8"), 0),
        (Decimal("8E+1"), 0),
        (Decimal("0.000001"), 6),
        (Decimal("-1836.00"), 2),
    ],
)
def test_the_decimal_places_a_number_writes(value, places):
    assert decimal_places(value) == places


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_a_number_that_is_not_finite_has_no_decimal_places(value):
    """Refused by name, not a TypeError from negating the exponent's letter."""
    with pytest.raises(ValueError, match="not a finite number"):
        decimal_places(Decimal(value))


def test_a_rate_rounded_to_places_shows_every_decimal():
    from decimal import Decimal

    from mutualsociety.common.display import format_rate

    assert format_rate(Decimal("0.291667"), 1) == "29.2%"
    assert format_rate(Decimal("0.25"), 1) == "25.0%"
    assert format_rate(Decimal("0.072948"), 1) == "7.3%"
    assert format_rate(Decimal("0.00049"), 1) == "0.0%"
    assert format_rate(None, 1) == ""
