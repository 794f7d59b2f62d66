"""The claims data reserving reads (solvency's reserve runs, through these selectors):
development triangles and the outstanding case reserves at a valuation date.

Set-based: a fixed handful of ``GROUP BY`` queries in the database, whatever the number
of claims; Python only lays the aggregated cells (origins × lags) out as a triangle.

- **origin**: the period (month, quarter, year) of the claim's ``event_date``;
- **development**: the period of the payment (``paid_on``) or of the case-reserve
  estimate (``ClaimReserve.as_of``); lag 1 is the origin period itself, lag k the
  (k−1)-th period after it (a date before the event counts at lag 1);
- **paid**: the payments made up to the end of each development period, cumulative;
- **incurred**: paid to date plus each claim's latest case reserve as of the end of the
  development period. Each estimate enters as its change from the claim's estimate
  before it (``LAG`` over the claim's history by ``as_of``, ``recorded_at``, ``id``), so
  that the cumulative sum of the changes up to a period is the latest estimate then.

Only what is known at the valuation date counts (payments and estimates dated on or
before it, claims whose event is on or before it); the last diagonal is the valuation
date's own period, as far as it has run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection

from mutualsociety.common.money import ZERO, quantize_money
from mutualsociety.common.periods import grain_check, period_index, period_index_sql, period_start


class TriangleRow(NamedTuple):
    """One cell: the origin period's first day, the lag (1, 2, ...), the cumulative value."""

    origin: dt.date
    lag: int
    value: Decimal


@dataclass(frozen=True)
class Triangles:
    grain: str
    valuation_date: dt.date
    paid: tuple[TriangleRow, ...]
    incurred: tuple[TriangleRow, ...]

    @property
    def origins(self) -> list[dt.date]:
        return sorted({row.origin for row in self.paid})


def _paid_sql(grain: str, vendor: str) -> str:
    origin = period_index_sql("c.event_date", grain, vendor)
    development = period_index_sql("p.paid_on", grain, vendor)
    return (
        f"SELECT {origin}, {development}, SUM(p.amount) "  # noqa: S608 - constant SQL
        "FROM claims_claimpayment p JOIN claims_claim c ON c.id = p.claim_id "
        "WHERE p.paid_on <= %s AND c.event_date <= %s GROUP BY 1, 2"
    )


def _case_sql(grain: str, vendor: str) -> str:
    origin = period_index_sql("c.event_date", grain, vendor)
    development = period_index_sql("r.as_of", grain, vendor)
    return (
        "SELECT o, d, SUM(change) FROM ("  # noqa: S608 - constant SQL
        f"SELECT {origin} AS o, {development} AS d, r.amount - COALESCE(LAG(r.amount) "
        "OVER (PARTITION BY r.claim_id ORDER BY r.as_of, r.recorded_at, r.id), 0) AS change "
        "FROM claims_claimreserve r JOIN claims_claim c ON c.id = r.claim_id "
        "WHERE r.as_of <= %s AND c.event_date <= %s) s GROUP BY o, d"
    )


def _cells(sql: str, valuation_date: dt.date) -> dict[tuple[int, int], Decimal]:
    """{(origin index, lag): incremental sum} from one aggregate query."""
    cells: dict[tuple[int, int], Decimal] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [valuation_date, valuation_date])
        for origin, development, total in cursor.fetchall():
            key = (int(origin), max(int(development) - int(origin), 0) + 1)
            cells[key] = cells.get(key, ZERO) + Decimal(str(total))
    return cells


def _layout(
    increments: list[dict[tuple[int, int], Decimal]], first: int, last: int, grain: str
) -> tuple[TriangleRow, ...]:
    """The cumulative triangle of the summed ``increments``: every origin from ``first``
    to ``last`` (the valuation period), lags 1 to ``last − origin + 1``."""
    rows = []
    for origin in range(first, last + 1):
        total = ZERO
        start = period_start(origin, grain)
        for lag in range(1, last - origin + 2):
            for cells in increments:
                total += cells.get((origin, lag), ZERO)
            rows.append(TriangleRow(start, lag, quantize_money(total)))
    return tuple(rows)


def claim_triangles(*, valuation_date: dt.date, grain: str = "quarter") -> Triangles:
    """The paid and incurred development triangles at ``valuation_date`` by ``grain``
    (month | quarter | year), cumulative, as compact rows (origin, lag, value): two
    aggregate queries. Origins run from the earliest with a payment or an estimate to
    the valuation date's period; empty when there is none."""
    grain = grain_check(grain)
    vendor = connection.vendor
    paid = _cells(_paid_sql(grain, vendor), valuation_date)
    case = _cells(_case_sql(grain, vendor), valuation_date)
    origins = {origin for origin, _lag in (*paid, *case)}
    if not origins:
        return Triangles(grain, valuation_date, (), ())
    first, last = min(origins), period_index(valuation_date, grain)
    return Triangles(
        grain=grain,
        valuation_date=valuation_date,
        paid=_layout([paid], first, last, grain),
        incurred=_layout([paid, case], first, last, grain),
    )


def outstanding_claims_reserve(*, as_of: dt.date) -> Decimal:
    """The outstanding claims reserve at ``as_of``: the sum over claims of each claim's
    latest case reserve dated on or before it (one query). A claim closed by then (paid,
    rejected, withdrawn) has 0 as its latest estimate (``services.reserves``), so this is
    the sum over the claims open at that date, whatever their status today."""
    sql = (
        "SELECT SUM(amount) FROM (SELECT r.amount, ROW_NUMBER() OVER (PARTITION BY "
        "r.claim_id ORDER BY r.as_of DESC, r.recorded_at DESC, r.id DESC) AS n "
        "FROM claims_claimreserve r WHERE r.as_of <= %s) s WHERE n = 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [as_of])
        total = cursor.fetchone()[0]
    return quantize_money(Decimal(str(total))) if total is not None else ZERO
