"""The set-based SQL of premium billing: no row of coverages or dues comes into Python.

A *round* bills, for every coverage of a scope (a range of member ids, or one coverage)
whose next period starts on or before ``until``, that one period: the terms that end
without renewal stop billing, the terms that renew move on, one ``INSERT ... SELECT``
writes the dues and one ``UPDATE`` moves each coverage's next due date past its period.
``services.billing`` runs rounds until none is left (a coverage billed late catches up
one period per round) and posts the ledger entries between the totals and the insert.

The period arithmetic is ``billing._period_end``'s, in SQL: months added with the day
clamped to the month's end (PostgreSQL's ``date + interval`` clamps; SQLite takes the
smaller of the naive date and the last day of the month), periods counted from the
coverage's start. The rest is plain SQL that runs on PostgreSQL and SQLite, as
``claims.services.apportionment_sql``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from ..calculations import FREQUENCY_MONTHS
from ..transitions import LIVE_COVERAGE


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _add_months(day: str, months: str) -> str:
    """``day`` plus ``months`` (an integer expression), clamped to the month's end."""
    if _pg():
        return f"CAST(({day}) + make_interval(months => CAST({months} AS INTEGER)) AS DATE)"
    return (
        f"MIN(date({day}, '+' || ({months}) || ' months'), "
        f"date({day}, 'start of month', '+' || (({months}) + 1) || ' months', '-1 day'))"
    )


def _add_days(day: str, days: str) -> str:
    """``day`` plus ``days`` (a non-negative integer expression)."""
    if _pg():
        return f"CAST(({day}) + CAST({days} AS INTEGER) AS DATE)"
    return f"date({day}, '+' || ({days}) || ' days')"


def _day_before(day: str) -> str:
    if _pg():
        return f"CAST(({day}) - 1 AS DATE)"
    return f"date({day}, '-1 day')"


def _months_between(first: str, later: str) -> str:
    """Calendar months from ``first``'s month to ``later``'s (days ignored)."""
    if _pg():
        part = "CAST(EXTRACT({unit} FROM {day}) AS INTEGER)"
    else:
        part = "CAST(strftime('%%{unit}', {day}) AS INTEGER)"
    year, month = ("YEAR", "MONTH") if _pg() else ("Y", "m")
    return (
        f"(({part.format(unit=year, day=later)} - {part.format(unit=year, day=first)}) * 12 "
        f"+ {part.format(unit=month, day=later)} - {part.format(unit=month, day=first)})"
    )


FREQUENCY = (
    "CASE c.payment_frequency "
    + " ".join(f"WHEN '{name}' THEN {months}" for name, months in FREQUENCY_MONTHS.items())
    + " END"
)


def period_end_sql() -> str:
    """The last day of the period starting on ``c.next_due_date`` (``billing._period_end``)."""
    counted = _add_months("c.start_date", f"{_months_between('c.start_date', 'c.next_due_date')}"
                          f" + {FREQUENCY}")  # fmt: skip
    return (
        f"CASE WHEN c.next_due_date < c.start_date "
        f"THEN {_day_before(_add_months('c.next_due_date', FREQUENCY))} "
        f"ELSE {_day_before(counted)} END"
    )


@dataclass(frozen=True)
class Scope:
    """Which coverages a statement looks at: the members ``first``..``last`` (ids), or one
    coverage."""

    first_member: int | None = None
    last_member: int | None = None
    coverage: int | None = None

    def sql(self) -> tuple[str, list]:
        if self.coverage is not None:
            return "c.id = %s", [self.coverage]
        return "c.member_id BETWEEN %s AND %s", [self.first_member, self.last_member]


def _live() -> str:
    return ", ".join(f"'{status}'" for status in LIVE_COVERAGE)


def _frequencies() -> str:
    return ", ".join(f"'{name}'" for name in FREQUENCY_MONTHS)


