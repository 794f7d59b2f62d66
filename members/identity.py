"""The 18-character mainland resident identity number (GB 11643-1999).

Layout: 6 digits of the administrative division where it was issued, 8 digits of the
date of birth (YYYYMMDD), 3 digits of sequence (odd for men, even for women), and a check
character computed with ISO 7064 MOD 11-2 over the first 17 digits ("X" stands for 10).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.utils.translation import gettext as _

from .regions import PROVINCES

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


class InvalidIdentityNumber(ValueError):
    """The number is not a valid resident identity number; the message says why."""


class ResidentId(NamedTuple):
    """What a valid number encodes. A named tuple, not a dataclass: the import parses one
    per row, and a frozen dataclass costs several times as much to build."""

    number: str
    region_code: str
    province: str
    date_of_birth: dt.date
    sex: str  # "M" or "F"


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    if len(first17) != len(WEIGHTS):
        raise ValueError("The check character is computed over exactly 17 digits.")
    # map(int.__mul__, ...): the same sum, a few times faster than a generator (an
    # import checks every row's number).
    total = sum(map(int.__mul__, map(int, first17), WEIGHTS))
    return CHECK_CHARACTERS[total % 11]


def normalise(number: str) -> str:
    return (number or "").strip().replace(" ", "").upper()


def parse_resident_id(number: str, *, today: dt.date | None = None) -> ResidentId:
    """Validate a resident identity number; return what it encodes.

    Raises ``InvalidIdentityNumber`` with a message a person can act on.
    """
    number = normalise(number)
    if len(number) != 18:
        raise InvalidIdentityNumber(
            _("A resident identity number has 18 characters; this one has %(n)d.")
            % {"n": len(number)}
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidIdentityNumber(
            _("A resident identity number is 17 digits followed by a digit or X.")
        )
    province = number[:2]
    if province not in PROVINCES:
        raise InvalidIdentityNumber(
            _("%(code)s is not the code of a province, so the first six digits are not a region.")
            % {"code": province}
        )
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise InvalidIdentityNumber(
            _("Digits 7 to 14 (%(digits)s) are not a valid date of birth.")
            % {"digits": number[6:14]}
        ) from exc
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date, not an instant
    if born > today or born.year < 1880:
        raise InvalidIdentityNumber(
            _("The date of birth in the number (%(date)s) is not possible.")
            % {"date": born.isoformat()}
        )
    expected = check_character(number[:17])
    if number[17] != expected:
        raise InvalidIdentityNumber(
            _("The last character should be %(expected)s; check the number for a typing error.")
            % {"expected": expected}
        )
    return ResidentId(
        number=number,
        region_code=number[:6],
        province=province,
        date_of_birth=born,
        sex="M" if int(number[16]) % 2 else "F",
    )


def age_on(born: dt.date, on: dt.date) -> int:
    """Age in whole years on a date (a birthday on 29 February counts from 1 March)."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years
