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
from typing import Any

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
    scope_sql, scope_params = scope.sql()
    members, member_params = "", []
    if scope.coverage is None:  # the range bounds the members' index scan too
        members, member_params = "l.id BETWEEN %s AND %s AND ", scope_params
    # The members with a live coverage due by ``until``: the coverage table alone, as
    # ``next_member`` reads it (a member it locks whom ``candidates_sql`` then leaves out
    # is only locked for nothing), not the candidates' four-table join once more.
    _fetch(
        "SELECT COUNT(*) FROM (SELECT l.id FROM members_member l "  # noqa: S608 - constant SQL; values are parameters
        f"WHERE {members}l.id IN (SELECT c.member_id FROM members_coverage c "
        f"WHERE {scope_sql} AND c.status IN ({_live()}) AND c.next_due_date IS NOT NULL "
        "AND c.next_due_date <= %s) ORDER BY l.id FOR NO KEY UPDATE) x",
        [*member_params, *scope_params, connection.ops.adapt_datefield_value(until)],
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


def _due_values(
    billed_on: dt.date | None, entries: dict[dt.date, int], grace_days: str = "v.grace_period_days"
) -> tuple[str, list]:
    """The values of a premium due after ``c.member_id, c.id, 'premium', period start,
    period end, due date``: its grace end, amount, nothing paid, open, its date's entry,
    created now. The grace period (``grace_days``) runs from the due date or, billed after
    it, from ``billed_on`` (``dues.due_create``). ``c`` is the coverage."""
    ops = connection.ops
    params: list[Any]
    if billed_on is None:
        grace_from, params = "c.next_due_date", []
    else:
        grace_from = "CASE WHEN %s > c.next_due_date THEN %s ELSE c.next_due_date END"
        params = [ops.adapt_datefield_value(billed_on)] * 2
    for day, entry_id in entries.items():
        params += [ops.adapt_datefield_value(day), entry_id]
    entry_case = "CASE c.next_due_date " + " ".join("WHEN %s THEN %s" for _day in entries) + " END"
    return (
        f"{_add_days(grace_from, grace_days)}, c.premium, 0, 'open', {entry_case}, %s",
        [*params, ops.adapt_datetimefield_value(timezone.now())],
    )


_DUE_COLUMNS = (
    "INSERT INTO members_contributiondue (member_id, coverage_id, kind, period_start, "
    "period_end, due_date, grace_ends_on, amount, paid_amount, status, ledger_entry_id, "
    "created_at) "
)


def dues_insert(
    scope: Scope, until: dt.date, *, billed_on: dt.date | None, entries: dict[dt.date, int]
) -> int:
    """One INSERT ... SELECT of the round's premiums, each open, due on its period's start
    and hung on its date's entry (``_due_values``)."""
    from_sql, params = candidates_sql(scope, until)
    values_sql, values_params = _due_values(billed_on, entries)
    sql = (
        f"{_DUE_COLUMNS}SELECT c.member_id, c.id, 'premium', c.next_due_date, "  # noqa: S608 - constant SQL; values are parameters
        f"{period_end_sql()}, c.next_due_date, {values_sql} {from_sql} AND {NOT_BILLED}"
    )
    return _execute(sql, [*values_params, *params])


@dataclass(frozen=True)
class Round:
    """What ``dues_insert_and_advance`` did: premiums written, coverages moved on, and
    whether a coverage it moved has its next period starting by ``until`` still."""

    inserted: int
    advanced: int
    more: bool


def dues_insert_and_advance(
    scope: Scope, until: dt.date, *, billed_on: dt.date | None, entries: dict[dt.date, int]
) -> Round:
    """``dues_insert`` and ``next_due_advance`` in one statement (PostgreSQL): the
    candidates are read once, with their period's end worked out once; the UPDATE moves
    each one's next due date past its period and hands on the old one, and the INSERT
    writes the premiums of the periods not billed before from what it hands on. Two
    statements read the candidates' four-table join twice, and the UPDATE, the larger
    part of a day's billing, computed the period's end again (docs/scaling.md)."""
    if not _pg():
        inserted = dues_insert(scope, until, billed_on=billed_on, entries=entries)
        advanced = next_due_advance(scope, until)
        return Round(inserted, advanced, bool(advanced) and candidates_left(scope, until))
    from_sql, params = candidates_sql(scope, until)
    values_sql, values_params = _due_values(billed_on, entries, "c.grace_period_days")
    sql = (
        "WITH due AS (SELECT c.id, c.member_id, c.next_due_date, c.premium, "  # noqa: S608 - constant SQL; values are parameters
        f"v.grace_period_days, {period_end_sql()} AS period_end, {NOT_BILLED} AS unbilled "
        f"{from_sql}), "
        "moved AS (UPDATE members_coverage AS t SET next_due_date = due.period_end + 1 "
        "FROM due WHERE t.id = due.id RETURNING due.*), "
        f"written AS ({_DUE_COLUMNS}SELECT c.member_id, c.id, 'premium', c.next_due_date, "
        f"c.period_end, c.next_due_date, {values_sql} "
        "FROM moved c WHERE c.unbilled RETURNING 1) "
        "SELECT (SELECT COUNT(*) FROM written), COUNT(*), "
        "COUNT(*) FILTER (WHERE c.period_end < %s) FROM moved c"
    )
    inserted, advanced, more = _fetch(
        sql, [*params, *values_params, connection.ops.adapt_datefield_value(until)]
    )[0]
    return Round(int(inserted), int(advanced), bool(more))


def next_due_advance(scope: Scope, until: dt.date) -> int:
    """Move every billed coverage's next due date to the day after its period (a period
    billed before, e.g. by a run that stopped half-way, counts as billed)."""
    return _execute(
        *_update_sql(scope, until, f"next_due_date = {_add_days(period_end_sql(), '1')}")
    )
