"""Bulk import of members from CSV, for a society moving from another system.

The file is UTF-8 text (a byte-order mark is allowed), comma-separated, with a header row
naming the columns; their order is free, names are lower case::

    column             required  what
    member_number      no        the number in the old system, kept when given: 1 to 20
                                 letters, digits and hyphens, unique. A number in this
                                 platform's own form (M-YYYY-NNNNNN-C) must have the right
                                 check digit, and the sequence of its year is moved past
                                 it so that numbers given later never collide with it.
                                 Empty: a new number is given (M-<import year>-...).
    legal_name         yes       as on the identity document
    id_type            no        resident_id (default), passport, hk_macao_permit,
                                 taiwan_permit, foreign_permanent
    id_number          yes       a resident identity number is checked for real (region,
                                 date of birth, check character) and must agree with
                                 date_of_birth and sex
    date_of_birth      yes       YYYY-MM-DD
    sex                yes       F or M
    phone              yes       11-digit mobile number, or +country number
    email              no
    region             yes       2-digit province code (11 Beijing, 31 Shanghai, 44 ...)
    address            no
    plan               *         plan code; *required unless the operator names a plan
                                 for the whole file (``plan_code``), which then serves the
                                 rows whose cell is empty
    payment_frequency  *         monthly, quarterly or annual; *premium plans only
    coverage_start     yes       YYYY-MM-DD: when the cover began (in the old system)
    joined_on          no        YYYY-MM-DD, the date the person became a member;
                                 default coverage_start (or the import date, for cover
                                 that starts later)

The rules (the same checks as enrolment, ``members.services.enrolment``):
- the whole file is validated before anything is written, and every refused row is
  reported with its line number, column and reason; a header that lacks a required
  column or names an unknown one refuses the file as a whole;
- one person, one membership: an identity number (or member number) that appears on two
  lines refuses every line it appears on (which one is right is the operator's call),
  and one that an existing member or applicant holds refuses the line;
- the age at ``coverage_start`` must be within the plan's entry ages and have an age band
  (it gives the benefit and, for premium plans, the premium for the payment frequency);
- the plan must have a published version in force on the import date; every coverage is
  written on that version. A plan closed to new members may still take imported members:
  they are members of the society already, not new risk;
- no health declaration, consent or application is recorded (that happened in the old
  system); each member gets an ``imported`` event with the line it came from.

Each row is first tried on a fast path (``_Validator.fast``) that accepts only rows the
full check certainly accepts, with the same normalised values, and words no message;
any other row goes through the full check, which alone reports reasons. Both paths are
tested to agree on a file with every kind of error.

When the file has errors and ``only_valid`` is false nothing is imported; with
``only_valid`` the valid rows are imported and the others reported. ``dry_run`` validates
and reports only.

What gets written, set-based (a few statements per batch of ``BATCH_SIZE`` rows, never a
service call or a query per row): active ``Member`` rows without a login, one in-force
``Coverage`` each at the age band of the age at ``coverage_start``, one ``MemberEvent``
(``imported``). On PostgreSQL each batch is one id reservation and three ``COPY``
statements (Django's ``bulk_create`` spends more time building its INSERT than the
database takes to run it); elsewhere it is ``bulk_create``, with the same values.

Transactions: the whole import is ONE transaction. An operator moving a society expects a
file to be imported entirely or not at all: after a crash or a conflict half-way, a rerun
of the same file must not meet its own first half as "already a member". PostgreSQL
holds a transaction of a few hundred thousand inserted rows without trouble, and no row
of an existing member is locked by it. The member numbers are reserved before it in a
short transaction of their own, so that the sequence row is not locked — and portal
acceptances not blocked — while a large file is written; an import that fails leaves a
gap in the numbers, which is harmless.

Billing: nothing is billed at import. Premiums up to and including the import date were
the old system's business; the daily billing job (``premiums_bill``) picks each premium
coverage up at ``next_due_date``, which is the first period start after the import date
(periods run from ``coverage_start`` at the payment frequency), or ``coverage_start``
itself when the cover starts later. The current policy term is the one running on the
import date; cover whose term ended before it, under a version that does not renew,
is refused.

Memory stays flat in the number of rows except for one dictionary of the identity and
member numbers seen (needed to find duplicates within the file, a few dozen bytes a row):
the input is read once with ``csv.reader``, the valid rows are spooled to a temporary
file in normalised form, and the spool is written in batches.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.models import Sequence
from mutualsociety.common.services import sequence_next

from ..calculations import FREQUENCY_MONTHS, add_months, luhn_digit, member_number
from ..identity import CHECK_CHARACTERS, WEIGHTS, age_on
from ..models import AgeBand, Coverage, Member, MemberEvent, Plan, PlanVersion
from ..regions import PROVINCES
from ..rules import PHONE_RE, SEXES
from ..selectors import plan_current_version
from .checks import FieldErrors as _Errors
from .checks import PersonData, check_frequency, check_person

BATCH_SIZE = 2000

COLUMNS = (
    "member_number",
    "legal_name",
    "id_type",
    "id_number",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "region",
    "address",
    "plan",
    "payment_frequency",
    "coverage_start",
    "joined_on",
)
REQUIRED_COLUMNS = (
    "legal_name",
    "id_number",
    "date_of_birth",
    "sex",
    "phone",
    "region",
    "coverage_start",
)

KEPT_NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$")
OWN_NUMBER_RE = re.compile(r"^M-(\d{4})-(\d{6,})-(\d)$")

#: Rows are first tried on a fast path that accepts only what the full check
#: (``_Validator.check``) certainly accepts, with the same normalised values; any doubt
#: sends the row to the full check, which alone words the reasons. Tests turn it off to
#: compare the two.
FAST_PATH = True
_RESIDENT_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
# A subset of what Django's EmailValidator accepts (dot-atom local part, plain ASCII
# host names, an alphabetic top-level domain); anything else goes to the validator.
_PLAIN_EMAIL_RE = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FREQUENCIES = frozenset(("monthly", "quarterly", "annual"))
_PHONE_SEPARATORS_RE = re.compile(r"[\s-]")  # what check_person takes out of a phone
_RESIDENT_ID = Member.IdType.RESIDENT_ID.value

IDENTITY_REPEATED = gettext_noop("The same identity number is on line %(line)d.")
NUMBER_REPEATED = gettext_noop("The same member number is on line %(line)d.")

#: The line number given to problems of the file as a whole (its header).
HEADER_LINE = 1


@dataclass
class ImportReport:
    """What an import found and did.

    ``errors`` are ``(line number, column, message)``, sorted by line; a line may have
    several. ``valid`` rows passed every check; ``imported`` were written (0 on a dry
    run, and when the file had errors and only the valid rows were not asked for).
    """

    total: int = 0
    valid: int = 0
    imported: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def refused(self) -> int:
        """How many rows were refused."""
        return len({line for line, _field, _message in self.errors})


@dataclass
class _Terms:
    """A plan's version in force, with its age bands read once."""

    plan: Plan
    version: PlanVersion
    bands: list[AgeBand]

    @property
    def is_premium(self) -> bool:
        return self.plan.kind == Plan.Kind.PREMIUM

    def band_for(self, age: int) -> AgeBand | None:
        for band in self.bands:
            if band.min_age <= age <= band.max_age:
                return band
        return None


