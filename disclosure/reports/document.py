"""A report as plain data: a title page's lines, sections, paragraphs, tables of typed cells.

The builders (``builders``) make one from the figures; the renderers (``pdf``, ``data``)
turn it into bytes. Nothing here touches the database or the active language: the text
of a ``Report`` is already in its ``language``, and a cell keeps its value typed (an
amount is a ``Decimal``, a date a ``date``) so that each renderer writes it its own way —
the PDF as people read it (``1,234,567.89``, ``185.43%``, ``2026年9月30日``), the CSV in
plain machine form beside that (``1234567.89``, ``1.8543``, ``2026-09-30``).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


class Kind(enum.StrEnum):
    """What a cell holds, which says how it is written."""

    TEXT = "text"
    #: An amount of money (Decimal), written to the cent with thousands separators.
    MONEY = "money"
    #: A ratio or rate as a fraction (Decimal): 1.8543 is written 185.43%.
    PERCENT = "percent"
    #: A whole number (a count of members, cases, votes).
    INTEGER = "integer"
    #: A number that is neither money nor a rate (days to payment), written as given.
    NUMBER = "number"
    DATE = "date"
    #: A calendar month (a ``date``, its day ignored): ``2026年1月`` / ``January 2026``.
    MONTH = "month"


@dataclass(frozen=True)
class Cell:
    """One value of a table; ``value`` None is an empty cell (written "—")."""

    kind: Kind
    value: str | Decimal | int | dt.date | None


def text(value: str | None) -> Cell:
    return Cell(Kind.TEXT, value)


def money(value: Decimal | None) -> Cell:
    return Cell(Kind.MONEY, value)


def percent(value: Decimal | None) -> Cell:
    """A fraction (``Decimal("0.1234")``) shown as a percentage (``12.34%``)."""
    return Cell(Kind.PERCENT, value)


def integer(value: int | None) -> Cell:
    return Cell(Kind.INTEGER, value)


def number(value: Decimal | None) -> Cell:
    return Cell(Kind.NUMBER, value)


def date(value: dt.date | None) -> Cell:
    return Cell(Kind.DATE, value)


def month(value: dt.date | None) -> Cell:
    return Cell(Kind.MONTH, value)


@dataclass(frozen=True)
class Table:
    """A captioned table. ``headers`` name the columns (a PDF repeats them on every page
    the table runs onto); ``total`` is an optional closing row set apart (a sum)."""

    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    total: list[Cell] | None = None

    def __post_init__(self) -> None:
        width = len(self.headers)
        for index, row in enumerate([*self.rows, *([self.total] if self.total else [])]):
            if len(row) != width:
                raise ValueError(
                    f"Table {self.caption!r}: row {index + 1} has {len(row)} cells for "
                    f"{width} columns."
                )


@dataclass(frozen=True)
class Section:
    """A heading, then its paragraphs, its tables and its notes, in that order."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    """A whole report in one language.

    ``kind`` is ``"solvency_quarterly"`` or ``"annual"``; ``figures`` the JSON-able dict
    it was built from (what ``render_json`` publishes, unchanged); ``generated_on`` comes
    from the figures, never from the clock, so the same figures give the same bytes.
    """

    kind: str
    language: str
    title: str
    subtitle: str
    society_name: str
    period_label: str
    generated_on: dt.date
    currency: str
    sections: list[Section]
    figures: dict[str, Any]
