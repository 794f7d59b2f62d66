"""A row of the file once checked, and what its cells refer to.

``Row`` is a valid row, normalised, as the spool keeps it between checking and writing
(``Row.spooled`` and the positions of its cells); ``Plans`` resolves plan codes once per
import (the version in force and its age bands); ``parse_date`` and
``member_number_problem`` are the rules of the two kinds of cell only an import has.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ...calculations import luhn_digit
from ...models import AgeBand, Member, Plan, PlanVersion
from ...rules import iso_date
from ...selectors import plan_current_version
from ..checks import FieldErrors, PersonData

#: A member number kept from the old system: 1 to 20 letters, digits and hyphens.
KEPT_NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")
#: A number in this platform's own form, M-YYYY-NNNNNN-C (``calculations.member_number``).
OWN_NUMBER_RE = re.compile(r"^M-(\d{4})-(\d{6,})-(\d)$")

RESIDENT_ID = Member.IdType.RESIDENT_ID.value


def member_number_problem(number: str) -> str | None:
    """Why a member number given in the file cannot be kept, or None when it can."""
    if not KEPT_NUMBER_RE.match(number):
        return _("A member number has 1 to 20 letters, digits and hyphens.")
    own = OWN_NUMBER_RE.match(number)
    if own:
        year, sequence, check = own.groups()
        expected = luhn_digit(year + sequence)
        if check != expected:
            return _("The check digit of this member number should be %(digit)s.") % {
                "digit": expected
            }
    return None


def parse_date(value: str, name: str, errors: FieldErrors, *, required: bool) -> dt.date | None:
    """The date of a cell written YYYY-MM-DD, or None with the field's error."""
    if not value:
        if required:
            errors.add(name, _("Enter the date as YYYY-MM-DD."))
        return None
    day = iso_date(value)
    if day is None:
        errors.add(name, _("%(value)s is not a date written YYYY-MM-DD.") % {"value": value})
    return day


@dataclass
class Terms:
    """A plan's version in force, with its age bands read once."""

    plan: Plan
    version: PlanVersion
    bands: list[AgeBand]

    @property
    def is_premium(self) -> bool:
        return self.plan.kind == Plan.Kind.PREMIUM


class Plans:
    """Plan codes resolved once per import (a cache, and the message of an unknown one)."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self._by_code: dict[str, Terms | str] = {}

    def get(self, code: str) -> Terms | str:
        if code not in self._by_code:
            self._by_code[code] = self._load(code)
        return self._by_code[code]

    def checked(self, code: str) -> Terms:
        """The terms of a plan the rows were checked against: a row naming a plan that
        ``get`` refused never passes its checks, so never reaches the writer."""
        terms = self.get(code)
        if isinstance(terms, str):
            raise LookupError(f"A checked row names the refused plan {code!r}: {terms}")
        return terms

    def _load(self, code: str) -> Terms | str:
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            return _("There is no plan with the code %(code)s.") % {"code": code}
        version = plan_current_version(plan, on=self.today)
        if version is None:
            return _("%(plan)s has no published terms yet.") % {"plan": plan.display_name}
        version.plan = plan
        return Terms(plan=plan, version=version, bands=list(version.age_bands.order_by("min_age")))


@dataclass
class Row:
    """A valid row, normalised: what the spool keeps between validating and writing."""

    line: int
    member_number: str
    person: PersonData
    plan: str
    frequency: str
    coverage_start: dt.date
    joined_on: dt.date

    def spooled(self) -> list:
        """The row as the cells of a spool line, in the order of ``SPOOL_COLUMNS``."""
        p = self.person
        born = p.date_of_birth
        return [
            self.line,
            self.member_number,
            p.legal_name,
            p.id_type,
            p.id_number,
            born.isoformat() if born else "",
            p.sex,
            p.phone,
            p.email,
            p.region,
            p.address,
            self.plan,
            self.frequency,
            self.coverage_start.isoformat(),
            self.joined_on.isoformat(),
        ]


#: The cells of a spool line (``Row.spooled``), by position.
(LINE, NUMBER, NAME, ID_TYPE, ID_NUMBER, BORN, SEX, PHONE, EMAIL, REGION, ADDRESS, PLAN,
 FREQUENCY, START, JOINED) = range(15)  # fmt: skip