class _Plans:
    """Plan codes resolved once per import (a cache, and the message of an unknown one)."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self._by_code: dict[str, _Terms | str] = {}

    def get(self, code: str) -> _Terms | str:
        if code not in self._by_code:
            self._by_code[code] = self._load(code)
        return self._by_code[code]

    def _load(self, code: str) -> _Terms | str:
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            return _("There is no plan with the code %(code)s.") % {"code": code}
        version = plan_current_version(plan, on=self.today)
        if version is None:
            return _("%(plan)s has no published terms yet.") % {"plan": plan.display_name}
        version.plan = plan
        return _Terms(plan=plan, version=version, bands=list(version.age_bands.order_by("min_age")))


def _parse_date(value: str, name: str, errors: _Errors, *, required: bool) -> dt.date | None:
    if not value:
        if required:
            errors.add(name, _("Enter the date as YYYY-MM-DD."))
        return None
    try:
        # fromisoformat alone would also take 20240101 or 2024-W01-1.
        if len(value) == 10 and value[4] == value[7] == "-":
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    errors.add(name, _("%(value)s is not a date written YYYY-MM-DD.") % {"value": value})
    return None


def _next_start(start: dt.date, months: int, after: dt.date) -> dt.date:
    """The first of start, start + months, start + 2·months … that falls after ``after``."""
    if start > after:
        return start
    elapsed = (after.year - start.year) * 12 + after.month - start.month
    n = max(elapsed // months, 0)
    candidate = add_months(start, n * months)
    while candidate <= after:
        n += 1
        candidate = add_months(start, n * months)
    return candidate


@dataclass
class _Row:
    """A valid row, normalised: what the spool keeps between validating and writing."""

    line: int
    member_number: str
    person: PersonData
    plan: str
    frequency: str
    coverage_start: dt.date
    joined_on: dt.date

    def spooled(self) -> list:
        p = self.person
        return [
            self.line,
            self.member_number,
            p.legal_name,
            p.id_type,
            p.id_number,
            p.date_of_birth.isoformat(),
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


class _Validator:
    """The whole-file check: one row at a time, with the database checked per batch."""

    def __init__(self, *, plan_code: str, plans: _Plans, today: dt.date) -> None:
        self.plan_code = plan_code
        self.plans = plans
        self.today = today
        self.errors: list[tuple[int, str, str]] = []
        self.bad_lines: set[int] = set()
        # In-file duplicates: identity → first line, member number → first line.
        self.seen_ids: dict[tuple[str, str], int] = {}
        self.seen_numbers: dict[str, int] = {}
        self.told: set[tuple[int, str]] = set()  # (first line, column) told of a repeat
        self.pending: list[_Row] = []  # waiting for the database check of their batch
        self.new_numbers = 0
        self.kept_sequences: dict[int, int] = {}  # year → highest kept sequence

    def refuse(self, line: int, name: str, message: str) -> None:
        self.errors.append((line, name, str(message)))
        self.bad_lines.add(line)

    def fast(self, line: int, values: dict[str, str]) -> _Row | None:
        """The row, when it passes every check of ``check`` on the common path; None
        when in any doubt (``check`` then decides, and words the reasons)."""
        today = self.today
        born_text = values["date_of_birth"]
        start_text = values["coverage_start"]
        joined_text = values["joined_on"]
        if not (_DATE_RE.fullmatch(born_text) and _DATE_RE.fullmatch(start_text)):
            return None
        if joined_text and not _DATE_RE.fullmatch(joined_text):
            return None
        try:
            born = dt.date.fromisoformat(born_text)
            start = dt.date.fromisoformat(start_text)
            joined = dt.date.fromisoformat(joined_text) if joined_text else min(start, today)
        except ValueError:
            return None
        if born > today or start < born or joined > today or joined < born:
            return None
        legal_name = values["legal_name"].strip()
        if not legal_name or len(legal_name) > 100:
            return None
        if (values["id_type"].lower() or _RESIDENT_ID) != _RESIDENT_ID:
            return None
        id_number = values["id_number"].strip().replace(" ", "").upper()
        if not _RESIDENT_ID_RE.fullmatch(id_number) or id_number[:2] not in PROVINCES:
            return None
        if id_number[6:14] != born_text.replace("-", "") or born.year < 1880:
            return None
        total = sum(map(int.__mul__, map(int, id_number[:17]), WEIGHTS))
        if id_number[17] != CHECK_CHARACTERS[total % 11]:
            return None
        sex = values["sex"].upper()
        if sex != ("M" if int(id_number[16]) % 2 else "F") or sex not in SEXES:
            return None
        phone = values["phone"]
        if not PHONE_RE.match(phone) or _PHONE_SEPARATORS_RE.search(phone):
            return None
        email = values["email"].strip()
        if email and (len(email) > 254 or not _PLAIN_EMAIL_RE.fullmatch(email)):
            return None
        region = values["region"]
        address = values["address"]
        if region not in PROVINCES or len(address) > 300:
            return None
        number = values["member_number"]
        if number:
            if not KEPT_NUMBER_RE.match(number) or number in self.seen_numbers:
                return None
            own = OWN_NUMBER_RE.match(number)
            if own and own.group(3) != luhn_digit(own.group(1) + own.group(2)):
                return None
        key = (_RESIDENT_ID, id_number)
        if key in self.seen_ids:
            return None
        code = values["plan"] or self.plan_code
        if not code:
            return None
        terms = self.plans.get(code)
        if isinstance(terms, str):
            return None
        version = terms.version
        age = age_on(born, start)
        if not version.min_entry_age <= age <= version.max_entry_age:
            return None
        band = terms.band_for(age)
        if band is None:
            return None
        frequency = ""
        if terms.is_premium:
            frequency = values["payment_frequency"]
            if frequency not in _FREQUENCIES or not band.premium_for(frequency):
                return None
            months = version.policy_term_months
            if (
                months
                and not version.auto_renew
                and start <= today
                and add_months(start, months) - dt.timedelta(days=1) < today
            ):
                return None
        self.seen_ids[key] = line
        if number:
            self.seen_numbers[number] = line
        return _Row(
            line=line,
            member_number=number,
            person=PersonData(
                legal_name=legal_name,
                id_type=_RESIDENT_ID,
                id_number=id_number,
                date_of_birth=born,
                sex=sex,
                phone=phone,
                email=email,
                region=region,
                address=address,
            ),
            plan=code,
            frequency=frequency,
            coverage_start=start,
            joined_on=joined,
        )

    def check(self, line: int, values: dict[str, str]) -> _Row | None:
        """Check one row on its own and against the earlier rows of the file."""
        errors = _Errors()
        born = _parse_date(values["date_of_birth"], "date_of_birth", errors, required=True)
        start = _parse_date(values["coverage_start"], "coverage_start", errors, required=True)
        joined = _parse_date(values["joined_on"], "joined_on", errors, required=False)
        person = PersonData(
            legal_name=values["legal_name"],
            id_type=values["id_type"].lower() or Member.IdType.RESIDENT_ID,
            id_number=values["id_number"],
            date_of_birth=born,
            sex=values["sex"].upper(),
            phone=values["phone"],
            email=values["email"],
            region=values["region"],
            address=values["address"],
        )
        check_person(person, errors, today=self.today)
        if len(person.legal_name) > 100:
            errors.add("legal_name", _("The name is longer than 100 characters."))
        if len(person.address) > 300:
            errors.add("address", _("The address is longer than 300 characters."))
        if len(person.email) > 254:
            errors.add("email", _("The e-mail address is longer than 254 characters."))
        number = self._check_number(values["member_number"], errors)
        code = values["plan"] or self.plan_code
        frequency = ""
        if not code:
            errors.add("plan", _("Name the plan (its code) in this column or for the file."))
        else:
            terms = self.plans.get(code)
            if isinstance(terms, str):
                errors.add("plan", terms)
            else:
                frequency = check_frequency(terms.version, values["payment_frequency"], errors)
                if born and start:
                    self._check_cover(terms, born, start, frequency, errors)
        if start and born and start < born:
            errors.add("coverage_start", _("The cover cannot start before the date of birth."))
        if joined is None and start:
            joined = min(start, self.today)
        if joined and joined > self.today:
            errors.add("joined_on", _("The date of joining cannot be in the future."))
        elif joined and born and joined < born:
            errors.add("joined_on", _("The date of joining cannot be before the date of birth."))
        self._check_duplicates(line, person, number)
        for name, messages in errors.fields.items():
            for message in messages:
                self.refuse(line, name, message)
        if line in self.bad_lines:
            return None
        return _Row(
            line=line,
            member_number=number,
            person=person,
            plan=code,
            frequency=frequency,
            coverage_start=start,
            joined_on=joined,
        )

    def _check_number(self, number: str, errors: _Errors) -> str:
        if not number:
            return ""
        if not KEPT_NUMBER_RE.match(number):
            errors.add(
                "member_number",
                _("A member number has 1 to 20 letters, digits and hyphens."),
            )
            return number
        own = OWN_NUMBER_RE.match(number)
        if own:
            year, sequence, check = own.groups()
            expected = luhn_digit(year + sequence)
            if check != expected:
                errors.add(
                    "member_number",
                    _("The check digit of this member number should be %(digit)s.")
                    % {"digit": expected},
                )
        return number

    def _check_cover(
        self, terms: _Terms, born: dt.date, start: dt.date, frequency: str, errors: _Errors
    ) -> None:
        version = terms.version
        age = age_on(born, start)
        if not version.min_entry_age <= age <= version.max_entry_age:
            errors.add(
                "date_of_birth",
                _(
                    "%(plan)s accepts members aged %(min)d to %(max)d; at the start of cover "
                    "this person was %(age)d."
                )  # fmt: skip
                % {
                    "plan": terms.plan.display_name,
                    "min": version.min_entry_age,
                    "max": version.max_entry_age,
                    "age": age,
                },
            )
            return
        band = terms.band_for(age)
        if band is None:
            errors.add(
                "date_of_birth", _("The plan has no benefit for age %(age)d.") % {"age": age}
            )
            return
        if terms.is_premium and frequency:
            if not band.premium_for(frequency):
                errors.add(
                    "payment_frequency",
                    _("The plan has no %(frequency)s premium for age %(age)d.")
                    % {"frequency": frequency, "age": age},
                )
            months = version.policy_term_months
            if months and not version.auto_renew and start <= self.today:
                ends = add_months(start, months) - dt.timedelta(days=1)
                if ends < self.today:
                    errors.add(
                        "coverage_start",
                        _(
                            "This cover ended on %(date)s and the plan does not renew "
                            "automatically; import only cover that is still running."
                        )  # fmt: skip
                        % {"date": ends.isoformat()},
                    )

    def _check_duplicates(self, line: int, person: PersonData, number: str) -> None:
        if person.id_number:
            self._repeat(
                line,
                self.seen_ids,
                (person.id_type, person.id_number),
                "id_number",
                IDENTITY_REPEATED,
            )
        if number:
            self._repeat(
                line,
                self.seen_numbers,
                number,
                "member_number",
                NUMBER_REPEATED,
            )

    def _repeat(self, line: int, seen: dict, key, name: str, message: str) -> None:
        """Refuse a repeated number on this line and (once) on the line it first appeared."""
        first = seen.setdefault(key, line)
        if first == line:
            return
        self.refuse(line, name, _(message) % {"line": first})
        if (first, name) not in self.told:
            self.told.add((first, name))
            self.refuse(first, name, _(message) % {"line": line})

    def accept(self, row: _Row) -> None:
        self.pending.append(row)

    def check_database(self) -> list[_Row]:
        """Check the pending batch against existing members; return the rows that pass."""
        rows, self.pending = self.pending, []
        if not rows:
            return rows
        by_id = {(r.person.id_type, r.person.id_number): r for r in rows}
        by_type: dict[str, list[str]] = {}
        for id_type, id_number in by_id:
            by_type.setdefault(id_type, []).append(id_number)
        for id_type, id_number, holder, status in _holders(by_type):
            row = by_id[(id_type, id_number)]
            if status in (Member.Status.APPLICANT, Member.Status.DECLINED):
                message = _(
                    "An application with this identity number exists already; decide it "
                    "in the application queue instead."
                )
            else:
                message = _("Member %(number)s already has this identity number.") % {
                    "number": holder
                }
            self.refuse(row.line, "id_number", message)
        numbers = {r.member_number: r for r in rows if r.member_number}
        if numbers:
            for taken in _numbers_taken(list(numbers)):
                self.refuse(
                    numbers[taken].line,
                    "member_number",
                    _("Another member has the number %(number)s.") % {"number": taken},
                )
        return [r for r in rows if r.line not in self.bad_lines]

    def count(self, row: _Row) -> None:
        """Count what a valid row needs from the number sequence."""
        own = OWN_NUMBER_RE.match(row.member_number) if row.member_number else None
        if own:
            year, sequence = int(own.group(1)), int(own.group(2))
            self.kept_sequences[year] = max(self.kept_sequences.get(year, 0), sequence)
        elif not row.member_number:
            self.new_numbers += 1


def _holders(by_type: dict[str, list[str]]) -> list[tuple[str, str, str, str]]:
    """(id_type, id_number, member_number, status) of the members holding any of the
    identity numbers, by type. Both columns, so that the unique index (id_type,
    id_number) answers; on PostgreSQL one array parameter per type instead of a
    parameter per number (Django spends longer building that query than it runs)."""
    if connection.vendor == "postgresql":
        found = []
        with connection.cursor() as cursor:
            for id_type, id_numbers in by_type.items():
                cursor.execute(
                    "SELECT id_type, id_number, member_number, status FROM members_member "
                    "WHERE id_type = %s AND id_number = ANY(%s)",
                    [id_type, id_numbers],
                )
                found.extend(cursor.fetchall())
        return found
    query = Q()
    for id_type, id_numbers in by_type.items():
        query |= Q(id_type=id_type, id_number__in=id_numbers)
    return list(
        Member.objects.filter(query).values_list("id_type", "id_number", "member_number", "status")
    )


def _numbers_taken(numbers: list[str]) -> list[str]:
    """Those of the member numbers that members have."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT member_number FROM members_member WHERE member_number = ANY(%s)",
                [numbers],
            )
            return [r[0] for r in cursor.fetchall()]
    return list(
        Member.objects.filter(member_number__in=numbers).values_list("member_number", flat=True)
    )


