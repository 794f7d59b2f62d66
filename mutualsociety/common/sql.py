"""SQL expressions that PostgreSQL and SQLite spell differently, for set-based statements.

``AddDays``: a date plus a number of days (a lapse date from a suspension day and the
plan's lapse period). ``sorted_sha256``: the hex SHA-256 of a column's values sorted and
joined by a separator, computed in the database so that no row comes into Python (a
frozen voter roll, a panel's roll). Both give the same answer on either database.
"""

from __future__ import annotations

import hashlib

from django.db import connection
from django.db.models import DateField, Func


class AddDays(Func):
    """``date + days`` (an integer expression) as a date."""

    arity = 2
    output_field = DateField()

    def as_postgresql(self, compiler, conn, **extra):
        return self.as_sql(
            compiler, conn, template="(%(expressions)s)::date", arg_joiner=" + ", **extra
        )

    def as_sqlite(self, compiler, conn, **extra):  # type: ignore[override]
        return self.as_sql(
            compiler,
            conn,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", '+' || ",
            **extra,
        )


class _SortedHash:
    """SQLite aggregate: incremental SHA-256 of the values joined by ``separator``, in the
    order the rows come (the caller sorts them)."""

    separator = ","

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.first = True

    def step(self, value) -> None:
        self.digest.update(("" if self.first else self.separator).encode() + str(value).encode())
        self.first = False

    def finalize(self) -> str:
        return self.digest.hexdigest()


def sorted_sha256(queryset, field: str, *, separator: str = ",") -> str:
    """Hex SHA-256 of ``field`` over ``queryset``, values sorted by code point (``COLLATE
    "C"`` on PostgreSQL: Python's ``sorted``) and joined by ``separator``; NULL counts as
    the empty string. The hash of an empty set is that of the empty string."""
    sql, params = queryset.order_by().values(field).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT encode(sha256(convert_to(COALESCE(string_agg("  # noqa: S608
                f"COALESCE(e.{field}, ''), %s ORDER BY COALESCE(e.{field}, '') COLLATE \"C\""
                f"), ''), 'UTF8')), 'hex') FROM ({sql}) e",
                [separator, *params],
            )
        else:
            aggregate = type("SortedHash", (_SortedHash,), {"separator": separator})
            connection.connection.create_aggregate("ms_sorted_sha256", 1, aggregate)
            # SQLite feeds the aggregate in the subquery's order (BINARY: code points).
            cursor.execute(
                f"SELECT ms_sorted_sha256(COALESCE(e.{field}, '')) FROM "  # noqa: S608
                f"(SELECT * FROM ({sql}) s ORDER BY COALESCE(s.{field}, '')) e",
                params,
            )
        row = cursor.fetchone()
    return (row and row[0]) or hashlib.sha256(b"").hexdigest()
