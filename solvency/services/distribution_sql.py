"""The set-based SQL of a surplus distribution: no row of members comes into Python.

The members sharing and their figures (cents of contributions paid in the year, days of
membership) are gathered once into a temporary table (``surplus_basis``); the totals,
the minimum-amount filter and the sums of the floored parts are aggregates over it; the
shares are one ``INSERT ... SELECT`` with a window function per part (the place of the
remainder cents: largest remainder first, then member id). Integer cents, ``CASE``
instead of ``LEAST``, derived tables instead of CTEs, so the same SQL runs on PostgreSQL
and SQLite (as ``claims.services.apportionment_sql``). The rules are in
``services.distribution``, which calls these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

TEMP = "surplus_basis"


def _days_expr() -> str:
    """Whole days from joining to the date (the first parameter)."""
    if connection.vendor == "postgresql":
        return "(CAST(%s AS DATE) - m.joined_on)"
    return "CAST(julianday(%s) - julianday(m.joined_on) AS INTEGER)"


# The members whose cover is in force on the date, with the cents they paid on the dues
# of the year and their days of membership to the date. Parameters, in order: as_of
# (days), year_start, year_end, as_of (joined), as_of x3 (cover in force).
def eligible_sql() -> str:
    return (
        # Integers both: PostgreSQL's SUM of bigints is numeric, and numeric division
        # would not floor.
        "SELECT m.id AS member_id, CAST(COALESCE(p.cents, 0) AS BIGINT) AS contrib_cents, "  # noqa: S608 - constant SQL; values are parameters
        f"CAST({_days_expr()} AS BIGINT) AS days "
        "FROM members_member m "
        "LEFT JOIN (SELECT d.member_id, SUM(CAST(ROUND(d.paid_amount * 100) AS BIGINT)) AS cents "
        "  FROM members_contributiondue d "
        "  WHERE d.status <> 'cancelled' AND d.paid_amount > 0 "
        "    AND d.due_date >= %s AND d.due_date <= %s "
        "  GROUP BY d.member_id) p ON p.member_id = m.id "
        "WHERE m.joined_on IS NOT NULL AND m.joined_on <= %s "
        "  AND EXISTS (SELECT 1 FROM members_coverage c WHERE c.member_id = m.id "
        "    AND c.start_date <= %s AND (c.end_date IS NULL OR c.end_date > %s) "
        "    AND (c.status = 'in_force' OR (c.end_date IS NOT NULL AND c.end_date > %s)))"
    )


def eligible_params(*, as_of: dt.date, year: int) -> list:
    ops = connection.ops
    a = ops.adapt_datefield_value(as_of)
    start = ops.adapt_datefield_value(dt.date(year, 1, 1))
    end = ops.adapt_datefield_value(dt.date(year, 12, 31))
    return [a, start, end, a, a, a, a]


@dataclass(frozen=True)
class Totals:
    members: int
    contrib_cents: int
    days: int
    max_contrib_cents: int
    max_days: int


def basis_create(*, as_of: dt.date, year: int) -> None:
    """Gather the members sharing into the session's temporary table (replaced)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {TEMP} AS {eligible_sql()}",  # noqa: S608 - constant SQL
            eligible_params(as_of=as_of, year=year),
        )


def basis_drop() -> None:
    """Drop the temporary table. After a database error the transaction is rolled back
    anyway (and ``basis_create`` replaces a table left over), so that error is the one
    that surfaces, not this one's."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TEMP}")
    except DatabaseError:
        return


def basis_totals() -> Totals:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(contrib_cents), 0), COALESCE(SUM(days), 0), "  # noqa: S608 - constant SQL
            f"COALESCE(MAX(contrib_cents), 0), COALESCE(MAX(days), 0) FROM {TEMP}"
        )
        n, c, d, mc, md = cursor.fetchone()
    return Totals(int(n), int(c), int(d), int(mc), int(md))


def _floored(part_c: int, total_c: int, part_y: int, total_d: int) -> tuple[str, list]:
    """The member's floored parts in cents (contributions + membership), and params."""
    return (
        "((%s * b.contrib_cents) / %s + (%s * b.days) / %s)",
        [part_c, max(total_c, 1), part_y, max(total_d, 1)],
    )