class _Reading:
    """The input read row by row; a problem with the file as a whole stops it."""

    def __init__(self, file: TextIO) -> None:
        self.file = file
        self.total = 0
        self.errors: list[tuple[int, str, str]] = []
        self.fatal = False

    def fail(self, line: int, name: str, message: str) -> None:
        self.errors.append((line, name, str(message)))
        self.fatal = True

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, {column: stripped value}) for every non-empty row after the header."""
        reader = csv.reader(self.file)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            self.fail(HEADER_LINE, "file", _file_error(exc))
            return
        if not header:
            self.fail(HEADER_LINE, "file", _("The file is empty; it needs a header row."))
            return
        names = [h.strip().lstrip("\ufeff").strip().lower() for h in header]
        for name in names:
            if name not in COLUMNS:
                self.fail(
                    HEADER_LINE, name or "file", _("Unknown column %(name)r.") % {"name": name}
                )
        for name in REQUIRED_COLUMNS:
            if name not in names:
                self.fail(
                    HEADER_LINE, name, _("The header has no %(name)s column.") % {"name": name}
                )
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.fail(HEADER_LINE, name, _("The header names %(name)s twice.") % {"name": name})
        if self.fatal:
            return
        # Columns the file leaves out read as empty cells.
        empty = dict.fromkeys((c for c in COLUMNS if c not in names), "")
        width = len(names)
        previous = reader.line_num
        try:
            for cells in reader:
                line = previous + 1  # where the row begins (a quoted cell may span lines)
                previous = reader.line_num
                if not "".join(cells).strip():
                    continue
                self.total += 1
                if len(cells) != width:
                    self.errors.append(
                        (
                            line,
                            "file",
                            _("This row has %(found)d cells; the header has %(expected)d.")
                            % {"found": len(cells), "expected": width},
                        )
                    )
                    continue
                values = dict(empty)
                values.update(zip(names, map(str.strip, cells), strict=True))
                yield line, values
        except (csv.Error, UnicodeDecodeError) as exc:
            self.fail(reader.line_num + 1, "file", _file_error(exc))


def _file_error(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return _("The file is not UTF-8 text; save it as CSV UTF-8 and try again.")
    return _("The file is not valid CSV here: %(error)s.") % {"error": exc}


def members_import(
    *,
    file: TextIO,
    plan_code: str = "",
    only_valid: bool = False,
    actor=None,
    dry_run: bool = False,
) -> ImportReport:
    """Import members from a CSV text stream (columns and rules in the module docstring).

    The whole file is validated first; with errors and without ``only_valid`` nothing is
    written. Returns the report; raises ``InvalidInput`` only when the database refused
    the write itself (someone enrolled one of the people at that very moment), in which
    case nothing was imported either.
    """
    today = timezone.localdate()
    report = ImportReport(dry_run=dry_run)
    validator = _Validator(plan_code=(plan_code or "").strip(), plans=_Plans(today), today=today)
    reading = _Reading(file)
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as spool:
        writer = csv.writer(spool)

        def flush() -> None:
            for row in validator.check_database():
                validator.count(row)
                writer.writerow(row.spooled())

        fast = validator.fast if FAST_PATH else lambda _line, _values: None
        for line, values in reading.records():
            row = fast(line, values) or validator.check(line, values)
            if row is not None:
                validator.accept(row)
                if len(validator.pending) >= BATCH_SIZE:
                    flush()
        flush()
        report.total = reading.total
        report.errors = sorted(reading.errors + validator.errors, key=lambda e: e[0])
        bad_lines = {line for line, _name, _message in report.errors}
        report.valid = 0 if reading.fatal else report.total - len(bad_lines)
        if dry_run or not report.valid or (report.errors and not only_valid):
            return report
        spool.seek(0)
        report.imported = _write(
            spool=spool,
            skip=bad_lines,
            plans=validator.plans,
            validator=validator,
            actor=actor,
            today=today,
        )
    return report


def _reserve_numbers(validator: _Validator, year: int) -> int:
    """Move each year's sequence past the kept numbers, and reserve the new ones.

    A short transaction of its own when called outside one, so that the sequence row is
    not locked for the length of the import.
    """
    with transaction.atomic():
        for kept_year, highest in validator.kept_sequences.items():
            name = f"member_number:{kept_year}"
            Sequence.objects.get_or_create(name=name)
            Sequence.objects.filter(name=name, value__lt=highest).update(value=highest)
        if not validator.new_numbers:
            return 0
        return sequence_next(name=f"member_number:{year}", count=validator.new_numbers)


# Every column written, by attribute name; what is not named is NULL (nullable fields only).
MEMBER_FIELDS = (
    "member_number",
    "legal_name",
    "id_type",
    "id_number",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "region",
    "address",
    "status",
    "status_changed_at",
    "joined_on",
    "created_at",
)
COVERAGE_FIELDS = (
    "member_id",
    "plan_id",
    "plan_version_id",
    "status",
    "start_date",
    "waiting_period_end",
    "term_end",
    "sum_assured",
    "premium",
    "payment_frequency",
    "next_due_date",
)
EVENT_FIELDS = (
    "member_id",
    "type",
    "at",
    "actor_id",
    "old_value",
    "new_value",
    "reason",
    "data",
)

# Spool columns (``_Row.spooled``).
(_LINE, _NUMBER, _NAME, _ID_TYPE, _ID_NUMBER, _BORN, _SEX, _PHONE, _EMAIL, _REGION, _ADDRESS,
 _PLAN, _FREQUENCY, _START, _JOINED) = range(15)  # fmt: skip


_NEEDS_ESCAPE = re.compile(r"[\\\n\r]")


class _Writer:
    """Inserts rows set-based: PostgreSQL's COPY through psycopg2 when there, otherwise
    ``bulk_create``. Both take the same tuples of database-ready values."""

    _ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self.copy = connection.vendor == "postgresql" and hasattr(cursor.cursor, "copy_expert")

    def insert(
        self, model, fields: tuple[str, ...], rows: list, *, ids: bool = False, text: bool = False
    ):
        """Insert ``rows``; with ``ids`` return the new primary keys in row order.

        With ``text`` (COPY only, without ``ids``) the rows are lines already in COPY's
        text format."""
        if not self.copy:
            objects = [model(**dict(zip(fields, values, strict=True))) for values in rows]
            model.objects.bulk_create(objects)
            return [o.pk for o in objects] if ids else None
        table = model._meta.db_table
        columns = [model._meta.get_field(f.removesuffix("_id")).column for f in fields]
        new_ids = None
        if ids:
            self.cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(rows)],
            )
            new_ids = [r[0] for r in self.cursor.fetchall()]
            rows = [(str(pk), *values) for pk, values in zip(new_ids, rows, strict=True)]
            columns = ["id", *columns]
        buffer = io.StringIO()
        lines = rows if text else self._lines(rows)
        if lines:
            buffer.write("\n".join(lines))
            buffer.write("\n")
        buffer.seek(0)
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        # The raw cursor bypasses Django's translation of driver errors: a unique
        # violation must still arrive as django.db.IntegrityError.
        with connection.wrap_database_errors:
            self.cursor.cursor.copy_expert(
                f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN", buffer
            )
        return new_ids

    @classmethod
    def _lines(cls, rows: list[tuple]) -> list[str]:
        """Rows of values as lines of COPY's text format."""
        text = cls._text
        needs_escape = _NEEDS_ESCAPE.search
        lines = []
        for values in rows:
            # Rows of plain strings with nothing to escape (the common case) join as
            # they are; any other row is formatted value by value.
            try:
                joined = "\t".join(values)
            except TypeError:
                joined = None
            if joined is None or needs_escape(joined) or joined.count("\t") != len(values) - 1:
                joined = "\t".join(map(text, values))
            lines.append(joined)
        return lines

    @classmethod
    def _text(cls, value) -> str:
        """A value in COPY's text format."""
        if type(value) is str:
            # Most values have nothing to escape; translate() is the slow path.
            if value.isprintable() and "\\" not in value:
                return value
            return value.translate(cls._ESCAPES)
        if value is None:
            return "\\N"
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False).translate(cls._ESCAPES)
        return str(value)  # int, Decimal