def _candidates(scope: Scope | None, until: dt.date) -> tuple[list[str], list]:
    """The conditions of ``candidates_sql`` (without its joins) and their parameters."""
    where = [
        "p.kind = 'premium'",
        f"c.status IN ({_live()})",
        "c.next_due_date IS NOT NULL",
        "c.next_due_date <= %s",
        f"c.payment_frequency IN ({_frequencies()})",
        "c.premium > 0",
        "(m.withdrawal_effective_on IS NULL OR c.next_due_date < m.withdrawal_effective_on)",
    ]
    params: list = [connection.ops.adapt_datefield_value(until)]
    if scope is not None:
        scope_sql, scope_params = scope.sql()
        where.append(scope_sql)
        params += scope_params
    return where, params


def candidates_sql(scope: Scope | None, until: dt.date) -> tuple[str, list]:
    """``FROM ... WHERE`` of the coverages with a period to bill by ``until``: premium
    plans, cover in force or suspended, a frequency and a positive premium, and a next
    period starting before the member's withdrawal takes effect (no cover from then).
    Aliases: c coverage, m member, v plan version, p plan."""
    where, params = _candidates(scope, until)
    return (
        "FROM members_coverage c "
        "JOIN members_plan p ON p.id = c.plan_id "
        "JOIN members_planversion v ON v.id = c.plan_version_id "
        "JOIN members_member m ON m.id = c.member_id "
        f"WHERE {' AND '.join(where)}",
        params,
    )


def _update_sql(scope: Scope, until: dt.date, set_sql: str, *extra: str) -> tuple[str, list]:
    """``UPDATE members_coverage AS c SET ... FROM ... WHERE`` over the candidates (and the
    ``extra`` conditions): the coverage joined to its plan, version and member in place,
    not looked up again by id through a subquery (one pass over the coverages, not two)."""
    where, params = _candidates(scope, until)
    joins = ["p.id = c.plan_id", "v.id = c.plan_version_id", "m.id = c.member_id"]
    return (
        f"UPDATE members_coverage AS c SET {set_sql} "  # noqa: S608 - constant SQL; values are parameters
        "FROM members_plan p, members_planversion v, members_member m "
        f"WHERE {' AND '.join([*joins, *where, *extra])}",
        params,
    )