def basis_drop_below(*, part_c: int, total_c: int, part_y: int, total_d: int, cents: int) -> int:
    """Remove the members whose floored share is below ``cents`` (the minimum amount);
    how many were removed."""
    expr, params = _floored(part_c, total_c, part_y, total_d)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TEMP} WHERE member_id IN (SELECT b.member_id FROM {TEMP} b "  # noqa: S608 - constant SQL; values are parameters
            f"WHERE {expr} < %s)",
            [*params, cents],
        )
        return int(cursor.rowcount)


def basis_floored_sums(*, part_c: int, total_c: int, part_y: int, total_d: int) -> tuple[int, int]:
    """The sums of the floored parts: the remainder cents are the parts less these."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM((%s * b.contrib_cents) / %s), 0), "  # noqa: S608 - constant SQL; values are parameters
            f"COALESCE(SUM((%s * b.days) / %s), 0) FROM {TEMP} b",
            [part_c, max(total_c, 1), part_y, max(total_d, 1)],
        )
        c, y = cursor.fetchone()
    return int(c), int(y)


def _parts_sql(*, part_c: int, total_c: int, part_y: int, total_d: int, source: str):
    """Each member's floored parts, their remainders and weight over ``source`` (a table
    or derived table with member_id, contrib_cents, days), with its parameters (those of
    ``source`` follow)."""
    tc, td = max(total_c, 1), max(total_d, 1)
    total = part_c + part_y
    sql = (
        "SELECT b.member_id, b.contrib_cents, b.days, "  # noqa: S608 - constant SQL; values are parameters
        "(%s * b.contrib_cents) / %s AS base_c, (%s * b.contrib_cents) % %s AS rem_c, "
        "(%s * b.days) / %s AS base_y, (%s * b.days) % %s AS rem_y, "
        "((%s * 1.0 * b.contrib_cents) / %s + (%s * 1.0 * b.days) / %s) / %s AS weight "
        f"FROM {source} b"
    ).replace("% %s", "%% %s")
    params = [part_c, tc, part_c, tc, part_y, td, part_y, td]
    params += [part_c, tc, part_y, td, total]
    return sql, params


def shares_sql(*, part_c: int, total_c: int, part_y: int, total_d: int, k_c: int, k_y: int):
    """Each member's share: (member_id, contrib_cents, days, weight, cents), the floored
    parts plus one cent for each of the first ``k`` by remainder (largest first, then
    member id), with its parameters."""
    inner, inner_params = _parts_sql(
        part_c=part_c, total_c=total_c, part_y=part_y, total_d=total_d, source=TEMP
    )
    sql = (
        "SELECT r.member_id, r.contrib_cents, r.days, r.weight, "  # noqa: S608 - constant SQL; values are parameters
        "r.base_c + r.base_y "
        "+ CASE WHEN ROW_NUMBER() OVER (ORDER BY r.rem_c DESC, r.member_id) <= %s "
        "THEN 1 ELSE 0 END "
        "+ CASE WHEN ROW_NUMBER() OVER (ORDER BY r.rem_y DESC, r.member_id) <= %s "
        "THEN 1 ELSE 0 END "
        f"AS cents FROM ({inner}) r"
    )
    return sql, [k_c, k_y, *inner_params]


# --- A run split into chunks of member ids (``services.distribution``) --------------------
#
# The window functions above place the remainder cents over the whole membership at
# once. A chunk sees only its members, so the run fixes, when it starts, where the cents
# stop: the ``k``-th member by remainder (largest first, then member id), its remainder
# and id (``thresholds``). A member gets the extra cent of a part when their remainder is
# larger than that one's, or the same and their id not larger: exactly the first ``k``,
# as ``ROW_NUMBER() <= k``. The figures themselves are fixed in
# ``solvency_surplusbasis`` (``basis_freeze``), so that a chunk run later computes from
# what the run started with.

BASIS = "solvency_surplusbasis"


@dataclass(frozen=True)
class Thresholds:
    """The remainder and member id of the last member who gets a part's extra cent
    (``rem_c``/``id_c``: by contributions; ``rem_y``/``id_y``: by membership). With no
    remainder cent the remainder is the total, which no member's remainder reaches."""

    rem_c: int
    id_c: int
    rem_y: int
    id_y: int

    def as_json(self) -> dict[str, int]:
        return {"rem_c": self.rem_c, "id_c": self.id_c, "rem_y": self.rem_y, "id_y": self.id_y}