def _write(
    *, spool: TextIO, skip: set[int], plans: _Plans, validator: _Validator, actor, today
) -> int:
    first_number = _reserve_numbers(validator, today.year)
    numbers = itertools.count(first_number)
    # Values go in as text where that is what COPY reads (Django's fields parse it too);
    # formatting an aware datetime once, not twice a row, is a measurable part of the
    # cost.
    now = timezone.now().isoformat()
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    reason = _("Imported from the society's previous system.")
    imported = 0
    cache: dict = {}

    def batches() -> Iterator[list[list[str]]]:
        batch: list[list[str]] = []
        for cells in csv.reader(spool):
            if int(cells[_LINE]) in skip:
                continue
            batch.append(cells)
            if len(batch) >= BATCH_SIZE:
                yield batch
                batch = []
        if batch:
            yield batch

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            writer = _Writer(cursor)
            for batch in batches():
                members = []
                for cells in batch:
                    number = cells[_NUMBER] or member_number(today.year, next(numbers))
                    members.append(
                        (
                            number,
                            *cells[_NAME : _ADDRESS + 1],
                            Member.Status.ACTIVE.value,
                            now,
                            cells[_JOINED],
                            now,
                        )
                    )
                ids = writer.insert(Member, MEMBER_FIELDS, members, ids=True)
                coverages = []
                events = []
                if writer.copy:
                    # The same values as below, formatted straight into COPY's text:
                    # what does not depend on the member is formatted once.
                    head = "\t".join(
                        map(_Writer._text, (MemberEvent.Type.IMPORTED.value, now, actor_id, ""))
                    )
                    tail = _Writer._text(reason)
                    for cells, member_id in zip(batch, ids, strict=True):
                        coverages.append(
                            _coverage_text(cells, member_id, plans.get(cells[_PLAN]), today, cache)
                        )
                        events.append(_event_text(member_id, head, tail, cells, cache))
                    writer.insert(Coverage, COVERAGE_FIELDS, coverages, text=True)
                    writer.insert(MemberEvent, EVENT_FIELDS, events, text=True)
                    imported += len(batch)
                    continue
                for cells, member_id in zip(batch, ids, strict=True):
                    coverages.append(
                        _coverage(cells, member_id, plans.get(cells[_PLAN]), today, cache)
                    )
                    events.append(
                        (
                            member_id,
                            MemberEvent.Type.IMPORTED.value,
                            now,
                            actor_id,
                            "",
                            cells[_PLAN],
                            reason,
                            {"line": int(cells[_LINE]), "coverage_start": cells[_START]},
                        )
                    )
                writer.insert(Coverage, COVERAGE_FIELDS, coverages)
                writer.insert(MemberEvent, EVENT_FIELDS, events)
                imported += len(batch)
    except IntegrityError as exc:
        raise InvalidInput(
            _(
                "The database refused the import, so nothing was imported: someone was "
                "enrolled with one of these identity or member numbers while the file was "
                "being imported. Run the import again to see which."
            ),
            field="file",
        ) from exc
    return imported


