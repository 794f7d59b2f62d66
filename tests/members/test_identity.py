"""members.identity: the 18-character mainland resident identity number (GB 11643-1999)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from members.identity import (
    InvalidIdentityNumber,
    age_on,
    check_character,
    normalise,
    parse_resident_id,
)

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


# The example from the standard's annex, and numbers built with their check character.
VALID = [
    ("11010519491231002X", dt.date(1949, 12, 31), "F", "110105", "11"),
    ("44030519900101123X", dt.date(1990, 1, 1), "M", "440305", "44"),
    ("110105198001010016", dt.date(1980, 1, 1), "M", "110105", "11"),
    (with_check("31010120000229002"), dt.date(2000, 2, 29), "F", "310101", "31"),
    (with_check("65010220260615001"), TODAY, "M", "650102", "65"),  # born today
    (with_check("82000018800101002"), dt.date(1880, 1, 1), "F", "820000", "82"),
]


@pytest.mark.parametrize(("number", "born", "sex", "region", "province"), VALID)
def test_a_valid_number_gives_what_it_encodes(number, born, sex, region, province):
    """A valid number parses to its region, province, date of birth and sex."""
    parsed = parse_resident_id(number, today=TODAY)

    assert parsed.number == number
    assert parsed.date_of_birth == born
    assert parsed.sex == sex
    assert parsed.region_code == region
    assert parsed.province == province


def test_the_check_character_of_the_standards_example_is_x():
    """ISO 7064 MOD 11-2: a remainder of 2 is written X."""
    assert check_character("11010519491231002") == "X"


def test_spaces_and_a_lowercase_x_are_normalised():
    """People type the number with spaces or a lowercase x; both are accepted."""
    assert normalise(" 110105 19491231 002x ") == "11010519491231002X"
    assert parse_resident_id("110105 19491231 002x", today=TODAY).number == "11010519491231002X"


INVALID = [
    ("", "has 18 characters; this one has 0"),
    ("11010519491231002", "has 18 characters; this one has 17"),
    ("11010519491231002X1", "has 18 characters; this one has 19"),
    ("1101051949123100AX", "17 digits followed by a digit or X"),
    ("A1010519491231002X", "17 digits followed by a digit or X"),
    ("11010519491231002Y", "17 digits followed by a digit or X"),
    (with_check("99010519491231002"), "99 is not the code of a province"),
    (with_check("00010519491231002"), "00 is not the code of a province"),
    (with_check("11010519490230002"), "(19490230) are not a valid date of birth"),
    (with_check("11010519491301002"), "(19491301) are not a valid date of birth"),
    (with_check("11010519990229002"), "(19990229) are not a valid date of birth"),
    (with_check("11010520260616002"), "(2026-06-16) is not possible"),  # tomorrow
    (with_check("11010518791231002"), "(1879-12-31) is not possible"),
    ("110105194912310021", "should be X"),
    ("11010519491231002" + "0", "should be X"),
    ("11010519800101001X", "should be 6"),  # an X where a digit belongs
]


@pytest.mark.parametrize(("number", "message"), INVALID)
def test_an_invalid_number_is_refused_saying_why(number, message):
    """Length, characters, province, date and check character are each refused with a
    message a person can act on."""
    with pytest.raises(InvalidIdentityNumber) as caught:
        parse_resident_id(number, today=TODAY)

    assert message in str(caught.value)


def test_a_wrong_check_character_names_the_right_one():
    """The message says which character is expected, so a typing error can be found."""
    with pytest.raises(InvalidIdentityNumber, match="should be X"):
        parse_resident_id("440305199001011230", today=TODAY)


def test_every_mistyped_digit_changes_the_check_character():
    """MOD 11-2 catches any single wrong digit: none of the 9 other digits at any of the
    17 positions keeps the check character."""
    first17 = "44030519900101123"
    expected = check_character(first17)
    for position in range(17):
        for digit in "0123456789":
            if digit == first17[position]:
                continue
            typo = first17[:position] + digit + first17[position + 1 :]
            assert check_character(typo) != expected, (position, digit)


@pytest.mark.parametrize(
    ("sequence", "sex"),
    [("001", "M"), ("002", "F"), ("119", "M"), ("990", "F"), ("000", "F"), ("999", "M")],
)
def test_the_seventeenth_digit_gives_the_sex(sequence, sex):
    """The sequence is odd for men and even for women (the 17th character decides)."""
    number = with_check(f"11010519800101{sequence}")

    assert parse_resident_id(number, today=TODAY).sex == sex


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (dt.date(1990, 6, 15), dt.date(2026, 6, 15), 36),  # birthday today
        (dt.date(1990, 6, 15), dt.date(2026, 6, 14), 35),  # the day before
        (dt.date(1990, 6, 15), dt.date(2026, 6, 16), 36),
        (dt.date(1990, 12, 31), dt.date(2026, 1, 1), 35),
        (dt.date(2026, 6, 15), dt.date(2026, 6, 15), 0),  # born today
        (dt.date(2000, 2, 29), dt.date(2026, 2, 28), 25),  # leap day: not yet in 2026
        (dt.date(2000, 2, 29), dt.date(2026, 3, 1), 26),  # counts from 1 March
        (dt.date(2000, 2, 29), dt.date(2028, 2, 28), 27),
        (dt.date(2000, 2, 29), dt.date(2028, 2, 29), 28),  # a leap year has the day
    ],
)
def test_age_on_counts_whole_years(born, on, age):
    """Age in whole years; a birthday on 29 February counts from 1 March in other years."""
    assert age_on(born, on) == age
