"""What both reports share: the common figures every report reads first, the helpers for
cells and labels, and the ``Report`` each builder returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from mutualsociety.common.display import format_date

from ..document import Cell, Report, Section, Table
from ..figures import SCHEMA, FiguresError, Reader, jsonable

HUNDRED = Decimal(100)

SOLVENCY_QUARTERLY = "solvency_quarterly"
ANNUAL = "annual"


def pct(points: Decimal | None) -> Decimal | None:
    """A ratio in percent (``185.43``) as the fraction a cell holds (``1.8543``)."""
    return None if points is None else points / HUNDRED


def choice(choices: Any, value: str | None) -> str:
    """The label of ``value`` among a model's TextChoices (the value itself if unknown)."""
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def yes_no(flag: bool) -> str:
    return _("Yes") if flag else _("No")


class Common:
    """What both reports read first: the schema version, society, period, date."""

    def __init__(self, figures: dict[str, Any], language: str) -> None:
        self.figures = jsonable(figures)
        self.language = language
        root = Reader(self.figures)
        schema = root.integer("schema", required=False)
        if schema is not None and schema != SCHEMA:
            raise FiguresError(
                f"schema {schema} is not a layout this version reads ({SCHEMA}).", field="schema"
            )
        self.root = root
        society = root.req_obj("society")
        name = society.req_text("name")
        name_en = society.text("name_en", required=False)
        self.society_name = name_en if language.startswith("en") and name_en else name
        self.currency = root.req_text("currency")
        period = root.req_obj("period")
        self.start = period.req_date("start")
        self.end = period.req_date("end")
        if self.start > self.end:
            raise FiguresError("period.start is after period.end.", field="period.start")
        self.generated_on = root.req_date("generated_on")

    def currency_note(self) -> str:
        return _("Amounts are in %(currency)s, to the cent.") % {"currency": self.currency}


def quarter_label(end: dt.date) -> str:
    quarter = (end.month - 1) // 3 + 1
    return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": end.year}


def nothing(heading: str) -> Section:
    return Section(heading=heading, paragraphs=[_("Nothing was reported for this period.")])


def money_sum(items: Iterable[Reader], key: str = "amount") -> Decimal:
    """The sum of the required amount ``key`` of each item (``0.00`` for none)."""
    return sum((item.req_money(key) for item in items), Decimal("0.00"))


def indicator_table(caption: str, rows: list[list[Cell]]) -> Table:
    """A two-column table of named figures: "Indicator", "Value"."""
    return Table(caption=caption, headers=[_("Indicator"), _("Value")], rows=rows)


def build_report(
    c: Common, *, kind: str, title: str, subtitle: str, sections: list[Section]
) -> Report:
    """The report of ``kind`` over the common figures ``c``; call it inside the
    builder's ``translation.override``."""
    return Report(
        kind=kind,
        language=c.language,
        title=title,
        subtitle=subtitle,
        society_name=c.society_name,
        period_label=_("%(start)s to %(end)s")
        % {"start": format_date(c.start), "end": format_date(c.end)},
        generated_on=c.generated_on,
        currency=c.currency,
        sections=sections,
        figures=c.figures,
    )
