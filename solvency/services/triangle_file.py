"""The reserving engine on a triangle from a file, outside the society's data
(``manage.py reserve_triangle``, for actuaries and auditors).

The triangle's CSV has a header and the columns ``origin,development,value`` (any
order, others ignored): one cell per row, ``development`` the lag 1, 2, ..., ``value``
cumulative (or incremental, summed here, with ``incremental=True``). The exposure's CSV
(Bornhuetter-Ferguson) has ``origin,exposure``. The whole file is read before anything
is projected; the first bad row refuses it, named by its line (the header is line 1):
a missing column, a value that is not a number, a lag that is not a whole number or is
below 1, the same cell twice, no row at all.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput

from ..calculations import reserving

TRIANGLE_COLUMNS = ("origin", "development", "value")
EXPOSURE_COLUMNS = ("origin", "exposure")


def _rows(text: str, columns: tuple[str, ...], what: str):
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in columns if c not in header]
    if missing:
        raise InvalidInput(
            _("%(what)s, line 1: the column %(column)s is missing (columns: %(columns)s).")
            % {"what": what, "column": missing[0], "columns": ", ".join(columns)},
            field="line 1",
        )
    reader.fieldnames = header
    for line, row in enumerate(reader, start=2):
        yield line, {c: (row.get(c) or "").strip() for c in columns}


def _number(text: str, *, what: str, line: int, column: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InvalidInput(
            _("%(what)s, line %(line)d: %(column)s %(value)r is not a number.")
            % {"what": what, "line": line, "column": column, "value": text},
            field=f"line {line}",
        )
    return value


def triangle_read(text: str, *, incremental: bool = False) -> dict[tuple[str, int], Decimal]:
    """The cumulative cells ``{(origin, lag): value}`` of a triangle CSV (refusals above)."""
    what = _("triangle")
    cells: dict[tuple[str, int], Decimal] = {}
    first: dict[tuple[str, int], int] = {}
    for line, row in _rows(text, TRIANGLE_COLUMNS, what):
        if not any(row.values()):
            continue
        if not row["origin"]:
            raise InvalidInput(
                _("%(what)s, line %(line)d: the origin is empty.") % {"what": what, "line": line},
                field=f"line {line}",
            )
        lag = _number(row["development"], what=what, line=line, column="development")
        if lag != lag.to_integral_value():
            raise InvalidInput(
                _("%(what)s, line %(line)d: development %(value)s is not a whole number.")
                % {"what": what, "line": line, "value": row["development"]},
                field=f"line {line}",
            )
        if lag < 1:
            raise InvalidInput(
                _("%(what)s, line %(line)d: development %(value)s is below 1 (lags are 1, 2, …).")
                % {"what": what, "line": line, "value": row["development"]},
                field=f"line {line}",
            )
        value = _number(row["value"], what=what, line=line, column="value")
        key = (row["origin"], int(lag))
        if key in cells:
            raise InvalidInput(
                _(
                    "%(what)s, line %(line)d: origin %(origin)s, development %(lag)d is given "
                    "twice (first on line %(first)d)."
                )
                % {
                    "what": what,
                    "line": line,
                    "origin": key[0],
                    "lag": key[1],
                    "first": first[key],
                },
                field=f"line {line}",
            )
        cells[key], first[key] = value, line
    if not cells:
        raise InvalidInput(
            _("%(what)s: the triangle is empty (no row after the header).") % {"what": what},
            field="line 2",
        )
    return reserving.cumulate(cells) if incremental else cells


def exposure_read(text: str) -> dict[str, Decimal]:
    what = _("exposure")
    exposure: dict[str, Decimal] = {}
    for line, row in _rows(text, EXPOSURE_COLUMNS, what):
        if not any(row.values()):
            continue
        if row["origin"] in exposure:
            raise InvalidInput(
                _("%(what)s, line %(line)d: origin %(origin)s is given twice.")
                % {"what": what, "line": line, "origin": row["origin"]},
                field=f"line {line}",
            )
        exposure[row["origin"]] = _number(row["exposure"], what=what, line=line, column="exposure")
    return exposure


def triangle_project(
    cells: dict[tuple[str, int], Decimal],
    *,
    method: str,
    apriori: Decimal | None = None,
    exposure: dict[str, Decimal] | None = None,
    tail: Decimal | None = None,
) -> dict[str, Any]:
    """Project ``cells``; the command's JSON: method, origins (origin, latest, ultimate,
    ibnr, std_err), totals, factors, tail."""
    try:
        result = reserving.project(
            cells, method=method, apriori=apriori, exposure=exposure, tail=tail
        )
    except reserving.TriangleError as error:
        raise InvalidInput(error.message, field=error.field) from None
    return {
        "method": result.method,
        "origins": [
            {
                "origin": row.origin,
                "latest": row.latest,
                "ultimate": row.ultimate,
                "ibnr": row.ibnr,
                "std_err": row.std_err,
            }
            for row in result.origins
        ],
        "totals": {
            "latest": result.latest,
            "ultimate": result.ultimate,
            "ibnr": result.ibnr,
            "std_err": result.std_err,
        },
        "factors": list(result.factors),
        "tail": result.tail,
    }
