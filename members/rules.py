"""The rules a person's data and their cover must meet, written once.

Enrolment's checks (``services.checks``: ``check_person``, ``check_age``,
``check_frequency``...) word a message for each rule a person breaks; the bulk import
(``services.imports``) applies the same rules to every row of a file, first on a fast path
that only asks whether a row passes them all, then, for the rows in doubt, through the
same checks as enrolment. Both paths call the functions here, so they cannot drift apart.

Pure: values and model instances in, answers out; no query, no message. The identity
number's own rules (GB 11643-1999) are ``members.identity``; the province codes are
``members.regions``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from .calculations import FREQUENCY_MONTHS, add_months
from .identity import InvalidIdentityNumber, parse_resident_id
from .models import AgeBand, Member, PlanVersion

#: The kinds of identity document and the sexes a member may have.
ID_TYPES = frozenset(Member.IdType.values)
SEXES = frozenset(Member.Sex.values)

#: How often a premium may be paid.
FREQUENCIES = frozenset(FREQUENCY_MONTHS)


def _max_length(name: str) -> int:
    """The longest text a character column of the member record holds."""
    field = Member._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"Member.{name} is not a character column with a maximum length.")
    return field.max_length


#: The longest name, address and e-mail address the member record holds.
NAME_MAX = _max_length("legal_name")
ADDRESS_MAX = _max_length("address")
EMAIL_MAX = _max_length("email")

#: A mainland mobile number (11 digits from 13x to 19x) or an international one with +.
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|\+\d{7,15})$")
#: What people type inside a phone number and is taken out: spaces and hyphens.
PHONE_SEPARATORS_RE = re.compile(r"[\s-]")

#: A document other than the resident identity card: 5 to 20 letters and digits.
OTHER_DOCUMENT_RE = re.compile(r"[A-Z0-9]{5,20}")

#: A subset of what Django's ``EmailValidator`` accepts (dot-atom local part, plain ASCII
#: host names, an alphabetic top-level domain): an address it matches is valid without
#: running the validator; any other address is asked of the validator.
PLAIN_EMAIL_RE = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)

_ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def phone_normalise(phone: str) -> str:
    """The phone number without the spaces and hyphens people type in it."""
    return PHONE_SEPARATORS_RE.sub("", phone or "")


def phone_valid(phone: str) -> bool:
    """Whether a normalised phone number is a mobile number we can reach."""
    return bool(PHONE_RE.match(phone))


def email_valid(email: str) -> bool:
    """Whether an e-mail address is valid (Django's validator; the plain form first)."""
    if len(email) <= EMAIL_MAX and PLAIN_EMAIL_RE.fullmatch(email):
        return True
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def resident_id_valid(number: str, today: dt.date) -> bool:
    """Whether a normalised number is a valid mainland resident identity number."""
    try:
        parse_resident_id(number, today=today)
    except InvalidIdentityNumber:
        return False
    return True


def other_document_valid(number: str) -> bool:
    """Whether a normalised number can be that of another document (passport, permit)."""
    return bool(OTHER_DOCUMENT_RE.fullmatch(number))


def iso_date(text: str) -> dt.date | None:
    """The date written ``YYYY-MM-DD``, or None (``fromisoformat`` alone would also take
    ``20240101`` or ``2024-W01-1``)."""
    if not _ISO_DATE_RE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def entry_age_allowed(version: PlanVersion, age: int) -> bool:
    """Whether the plan version takes a member of this age at the start of cover."""
    return version.min_entry_age <= age <= version.max_entry_age


def band_for(bands: Iterable[AgeBand], age: int) -> AgeBand | None:
    """The age band that gives the benefit (and premiums) at this age, if any."""
    for band in bands:
        if band.min_age <= age <= band.max_age:
            return band
    return None


def frequency_valid(frequency: str) -> bool:
    """Whether a premium may be paid this often."""
    return frequency in FREQUENCIES


def term_ended_without_renewal(
    version: PlanVersion, start: dt.date, today: dt.date
) -> dt.date | None:
    """The last day of the first term of cover that started on ``start``, when that term
    is over by ``today`` and the version does not renew: cover that is no longer running
    (only running cover may be imported). None otherwise."""
    months = version.policy_term_months
    if not months or version.auto_renew or start > today:
        return None
    ends = add_months(start, months) - dt.timedelta(days=1)
    return ends if ends < today else None