def thresholds(*, part_c: int, total_c: int, part_y: int, total_d: int, k_c: int, k_y: int):
    """Where the remainder cents of each part stop, over the whole ``surplus_basis``."""
    inner, params = _parts_sql(
        part_c=part_c, total_c=total_c, part_y=part_y, total_d=total_d, source=TEMP
    )
    out = []
    for rem, k, total in (("rem_c", k_c, total_c), ("rem_y", k_y, total_d)):
        if k <= 0:
            out += [max(total, 1), 0]
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT r.{rem}, r.member_id FROM ({inner}) r "  # noqa: S608 - constant SQL; values are parameters
                f"ORDER BY r.{rem} DESC, r.member_id LIMIT 1 OFFSET %s",
                [*params, k - 1],
            )
            found = cursor.fetchone()
        out += [int(found[0]), int(found[1])]
    return Thresholds(*out)


def _cut_sql(inner: str, inner_params: list, cut: Thresholds) -> tuple[str, list]:
    sql = (
        "SELECT r.member_id, r.contrib_cents, r.days, r.weight, "  # noqa: S608 - constant SQL; values are parameters
        "r.base_c + r.base_y "
        "+ CASE WHEN r.rem_c > %s OR (r.rem_c = %s AND r.member_id <= %s) THEN 1 ELSE 0 END "
        "+ CASE WHEN r.rem_y > %s OR (r.rem_y = %s AND r.member_id <= %s) THEN 1 ELSE 0 END "
        f"AS cents FROM ({inner}) r"
    )
    params = [cut.rem_c, cut.rem_c, cut.id_c, cut.rem_y, cut.rem_y, cut.id_y]
    return sql, [*params, *inner_params]


def basis_freeze(*, distribution_id: int) -> int:
    """Fix the figures of the members sharing (``surplus_basis``, after the minimum) in
    ``solvency_surplusbasis`` for the run's chunks; how many rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BASIS} (distribution_id, member_id, contrib_cents, days) "  # noqa: S608 - constant SQL; values are parameters
            f"SELECT %s, member_id, contrib_cents, days FROM {TEMP}",
            [distribution_id],
        )
        return int(cursor.rowcount)


def basis_forget(*, distribution_id: int) -> None:
    """Delete the fixed figures of a run that completed (its shares keep them)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {BASIS} WHERE distribution_id = %s", [distribution_id])  # noqa: S608 - constant SQL