def _coverage(
    cells: list[str], member_id: int, terms: _Terms, today: dt.date, cache: dict | None = None
) -> tuple:
    """The coverage row of a valid spooled row (the band exists: validation saw to it).

    ``cache`` keeps what depends only on the plan, the start, the frequency and the age
    (rows share them by the thousand); it is emptied when it grows large.
    """
    if cache is None:
        cache = {}
    elif len(cache) > 50_000:
        cache.clear()
    start_text = cells[_START]
    frequency = cells[_FREQUENCY] if terms.is_premium else ""
    key = (id(terms), start_text, frequency)
    dates = cache.get(key)
    if dates is None:
        dates = cache[key] = _coverage_dates(terms, start_text, frequency, today)
    start, waiting_end, term_end, next_due = dates
    born = dt.date.fromisoformat(cells[_BORN])
    age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
    band_key = (id(terms), age, frequency)
    amounts = cache.get(band_key)
    if amounts is None:
        band = terms.band_for(age_on(born, start))
        premium = band.premium_for(frequency) if terms.is_premium else None
        amounts = cache[band_key] = (band.sum_assured, premium)
    return (
        member_id,
        terms.plan.pk,
        terms.version.pk,
        Coverage.Status.IN_FORCE.value,
        start_text,
        waiting_end,
        term_end,
        amounts[0],
        amounts[1],
        frequency,
        next_due,
    )