NOT_BILLED = (
    "NOT EXISTS (SELECT 1 FROM members_contributiondue d WHERE d.coverage_id = c.id "
    "AND d.kind = 'premium' AND d.period_start = c.next_due_date)"
)


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _date(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def next_member(*, after: int, until: dt.date) -> int | None:
    """The smallest member id above ``after`` with a live coverage due by ``until`` (a
    batch's start): the coverage table alone, walked in member order, so that finding
    each batch costs about the batch (a coverage it counts that ``candidates_sql`` then
    leaves out only makes a batch smaller)."""
    rows = _fetch(
        "SELECT MIN(c.member_id) FROM members_coverage c "  # noqa: S608 - constant SQL; values are parameters
        f"WHERE c.member_id > %s AND c.status IN ({_live()}) "
        "AND c.next_due_date IS NOT NULL AND c.next_due_date <= %s",
        [after, connection.ops.adapt_datefield_value(until)],
    )
    return rows[0][0]


def candidates_summary(scope: Scope, until: dt.date) -> tuple[int, int | None]:
    """(coverages with a period to bill in the scope, the first of them)."""
    from_sql, params = candidates_sql(scope, until)
    count, first = _fetch(f"SELECT COUNT(*), MIN(c.id) {from_sql}", params)[0]  # noqa: S608 - constant SQL
    return int(count), first


def candidates_left(scope: Scope, until: dt.date) -> bool:
    """Whether a coverage of the scope still has a period to bill by ``until``."""
    from_sql, params = candidates_sql(scope, until)
    return bool(_fetch(f"SELECT 1 {from_sql} LIMIT 1", params))  # noqa: S608 - constant SQL


def members_lock(scope: Scope, until: dt.date) -> None:
    """Lock the scope's members in id order (``FOR NO KEY UPDATE``, as ``locks``), so that
    two runs queue instead of deadlocking and a payment or a lifecycle change of one of
    them waits. Their coverages need no lock of their own: every write to a coverage
    takes its member's lock first. PostgreSQL only: SQLite writes one transaction at a
    time."""
    if not _pg():
        return
    from_sql, params = candidates_sql(scope, until)
    _fetch(
        "SELECT COUNT(*) FROM (SELECT l.id FROM members_member l "  # noqa: S608 - constant SQL; values are parameters
        f"WHERE l.id IN (SELECT c.member_id {from_sql}) ORDER BY l.id FOR NO KEY UPDATE) x",
        params,
    )


def terms_close_or_renew(scope: Scope, until: dt.date) -> int:
    """Where the next period starts after the term's end: a term that does not renew
    stops billing (no next due date); one that renews moves on by the policy term.
    Returns how many coverages stopped."""
    after_term = "c.term_end IS NOT NULL AND c.next_due_date > c.term_end"
    stopped = _execute(*_update_sql(scope, until, "next_due_date = NULL", after_term,
                                    "NOT v.auto_renew"))  # fmt: skip
    renewed = _add_months(_add_days("c.term_end", "1"), "v.policy_term_months")
    _execute(*_update_sql(scope, until, f"term_end = {_day_before(renewed)}", after_term,
                          "v.auto_renew"))  # fmt: skip
    return stopped


@dataclass(frozen=True)
class DateTotal:
    """The premiums a round bills that fall due on one date."""

    due_date: dt.date
    dues: int
    cents: int
    first_coverage: int
    first_member: int
    last_member: int


def round_totals(scope: Scope, until: dt.date) -> list[DateTotal]:
    """The premiums the next insert will write, by due date (for their ledger entries)."""
    from_sql, params = candidates_sql(scope, until)
    rows = _fetch(
        "SELECT c.next_due_date, COUNT(*), SUM(CAST(ROUND(c.premium * 100) AS BIGINT)), "  # noqa: S608 - constant SQL; values are parameters
        f"MIN(c.id), MIN(c.member_id), MAX(c.member_id) {from_sql} AND {NOT_BILLED} "
        "GROUP BY c.next_due_date ORDER BY c.next_due_date",
        params,
    )
    return [
        DateTotal(_date(day), int(n), int(cents), int(first), int(low), int(high))
        for day, n, cents, first, low, high in rows
    ]


def dues_insert(
    scope: Scope, until: dt.date, *, billed_on: dt.date | None, entries: dict[dt.date, int]
) -> int:
    """One INSERT ... SELECT of the round's premiums, each open, due on its period's start
    and hung on its date's entry. The grace period runs from the due date or, billed
    after it, from ``billed_on`` (``dues.due_create``)."""
    ops = connection.ops
    from_sql, params = candidates_sql(scope, until)
    if billed_on is None:
        grace_from, grace_params = "c.next_due_date", []
    else:
        grace_from = "CASE WHEN %s > c.next_due_date THEN %s ELSE c.next_due_date END"
        grace_params = [ops.adapt_datefield_value(billed_on)] * 2
    entry_params: list = []
    for day, entry_id in entries.items():
        entry_params += [ops.adapt_datefield_value(day), entry_id]
    entry_case = "CASE c.next_due_date " + " ".join("WHEN %s THEN %s" for _day in entries) + " END"
    sql = (
        "INSERT INTO members_contributiondue (member_id, coverage_id, kind, period_start, "  # noqa: S608 - constant SQL; values are parameters
        "period_end, due_date, grace_ends_on, amount, paid_amount, status, ledger_entry_id, "
        "created_at) "
        f"SELECT c.member_id, c.id, 'premium', c.next_due_date, {period_end_sql()}, "
        f"c.next_due_date, {_add_days(grace_from, 'v.grace_period_days')}, c.premium, 0, "
        f"'open', {entry_case}, %s {from_sql} AND {NOT_BILLED}"
    )
    return _execute(
        sql,
        [
            *grace_params,
            *entry_params,
            ops.adapt_datetimefield_value(timezone.now()),
            *params,
        ],
    )


def next_due_advance(scope: Scope, until: dt.date) -> int:
    """Move every billed coverage's next due date to the day after its period (a period
    billed before, e.g. by a run that stopped half-way, counts as billed)."""
    return _execute(
        *_update_sql(scope, until, f"next_due_date = {_add_days(period_end_sql(), '1')}")
    )
