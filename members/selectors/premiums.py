"""The premium volume the solvency app reads: premiums billed (in total and by period)
and the unearned premium reserve, each one aggregate in the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum

from mutualsociety.common.money import ZERO, quantize_money
from mutualsociety.common.periods import period_index_sql, period_start

from ..models import ContributionDue


def premiums_billed(*, start: dt.date, end: dt.date) -> Decimal:
    """The premiums billed for periods starting from ``start`` to ``end`` (both
    included), cancelled dues left out: the premium volume the solvency app's factors
    apply to (12 months to a valuation date). Billing creates a premium when its period
    starts (``services.billing``), so the period's start is the day it was billed. One
    aggregate in the database."""
    total = (
        ContributionDue.objects.filter(
            kind=ContributionDue.Kind.PREMIUM,
            period_start__gte=start,
            period_start__lte=end,
        )
        .exclude(status=ContributionDue.Status.CANCELLED)
        .aggregate(total=Sum("amount", default=ZERO))["total"]
    )
    return quantize_money(total)


def _days_sql(later: str, earlier: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def unearned_premiums(*, as_of: dt.date) -> Decimal:
    """The unearned premium reserve at the end of ``as_of``: for each premium billed by
    then (its period started on or before the date; cancelled dues left out) whose cover
    period runs past it, the premium × the days of cover left after the date / the days
    of the period (both ends included, so a leap year has 366), pro rata by day. One
    aggregate in the database; rounded to the cent once, on the total."""
    vendor = connection.vendor
    left = _days_sql("period_end", "%s", vendor)
    days = _days_sql("period_end", "period_start", vendor)
    sql = (
        f"SELECT SUM(amount * 1.0 * {left} / ({days} + 1)) FROM members_contributiondue "  # noqa: S608 - constant SQL
        "WHERE kind = %s AND status <> %s AND period_start <= %s AND period_end > %s"
    )
    params: list[Any] = [
        as_of,
        ContributionDue.Kind.PREMIUM,
        ContributionDue.Status.CANCELLED,
        as_of,
        as_of,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        total = cursor.fetchone()[0]
    return quantize_money(Decimal(str(total))) if total is not None else ZERO


def premiums_billed_by_period(
    *, start: dt.date, end: dt.date, grain: str
) -> dict[dt.date, Decimal]:
    """The premiums billed in each period (month, quarter, year) whose first day is
    from ``start`` to ``end``, by the period's first day (the exposure of a
    Bornhuetter-Ferguson projection by origin period). One ``GROUP BY``."""
    vendor = connection.vendor
    period = period_index_sql("period_start", grain, vendor)
    sql = (
        f"SELECT {period}, SUM(amount) FROM members_contributiondue "  # noqa: S608 - constant SQL
        "WHERE kind = %s AND status <> %s AND period_start >= %s AND period_start <= %s "
        "GROUP BY 1"
    )
    params: list[Any] = [ContributionDue.Kind.PREMIUM, ContributionDue.Status.CANCELLED, start, end]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        period_start(int(index), grain): quantize_money(Decimal(str(total)))
        for index, total in rows
    }