def basis_id_span() -> tuple[int | None, int | None]:
    """The smallest and largest member id sharing (``surplus_basis``)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(member_id), MAX(member_id) FROM {TEMP}")  # noqa: S608 - constant SQL
        low, high = cursor.fetchone()
    return (None if low is None else int(low)), (None if high is None else int(high))


def chunk_figures(*, cut: Thresholds, first: int, size: int, **parts: int) -> dict[int, tuple]:
    """Members and cents of each chunk of ``size`` member ids from ``first`` (chunk
    index from 0 -> (members, cents)), in one grouped query over ``surplus_basis``."""
    inner, inner_params = _parts_sql(source=TEMP, **_basis_parts(parts))
    sql, params = _cut_sql(inner, inner_params, cut)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (s.member_id - %s) / %s AS chunk, COUNT(*), COALESCE(SUM(s.cents), 0) "  # noqa: S608 - constant SQL; values are parameters
            f"FROM ({sql}) s WHERE s.cents > 0 GROUP BY (s.member_id - %s) / %s",
            [first, size, *params, first, size],
        )
        return {int(c): (int(n), int(t)) for c, n, t in cursor.fetchall()}


def _basis_parts(parts: dict[str, int]) -> dict[str, int]:
    return {k: parts[k] for k in ("part_c", "total_c", "part_y", "total_d")}


def shares_insert_range(
    *, distribution_id: int, lo: int, hi: int, cut: Thresholds, **parts: int
) -> int:
    """One INSERT ... SELECT of the shares of the members ``lo < id <= hi``, from the
    figures fixed when the run started (``basis_freeze``) and the ``cut``."""
    source = (
        f"(SELECT member_id, contrib_cents, days FROM {BASIS} "  # noqa: S608 - constant SQL; values are parameters
        "WHERE distribution_id = %s AND member_id > %s AND member_id <= %s)"
    )
    inner, inner_params = _parts_sql(source=source, **_basis_parts(parts))
    sql, params = _cut_sql(inner, [*inner_params, distribution_id, lo, hi], cut)
    return _shares_write(distribution_id, sql, params)


def _shares_write(distribution_id: int, sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO solvency_membersurplusshare (distribution_id, member_id, "  # noqa: S608 - constant SQL; values are parameters
            "contributions, membership_days, weight, amount) "
            "SELECT %s, s.member_id, s.contrib_cents / 100.0, s.days, s.weight, "
            f"s.cents / 100.0 FROM ({sql}) s WHERE s.cents > 0",
            [distribution_id, *params],
        )
        return int(cursor.rowcount)


def shares_stats(**parts: int) -> dict:
    """Members, total, smallest and largest share in cents, without writing (the
    preview), and the median (PostgreSQL's percentile_disc; SQLite: the middle row)."""
    sql, params = shares_sql(**parts)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(s.cents), 0), MIN(s.cents), MAX(s.cents) "  # noqa: S608 - constant SQL; values are parameters
            f"FROM ({sql}) s WHERE s.cents > 0",
            params,
        )
        n, total, low, high = cursor.fetchone()
        median = None
        if n:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY s.cents) "  # noqa: S608 - constant SQL; values are parameters
                    f"FROM ({sql}) s WHERE s.cents > 0",
                    params,
                )
            else:
                cursor.execute(
                    f"SELECT s.cents FROM ({sql}) s WHERE s.cents > 0 "  # noqa: S608 - constant SQL; values are parameters
                    "ORDER BY s.cents LIMIT 1 OFFSET %s",
                    [*params, (int(n) - 1) // 2],
                )
            median = int(cursor.fetchone()[0])
    return {
        "members": int(n),
        "cents": int(total),
        "min": None if low is None else int(low),
        "max": None if high is None else int(high),
        "median": median,
    }


def shares_for_members(*, member_ids: list[int], **parts: int) -> list[tuple]:
    """The shares of the members named (the preview's sample and search)."""
    if not member_ids:
        return []
    sql, params = shares_sql(**parts)
    marks = ", ".join(["%s"] * len(member_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.member_id, s.contrib_cents, s.days, s.weight, s.cents "  # noqa: S608 - constant SQL; values are parameters
            f"FROM ({sql}) s WHERE s.member_id IN ({marks}) ORDER BY s.member_id",
            [*params, *member_ids],
        )
        return list(cursor.fetchall())


def sample_member_ids(n: int, members: int) -> list[int]:
    """``n`` members sharing, spread evenly over the member ids (deterministic)."""
    step = max(1, members // max(n, 1))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT x.member_id FROM (SELECT member_id, ROW_NUMBER() OVER (ORDER BY member_id) "  # noqa: S608 - constant SQL; values are parameters
            f"AS rn FROM {TEMP}) x WHERE (x.rn - 1) %% %s = 0 ORDER BY x.member_id LIMIT %s",
            [step, n],
        )
        return [int(r[0]) for r in cursor.fetchall()]
