"""The set-based SQL of an apportionment: no row of members or dues comes into Python.

The coverages sharing at a cut-off are numbered by coverage id (``ROW_NUMBER()``, the
place of the rounding remainder) with the cents each already shared in the calendar
year; each one's share is the base in cents, one more for the first k, capped by what the
annual cap leaves. Integer cents, ``CASE`` instead of ``LEAST`` and derived tables instead
of CTEs, so that the same SQL runs on PostgreSQL and SQLite. The rules are in
``services.apportionment``, which calls these.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

# The coverages sharing at the cut-off, with the cents each already shared in the
# calendar year; ``ELIGIBLE`` numbers them by coverage id too (``rn``, the remainder's
# place). Parameters, in order (``eligible_params``): year_start, cutoff, plan_id, cutoff,
# cutoff, cutoff, cutoff; ``ELIGIBLE_RANGE`` has lo, hi after the first two and after
# plan_id.
ELIGIBLE_TEMPLATE = """
    SELECT c.id AS coverage_id, c.member_id AS member_id,{rn}
           COALESCE(y.shared_cents, 0) AS shared_cents
    FROM members_coverage c
    LEFT JOIN (
        SELECT d.coverage_id,
               CAST(SUM(CAST(ROUND(d.amount * 100) AS BIGINT)) AS BIGINT) AS shared_cents
        FROM members_contributiondue d
        WHERE d.kind = 'share' AND d.status <> 'cancelled'
          AND d.due_date >= %s AND d.due_date <= %s{dues_range}
        GROUP BY d.coverage_id
    ) y ON y.coverage_id = c.id
    WHERE c.plan_id = %s{coverage_range}
      AND c.start_date <= %s
      AND c.waiting_period_end <= %s
      AND (c.end_date IS NULL OR c.end_date > %s)
      AND (c.status = 'in_force' OR (c.end_date IS NOT NULL AND c.end_date > %s))
"""
ELIGIBLE = ELIGIBLE_TEMPLATE.format(
    rn="\n           ROW_NUMBER() OVER (ORDER BY c.id) AS rn,", dues_range="", coverage_range=""
)
#: ``ELIGIBLE`` for the coverages ``lo < id <= hi`` only (one chunk of a run): the range
#: also bounds the year's shares read, so a chunk reads its own coverages' rows alone.
#: It has no ``rn`` (a chunk's numbering would not be the plan's): a chunk places the
#: extra cents by coverage id instead (``shares_sql(..., ranged=True)``).
ELIGIBLE_RANGE = ELIGIBLE_TEMPLATE.format(
    rn="",
    dues_range=" AND d.coverage_id > %s AND d.coverage_id <= %s",
    coverage_range=" AND c.id > %s AND c.id <= %s",
)


def shares_sql(capped: bool, *, ranged: bool = False) -> str:
    """Each sharing coverage's share in cents: base (+1 for the first k), capped.
    Extra parameters before the eligible ones: base, k, [cap]. ``ranged``: over one
    range of coverage ids, the extra cent going to the coverages whose id is at most the
    k-th's of the whole plan (``k`` is then that id: ``share_params(base, last_extra_id,
    cap)`` with ``eligible_params(..., ids)``)."""
    extra = "e.coverage_id <= %s" if ranged else "e.rn <= %s"
    want = f"(%s + CASE WHEN {extra} THEN 1 ELSE 0 END)"
    if capped:
        cents = (
            f"CASE WHEN {want} < (%s - e.shared_cents) THEN {want} ELSE (%s - e.shared_cents) END"
        )
    else:
        cents = want
    eligible = ELIGIBLE_RANGE if ranged else ELIGIBLE
    return (
        f"SELECT e.coverage_id, e.member_id, {want} AS want_cents, {cents} AS cents "  # noqa: S608 - constant SQL; values are parameters
        f"FROM ({eligible}) e"
    )


def eligible_params(plan_id: int, cutoff: dt.date, ids: tuple[int, int] | None = None) -> list:
    """The parameters of ``ELIGIBLE`` (``ids``: of ``ELIGIBLE_RANGE``, lo < id <= hi), in
    their order."""
    ops = connection.ops
    c = ops.adapt_datefield_value(cutoff)
    year_start = ops.adapt_datefield_value(dt.date(cutoff.year, 1, 1))
    if ids is None:
        return [year_start, c, plan_id, c, c, c, c]
    lo, hi = ids
    return [year_start, c, lo, hi, plan_id, lo, hi, c, c, c, c]


def share_params(base_cents: int, extra: int, cap_cents: int | None) -> list:
    """The parameters ``shares_sql`` puts before the eligible ones."""
    params = [base_cents, extra]
    if cap_cents is not None:
        params += [base_cents, extra, cap_cents, base_cents, extra, cap_cents]
    else:
        params += [base_cents, extra]
    return params


def members_sharing(*, plan_id: int, cutoff: dt.date) -> int:
    """How many coverages share at the cut-off."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM ({ELIGIBLE}) e",  # noqa: S608 - constant SQL; values are parameters
            eligible_params(plan_id, cutoff),
        )
        return int(cursor.fetchone()[0])


def _fence() -> str:
    """Keeps a derived table from being merged into the query around it (PostgreSQL's
    ``OFFSET 0``; SQLite wants a ``LIMIT`` with it): each share's capped amount is then
    worked out once a coverage, not again for each place the query around uses it (the
    ``WHERE`` and the row written; the chunks' four aggregates)."""
    return " OFFSET 0" if connection.vendor == "postgresql" else " LIMIT -1 OFFSET 0"


