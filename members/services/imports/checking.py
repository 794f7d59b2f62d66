"""Checking the rows: the same rules as enrolment, a fast path, duplicates, the database.

Each row is first tried on a fast path (``Validator.fast``) that accepts only rows the
full check certainly accepts, with the same normalised values, and words no message; any
other row goes through the full check (``Validator.check``: enrolment's ``check_person``
and ``check_frequency``, then what only an import asks), which alone reports reasons.
Both paths apply the rules of ``members.rules`` and ``members.identity`` (one copy of
each); the tests run a file with every kind of error through both and compare.

Within the file, an identity number (or member number) on two lines refuses every line it
is on; against the database, each batch of rows is checked at once (``check_database``):
an identity number a member or applicant holds, or a member number taken, refuses the
line.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mutualsociety.common.display import format_date

from ...identity import InvalidIdentityNumber, age_on, normalise, parse_resident_id
from ...models import Member
from ...regions import PROVINCES
from ...rules import (
    ADDRESS_MAX,
    EMAIL_MAX,
    NAME_MAX,
    band_for,
    email_valid,
    entry_age_allowed,
    frequency_valid,
    iso_date,
    phone_normalise,
    phone_valid,
    term_ended_without_renewal,
)
from ..checks import FieldErrors, PersonData, check_frequency, check_person
from .rows import (
    OWN_NUMBER_RE,
    RESIDENT_ID,
    Plans,
    Row,
    Terms,
    member_number_problem,
    parse_date,
)

IDENTITY_REPEATED = gettext_noop("The same identity number is on line %(line)d.")
NUMBER_REPEATED = gettext_noop("The same member number is on line %(line)d.")


class Validator:
    """The whole-file check: one row at a time, with the database checked per batch."""

    def __init__(self, *, plan_code: str, plans: Plans, today: dt.date) -> None:
        self.plan_code = plan_code
        self.plans = plans
        self.today = today
        self.errors: list[tuple[int, str, str]] = []
        self.bad_lines: set[int] = set()
        # In-file duplicates: identity → first line, member number → first line.
        self.seen_ids: dict[tuple[str, str], int] = {}
        self.seen_numbers: dict[str, int] = {}
        self.told: set[tuple[int, str]] = set()  # (first line, column) told of a repeat
        self.pending: list[Row] = []  # waiting for the database check of their batch
        self.new_numbers = 0
        self.kept_sequences: dict[int, int] = {}  # year → highest kept sequence

    def refuse(self, line: int, name: str, message: str) -> None:
        self.errors.append((line, name, str(message)))
        self.bad_lines.add(line)

    def fast(self, line: int, values: dict[str, str]) -> Row | None:
        """The row, when it passes every check of ``check`` on the common path (a resident
        identity card, values already normalised); None when in any doubt (``check`` then
        decides, and words the reasons). The rules are the ones ``check`` applies, called
        without a message."""
        today = self.today
        born = iso_date(values["date_of_birth"])
        start = iso_date(values["coverage_start"])
        if born is None or start is None:
            return None
        if values["joined_on"]:
            joined = iso_date(values["joined_on"])
            if joined is None:
                return None
        else:
            joined = min(start, today)
        if born > today or start < born or joined > today or joined < born:
            return None
        legal_name = values["legal_name"].strip()
        if not legal_name or len(legal_name) > NAME_MAX:
            return None
        if (values["id_type"].lower() or RESIDENT_ID) != RESIDENT_ID:
            return None
        id_number = normalise(values["id_number"])
        try:
            resident = parse_resident_id(id_number, today=today)
        except InvalidIdentityNumber:
            return None
        sex = values["sex"].upper()
        if resident.date_of_birth != born or resident.sex != sex:
            return None
        phone = values["phone"]
        if phone_normalise(phone) != phone or not phone_valid(phone):
            return None
        email = values["email"].strip()
        if email and (len(email) > EMAIL_MAX or not email_valid(email)):
            return None
        region = values["region"]
        address = values["address"]
        if region not in PROVINCES or len(address) > ADDRESS_MAX:
            return None
        number = values["member_number"]
        if number and (number in self.seen_numbers or member_number_problem(number)):
            return None
        key = (RESIDENT_ID, id_number)
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
        if not entry_age_allowed(version, age):
            return None
        band = band_for(terms.bands, age)
        if band is None:
            return None
        frequency = ""
        if terms.is_premium:
            frequency = values["payment_frequency"]
            if not frequency_valid(frequency) or not band.premium_for(frequency):
                return None
            if term_ended_without_renewal(version, start, today) is not None:
                return None
        self.seen_ids[key] = line
        if number:
            self.seen_numbers[number] = line
        return Row(
            line=line,
            member_number=number,
            person=PersonData(
                legal_name=legal_name,
                id_type=RESIDENT_ID,
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

    def check(self, line: int, values: dict[str, str]) -> Row | None:
        """Check one row on its own and against the earlier rows of the file."""
        errors = FieldErrors()
        born = parse_date(values["date_of_birth"], "date_of_birth", errors, required=True)
        start = parse_date(values["coverage_start"], "coverage_start", errors, required=True)
        joined = parse_date(values["joined_on"], "joined_on", errors, required=False)
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
        if len(person.legal_name) > NAME_MAX:
            errors.add("legal_name", _("The name is longer than 100 characters."))
        if len(person.address) > ADDRESS_MAX:
            errors.add("address", _("The address is longer than 300 characters."))
        if len(person.email) > EMAIL_MAX:
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
        if start is None or joined is None:  # parse_date refused the line for them above
            raise RuntimeError(f"Line {line} passed its checks without its dates.")
        return Row(
            line=line,
            member_number=number,
            person=person,
            plan=code,
            frequency=frequency,
            coverage_start=start,
            joined_on=joined,
        )

    def _check_number(self, number: str, errors: FieldErrors) -> str:
        problem = member_number_problem(number) if number else None
        if problem:
            errors.add("member_number", problem)
        return number

    def _check_cover(
        self, terms: Terms, born: dt.date, start: dt.date, frequency: str, errors: FieldErrors
    ) -> None:
        version = terms.version
        age = age_on(born, start)
        if not entry_age_allowed(version, age):
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
        band = band_for(terms.bands, age)
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
            ends = term_ended_without_renewal(version, start, self.today)
            if ends is not None:
                errors.add(
                    "coverage_start",
                    _(
                        "This cover ended on %(date)s and the plan does not renew "
                        "automatically; import only cover that is still running."
                    )  # fmt: skip
                    % {"date": format_date(ends)},
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

    def accept(self, row: Row) -> None:
        self.pending.append(row)

    def check_database(self) -> list[Row]:
        """Check the pending batch against existing members; return the rows that pass."""
        rows, self.pending = self.pending, []
        if not rows:
            return rows
        by_id = {(r.person.id_type, r.person.id_number): r for r in rows}
        by_type: dict[str, list[str]] = {}
        for id_type, id_number in by_id:
            by_type.setdefault(id_type, []).append(id_number)
        for id_type, id_number, holder, status in holders(by_type):
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
            for taken in numbers_taken(list(numbers)):
                self.refuse(
                    numbers[taken].line,
                    "member_number",
                    _("Another member has the number %(number)s.") % {"number": taken},
                )
        return [r for r in rows if r.line not in self.bad_lines]

    def count(self, row: Row) -> None:
        """Count what a valid row needs from the number sequence."""
        own = OWN_NUMBER_RE.match(row.member_number) if row.member_number else None
        if own:
            year, sequence = int(own.group(1)), int(own.group(2))
            self.kept_sequences[year] = max(self.kept_sequences.get(year, 0), sequence)
        elif not row.member_number:
            self.new_numbers += 1


def holders(by_type: dict[str, list[str]]) -> list[tuple[str, str, str | None, str]]:
    """(id_type, id_number, member_number, status) of the members holding any of the
    identity numbers (an applicant has no member number yet), by type. Both columns, so
    that the unique index (id_type, id_number) answers; on PostgreSQL one array parameter
    per type instead of a parameter per number (Django spends longer building that query
    than it runs)."""
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


def numbers_taken(numbers: list[str]) -> list[str]:
    """Those of the member numbers that members have."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT member_number FROM members_member WHERE member_number = ANY(%s)",
                [numbers],
            )
            return [r[0] for r in cursor.fetchall()]
    taken = Member.objects.filter(member_number__in=numbers).values_list("member_number", flat=True)
    return [number for number in taken if number is not None]  # IN matches no NULL
