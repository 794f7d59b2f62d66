"""Reporting periods (month, quarter, year) as consecutive integers, in Python and in SQL.

A period's index counts periods from year 0: month ``year*12 + month-1``, quarter
``year*4 + (month-1) div 3``, year ``year``. The development triangles (claims) and the
premium exposure (members) group by these indexes in the database, so the SQL and the
Python here must agree (a test checks them on both databases).
"""

from __future__ import annotations

import datetime as dt

GRAINS = ("month", "quarter", "year")
#: Months in a period of each grain.
MONTHS = {"month": 1, "quarter": 3, "year": 12}


def grain_check(grain: str) -> str:
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}: one of {', '.join(GRAINS)}")
    return grain


def period_index(day: dt.date, grain: str) -> int:
    months = MONTHS[grain_check(grain)]
    return (day.year * 12 + day.month - 1) // months


def period_start(index: int, grain: str) -> dt.date:
    months = index * MONTHS[grain_check(grain)]
    return dt.date(months // 12, months % 12 + 1, 1)


def period_end(index: int, grain: str) -> dt.date:
    return period_start(index + 1, grain) - dt.timedelta(days=1)


def period_index_sql(column: str, grain: str, vendor: str) -> str:
    """The SQL of ``period_index`` over a date column (a trusted column name, never
    input). ``%`` is doubled: the text goes through a cursor with parameters."""
    months = MONTHS[grain_check(grain)]
    if vendor == "postgresql":
        year = f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"
        month = f"CAST(EXTRACT(MONTH FROM {column}) AS INTEGER)"
    else:
        year = f"CAST(strftime('%%Y', {column}) AS INTEGER)"
        month = f"CAST(strftime('%%m', {column}) AS INTEGER)"
    if months == 12:
        return year
    return f"(({year} * 12 + {month} - 1) / {months})"
