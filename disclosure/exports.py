"""Tables the regulator portal shows, and their one export to CSV and JSON.

A page builds ``Table`` objects (a slug, a caption, typed columns and rows of raw values:
``Decimal``, ``date``, ``datetime``, ``int``, ``str``, ``None``); the template renders
them, and ``table_response`` writes any of them as

- CSV: UTF-8 with a byte-order mark (so that a spreadsheet opens Chinese text right),
  one header row of the column keys (machine-readable, the same in every language),
  amounts as plain ``1234.50``, dates ISO, a totals row last where the table has one;
- JSON: ``{"table": slug, "caption": ..., "columns": [{"key", "label", "kind"}],
  "rows": [{key: value}]}`` with Decimals as strings (to the cent as stored), dates and
  times ISO 8601;

both with a ``Content-Disposition`` naming the file ``<page>-<table>.<fmt>``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.encoding import force_str

FORMATS = ("csv", "json")

#: Kinds of column: how a value is shown on the page (the export writes the raw value).
KINDS = ("text", "money", "int", "decimal", "percent", "rate", "date", "datetime", "bool")


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy translation
    kind: str = "text"

    @property
    def numeric(self) -> bool:
        return self.kind in {"money", "int", "decimal", "percent", "rate"}


@dataclass
class Table:
    """One table of a page: ``rows`` hold the values in the columns' order."""

    slug: str
    caption: Any
    columns: Sequence[Column]
    rows: list[Sequence[Any]] = field(default_factory=list)
    #: A row of totals shown under the body (exported as a last row with ``is_total``).
    total: Sequence[Any] | None = None
    note: Any = ""
    #: Per row, where its first cell links to on the page (not exported); empty: none.
    links: list[str] = field(default_factory=list)

    @property
    def body(self) -> list[tuple[str, list[tuple[Column, Any]]]]:
        """Rows as (link, [(column, value)...]), for the template."""
        links = self.links or [""] * len(self.rows)
        return [
            (link, list(zip(self.columns, row, strict=True)))
            for link, row in zip(links, self.rows, strict=True)
        ]

    @property
    def total_cells(self) -> list[tuple[Column, Any]]:
        return list(zip(self.columns, self.total, strict=True)) if self.total else []

    def records(self) -> list[dict[str, Any]]:
        keys = [c.key for c in self.columns]
        rows = [dict(zip(keys, row, strict=True)) for row in self.rows]
        if self.total is not None:
            rows.append({**dict(zip(keys, self.total, strict=True)), "is_total": True})
        return rows


def _plain(value: Any) -> Any:
    """A value as JSON keeps it: Decimals as strings, dates ISO, lazy text as text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(Decimal(str(value)))
    return force_str(value)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(_plain(value))


def table_csv(table: Table) -> str:
    """The table as CSV text (without the byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.key for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    if table.total is not None:
        writer.writerow([_csv_cell(v) for v in table.total])
    return buffer.getvalue()


def table_json(table: Table) -> dict[str, Any]:
    return {
        "table": table.slug,
        "caption": force_str(table.caption),
        "columns": [
            {"key": c.key, "label": force_str(c.label), "kind": c.kind} for c in table.columns
        ],
        "rows": [{k: _plain(v) for k, v in record.items()} for record in table.records()],
    }


def table_find(tables: Iterable[Table], slug: str) -> Table | None:
    return next((t for t in tables if t.slug == slug), None)


def table_response(table: Table, *, fmt: str, filename: str) -> HttpResponse:
    """The table as a file to download (``fmt``: csv or json)."""
    if fmt == "csv":
        response = HttpResponse(
            ("\ufeff" + table_csv(table)).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            json.dumps(table_json(table), ensure_ascii=False, indent=1).encode("utf-8"),
            content_type="application/json; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
