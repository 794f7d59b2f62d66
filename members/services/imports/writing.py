"""Writing the checked rows: set-based, a few statements per batch, one transaction.

What gets written (never a service call or a query per row): active ``Member`` rows
without a login, one in-force ``Coverage`` each at the age band of the age at
``coverage_start``, one ``MemberEvent`` (``imported``). On PostgreSQL each batch is one id
reservation and three ``COPY`` statements (Django's ``bulk_create`` spends more time
building its INSERT than the database takes to run it); elsewhere it is ``bulk_create``,
with the same values. The member numbers are reserved first, in a short transaction of
their own (``reserve_numbers``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
from collections.abc import Iterator
from typing import TextIO

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.models import Sequence
from mutualsociety.common.services import sequence_next

from ...calculations import FREQUENCY_MONTHS, add_months, member_number
from ...identity import age_on
from ...models import Coverage, Member, MemberEvent
from ...rules import band_for
from .checking import Validator
from .rows import (
    ADDRESS,
    BORN,
    FREQUENCY,
    JOINED,
    LINE,
    NAME,
    NUMBER,
    PLAN,
    START,
    Plans,
    Terms,
)

#: Rows written per batch (and checked against the database per batch).
BATCH_SIZE = 2000


def next_start(start: dt.date, months: int, after: dt.date) -> dt.date:
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


def reserve_numbers(validator: Validator, year: int) -> int:
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

_NEEDS_ESCAPE = re.compile(r"[\\\n\r]")


class Writer:
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


def write(
    *,
    spool: TextIO,
    skip: set[int],
    plans: Plans,
    validator: Validator,
    actor,
    today: dt.date,
    writer_class: type[Writer] = Writer,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Write the valid spooled rows (those not in ``skip``), ``batch_size`` at a time,
    in one transaction; returns how many members were imported."""
    first_number = reserve_numbers(validator, today.year)
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
            if int(cells[LINE]) in skip:
                continue
            batch.append(cells)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            writer = writer_class(cursor)
            for batch in batches():
                members = []
                for cells in batch:
                    number = cells[NUMBER] or member_number(today.year, next(numbers))
                    members.append(
                        (
                            number,
                            *cells[NAME : ADDRESS + 1],
                            Member.Status.ACTIVE.value,
                            now,
                            cells[JOINED],
                            now,
                        )
                    )
                ids = writer.insert(Member, MEMBER_FIELDS, members, ids=True)
                # Lines of COPY text (PostgreSQL) or tuples of values (bulk_create).
                coverages: list[str | tuple] = []
                events: list[str | tuple] = []
                if writer.copy:
                    # The same values as below, formatted straight into COPY's text:
                    # what does not depend on the member is formatted once.
                    head = "\t".join(
                        map(Writer._text, (MemberEvent.Type.IMPORTED.value, now, actor_id, ""))
                    )
                    tail = Writer._text(reason)
                    for cells, member_id in zip(batch, ids, strict=True):
                        coverages.append(
                            coverage_text(
                                cells, member_id, plans.checked(cells[PLAN]), today, cache
                            )
                        )
                        events.append(event_text(member_id, head, tail, cells, cache))
                    writer.insert(Coverage, COVERAGE_FIELDS, coverages, text=True)
                    writer.insert(MemberEvent, EVENT_FIELDS, events, text=True)
                    imported += len(batch)
                    continue
                for cells, member_id in zip(batch, ids, strict=True):
                    coverages.append(
                        coverage_row(cells, member_id, plans.checked(cells[PLAN]), today, cache)
                    )
                    events.append(
                        (
                            member_id,
                            MemberEvent.Type.IMPORTED.value,
                            now,
                            actor_id,
                            "",
                            cells[PLAN],
                            reason,
                            {"line": int(cells[LINE]), "coverage_start": cells[START]},
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


def coverage_row(
    cells: list[str], member_id: int, terms: Terms, today: dt.date, cache: dict | None = None
) -> tuple:
    """The coverage row of a valid spooled row (the band exists: validation saw to it).

    ``cache`` keeps what depends only on the plan, the start, the frequency and the age
    (rows share them by the thousand); it is emptied when it grows large.
    """
    if cache is None:
        cache = {}
    elif len(cache) > 50_000:
        cache.clear()
    start_text = cells[START]
    frequency = cells[FREQUENCY] if terms.is_premium else ""
    key = (id(terms), start_text, frequency)
    dates = cache.get(key)
    if dates is None:
        dates = cache[key] = coverage_dates(terms, start_text, frequency, today)
    start, waiting_end, term_end, next_due = dates
    age = age_on(dt.date.fromisoformat(cells[BORN]), start)
    band_key = (id(terms), age, frequency)
    amounts = cache.get(band_key)
    if amounts is None:
        band = band_for(terms.bands, age)
        if band is None:  # the checks refuse an age without a band
            raise LookupError(f"A checked row's age {age} has no band in {terms.plan.code}.")
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


def coverage_dates(
    terms: Terms, start_text: str, frequency: str, today: dt.date
) -> tuple[dt.date, str, str | None, str | None]:
    """(start, waiting period end, term end, next due date) of a coverage."""
    version = terms.version
    start = dt.date.fromisoformat(start_text)
    next_due = term_end = None
    if terms.is_premium:
        # Everything due up to the import date was the old system's to collect.
        next_due = next_start(start, FREQUENCY_MONTHS[frequency], today)
        if version.policy_term_months:
            # The term running on the import date (or the first one, for later cover).
            term_end = next_start(
                start, version.policy_term_months, max(start, today)
            ) - dt.timedelta(days=1)
    return (
        start,
        (start + dt.timedelta(days=version.waiting_period_days)).isoformat(),
        term_end.isoformat() if term_end else None,
        next_due.isoformat() if next_due else None,
    )


def coverage_text(
    cells: list[str], member_id: int, terms: Terms, today: dt.date, cache: dict
) -> str:
    """``_coverage`` as a line of COPY text; all but the member id is formatted once per
    plan, start, frequency and age."""
    start = cells[START]
    age = age_on(dt.date.fromisoformat(cells[BORN]), dt.date.fromisoformat(start))
    key = ("text", id(terms), start, cells[FREQUENCY], age)
    tail = cache.get(key)
    if tail is None:
        values = coverage_row(cells, member_id, terms, today, cache)[1:]
        tail = cache[key] = "\t".join(map(Writer._text, values))
    return f"{member_id}\t{tail}"


def event_text(member_id: int, head: str, tail: str, cells: list[str], cache: dict) -> str:
    """The ``imported`` event as a line of COPY text; ``head`` and ``tail`` are its
    fixed columns before and after the plan code, formatted once."""
    plan = cells[PLAN]
    plan_text = cache.get(("plan", plan))
    if plan_text is None:
        plan_text = cache[("plan", plan)] = Writer._text(plan)
    # json.dumps(..., ensure_ascii=False) of the same dict: the line is an integer and
    # the start an ISO date, neither with anything to quote or escape.
    data = f'{{"line": {int(cells[LINE])}, "coverage_start": "{cells[START]}"}}'
    return f"{member_id}\t{head}\t{plan_text}\t{tail}\t{data}"
