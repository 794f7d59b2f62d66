"""A ``Report``'s figures as CSV and JSON, and the SHA-256 every attachment is stored with.

CSV layout — one file for the whole report, one line per table cell ("long" form, so
that tables of different widths share one header and any spreadsheet or ``csv`` reader
filters or pivots it)::

    section,table,row,column,type,value
    偿付能力,偿付能力主要指标,1,本期,percent,1.8543
    …
    财务状况,资产,total,金额,money,1234567.89

- ``section`` and ``table`` are the section's heading and the table's caption,
  ``column`` the column's header, all in the report's language;
- ``row`` counts a table's rows from 1; its closing sum row is ``total``;
- ``type`` is the cell's kind (``text``, ``money``, ``percent``, ``integer``,
  ``number``, ``date``, ``month``); ``value`` its plain machine form: an amount with its two
  decimals and no grouping (``1234567.89``), a percentage as the fraction
  (``1.8543`` is 185.43%), a date in ISO form (``2026-09-30``), a month as
  ``2026-01``, empty when there is no value;
- the paragraphs and notes of the PDF are not in the CSV; the file is UTF-8 with a byte
  order mark so that Excel opens the Chinese correctly, lines end in CRLF (RFC 4180).

JSON: ``{"kind": …, "schema": 1, "figures": {…}}`` — the figures the report was built
from, exactly (amounts as the strings they were given), keys sorted, UTF-8 without
``\\u`` escapes. It does not depend on the report's language: the Chinese and the English
report of the same figures publish the same JSON, with the same checksum.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from decimal import Decimal

from .document import Cell, Kind, Report
from .figures import SCHEMA

CSV_HEADER = ("section", "table", "row", "column", "type", "value")


def cell_value(cell: Cell) -> str:
    """A cell in plain machine form (see the module's docstring)."""
    value = cell.value
    if value is None:
        return ""
    if cell.kind is Kind.MONTH and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def render_csv(report: Report) -> bytes:
    """Every cell of every table of ``report``, one per line (module's docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for section in report.sections:
        for table in section.tables:
            rows: list[tuple[str, list[Cell]]] = [
                (str(i), row) for i, row in enumerate(table.rows, start=1)
            ]
            if table.total:
                rows.append(("total", table.total))
            for label, row in rows:
                for header, cell in zip(table.headers, row, strict=True):
                    writer.writerow(
                        (
                            section.heading,
                            table.caption,
                            label,
                            header,
                            cell.kind.value,
                            cell_value(cell),
                        )
                    )
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def render_json(report: Report) -> bytes:
    """The figures of ``report`` with its kind and the schema version: sorted keys,
    two-space indents, UTF-8, a final newline."""
    document = {"kind": report.kind, "schema": SCHEMA, "figures": report.figures}
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2)
    return (text + "\n").encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 lowercase hex digits (what an attachment stores)."""
    return hashlib.sha256(data).hexdigest()
