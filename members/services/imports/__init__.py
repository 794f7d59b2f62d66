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

Each row is first tried on a fast path (``checking.Validator.fast``) that accepts only
rows the full check certainly accepts, with the same normalised values, and words no
message; any other row goes through the full check, which alone reports reasons. Both
paths apply the same rules (``members.rules``, ``members.identity``: one copy of each,
shared with enrolment) and are tested to agree on a file with every kind of error.

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

The package by subject: ``reading`` (the header and the rows), ``rows`` (a checked row and
what its cells refer to), ``checking`` (the rules, the fast path, duplicates, the
database), ``writing`` (the set-based writes); ``members_import`` here runs them in turn.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass, field
from typing import TextIO

from django.utils import timezone

from .checking import Validator
from .reading import COLUMNS, HEADER_LINE, REQUIRED_COLUMNS, Reading
from .rows import Plans
from .writing import BATCH_SIZE, Writer, write

__all__ = [
    "BATCH_SIZE",
    "COLUMNS",
    "FAST_PATH",
    "HEADER_LINE",
    "REQUIRED_COLUMNS",
    "ImportReport",
    "members_import",
]

#: Rows are first tried on a fast path that accepts only what the full check
#: (``Validator.check``) certainly accepts, with the same normalised values; any doubt
#: sends the row to the full check, which alone words the reasons. Tests turn it off to
#: compare the two.
FAST_PATH = True

# The validator and the writer ``members_import`` uses, by the names the tests replace
# them under (with ``BATCH_SIZE`` and ``FAST_PATH``, read here at each call).
_Validator = Validator
_Writer = Writer


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
    validator = _Validator(plan_code=(plan_code or "").strip(), plans=Plans(today), today=today)
    reading = Reading(file)
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
        report.imported = write(
            spool=spool,
            skip=bad_lines,
            plans=validator.plans,
            validator=validator,
            actor=actor,
            today=today,
            writer_class=_Writer,
            batch_size=BATCH_SIZE,
        )
    return report