def _coverage_dates(
    terms: _Terms, start_text: str, frequency: str, today: dt.date
) -> tuple[dt.date, str, str | None, str | None]:
    """(start, waiting period end, term end, next due date) of a coverage."""
    version = terms.version
    start = dt.date.fromisoformat(start_text)
    next_due = term_end = None
    if terms.is_premium:
        # Everything due up to the import date was the old system's to collect.
        next_due = _next_start(start, FREQUENCY_MONTHS[frequency], today)
        if version.policy_term_months:
            # The term running on the import date (or the first one, for later cover).
            term_end = _next_start(
                start, version.policy_term_months, max(start, today)
            ) - dt.timedelta(days=1)
    return (
        start,
        (start + dt.timedelta(days=version.waiting_period_days)).isoformat(),
        term_end and term_end.isoformat(),
        next_due and next_due.isoformat(),
    )


def _coverage_text(
    cells: list[str], member_id: int, terms: _Terms, today: dt.date, cache: dict
) -> str:
    """``_coverage`` as a line of COPY text; all but the member id is formatted once per
    plan, start, frequency and age."""
    born = cells[_BORN]
    start = cells[_START]
    age = int(start[:4]) - int(born[:4]) - (start[5:] < born[5:])
    key = ("text", id(terms), start, cells[_FREQUENCY], age)
    tail = cache.get(key)
    if tail is None:
        values = _coverage(cells, member_id, terms, today, cache)[1:]
        tail = cache[key] = "\t".join(map(_Writer._text, values))
    return f"{member_id}\t{tail}"


def _event_text(member_id: int, head: str, tail: str, cells: list[str], cache: dict) -> str:
    """The ``imported`` event as a line of COPY text; ``head`` and ``tail`` are its
    fixed columns before and after the plan code, formatted once."""
    plan = cells[_PLAN]
    plan_text = cache.get(("plan", plan))
    if plan_text is None:
        plan_text = cache[("plan", plan)] = _Writer._text(plan)
    # json.dumps(..., ensure_ascii=False) of the same dict: the line is an integer and
    # the start an ISO date, neither with anything to quote or escape.
    data = f'{{"line": {int(cells[_LINE])}, "coverage_start": "{cells[_START]}"}}'
    return f"{member_id}\t{head}\t{plan_text}\t{tail}\t{data}"