class SharesChunk(NamedTuple):
    """The shares of one chunk of coverage ids (``shares_chunks``)."""

    chunk: int
    dues: int
    cents: int
    #: The last coverage id of the chunk that pays the extra cent, or 0.
    last_extra_id: int
    #: Coverages the annual cap held below their share.
    capped: int


def shares_chunks(
    *,
    plan_id: int,
    cutoff: dt.date,
    base_cents: int,
    extra_cents: int,
    cap_cents: int | None,
    size: int,
) -> list[SharesChunk]:
    """The shares by chunk of ``size`` coverage ids (the chunk of an id is
    ``(id - 1) // size``, ids ``chunk * size < id <= (chunk + 1) * size``), in one grouped
    aggregate over the plan's sharing coverages: each chunk's dues above zero, their
    cents, the last coverage id paying the extra cent and the coverages capped, chunks
    with a sharing coverage only, in order. Their sums are the period's figures (one
    pass over the members for the preview and the run's chunks both). The extra cent
    goes by the plan's numbering (``ROW_NUMBER()`` by coverage id)."""
    sql = (
        "SELECT (s.coverage_id - 1) / %s AS chunk, "  # noqa: S608 - constant SQL; values are parameters
        "COUNT(CASE WHEN s.cents > 0 THEN 1 END), "
        "COALESCE(SUM(CASE WHEN s.cents > 0 THEN s.cents ELSE 0 END), 0), "
        "COALESCE(MAX(CASE WHEN s.want_cents > %s THEN s.coverage_id END), 0), "
        "COUNT(CASE WHEN s.cents < s.want_cents THEN 1 END) "
        f"FROM ({shares_sql(cap_cents is not None)}{_fence()}) s "
        "GROUP BY (s.coverage_id - 1) / %s ORDER BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                size,
                base_cents,
                *share_params(base_cents, extra_cents, cap_cents),
                *eligible_params(plan_id, cutoff),
                size,
            ],
        )
        return [SharesChunk(*(int(v) for v in row)) for row in cursor.fetchall()]


def shares_insert(
    *,
    plan_id: int,
    cutoff: dt.date,
    ids: tuple[int, int],
    period_start: dt.date,
    due_date: dt.date,
    grace_ends_on: dt.date,
    base_cents: int,
    last_extra_id: int,
    cap_cents: int | None,
) -> tuple[int, int]:
    """One INSERT ... SELECT of the shares above zero of the coverages ``lo < id <= hi``
    as open share dues (no ledger entry of their own), the extra cent to the coverages up
    to ``last_extra_id``; returns (rows written, their cents). On PostgreSQL the insert
    returns its rows to one aggregate (no second pass); on SQLite the range's new dues
    are summed after it."""
    ops = connection.ops
    insert = (
        "INSERT INTO members_contributiondue (member_id, coverage_id, kind, period_start, "  # noqa: S608 - constant SQL; values are parameters
        "period_end, due_date, grace_ends_on, amount, paid_amount, status, ledger_entry_id, "
        "created_at) "
        "SELECT s.member_id, s.coverage_id, 'share', %s, %s, %s, %s, s.cents / 100.0, 0, "
        f"'open', NULL, %s FROM ({shares_sql(cap_cents is not None, ranged=True)}{_fence()}) s "
        "WHERE s.cents > 0"
    )
    params = [
        ops.adapt_datefield_value(period_start),
        ops.adapt_datefield_value(cutoff),
        ops.adapt_datefield_value(due_date),
        ops.adapt_datefield_value(grace_ends_on),
        ops.adapt_datetimefield_value(timezone.now()),
        *share_params(base_cents, last_extra_id, cap_cents),
        *eligible_params(plan_id, cutoff, ids),
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH ins AS ({insert} RETURNING amount) "  # noqa: S608 - constant SQL; values are parameters
                "SELECT COUNT(*), COALESCE(SUM(CAST(ROUND(amount * 100) AS BIGINT)), 0) FROM ins",
                params,
            )
            rows, cents = cursor.fetchone()
            return int(rows), int(cents)
        cursor.execute(insert, params)
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(CAST(ROUND(d.amount * 100) AS BIGINT)), 0) "
            "FROM members_contributiondue d JOIN members_coverage c ON c.id = d.coverage_id "
            "WHERE c.plan_id = %s AND d.kind = 'share' AND d.period_start = %s "
            "AND d.period_end = %s AND d.coverage_id > %s AND d.coverage_id <= %s",
            [
                plan_id,
                ops.adapt_datefield_value(period_start),
                ops.adapt_datefield_value(cutoff),
                *ids,
            ],
        )
        rows, cents = cursor.fetchone()
        return int(rows), int(cents)


def cap_summary(*, plan_id: int, cutoff: dt.date, cap_cents: int) -> tuple[int, int]:
    """(coverages sharing at the cut-off, those of them whose shares of the calendar year
    have reached the annual cap): one aggregate over ``ELIGIBLE``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(CASE WHEN e.shared_cents >= %s THEN 1 END) "  # noqa: S608 - constant SQL; values are parameters
            f"FROM ({ELIGIBLE}) e",
            [cap_cents, *eligible_params(plan_id, cutoff)],
        )
        sharing, at_cap = cursor.fetchone()
    return int(sharing), int(at_cap)
