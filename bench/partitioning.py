"""partitioning: the dues and the member events, plain vs. partitioned by month.

Data (not measured): N/24 members with cover (``claims_apportion.members_with_cover``)
and, COPYed from a generator (``claims_apportion._Stream``), one premium due per member
and month for 23 months (N * 23/24 dues: paid, one in a hundred left open past its
grace period, one in a hundred cancelled, a third of the last two months still open)
and N/4 member events spread over the same months. The real tables, as migrated, are
the plain variant (their indexes and constraints dropped for the load and re-created
from their own definitions afterwards). The partitioned variant is a second table with
the same columns, checks, defaults (the same id sequence), indexes, unique constraints
and foreign keys, ``PARTITION BY RANGE`` on the month (``period_start`` for the dues,
``at`` for the events), one partition per month, its primary key ``(id, <key>)``. During
a measurement the variant measured is renamed to the real table's name, so the real
selectors run on it unchanged. Autovacuum is off on both variants while measuring; both
are vacuumed and analysed after the load.

Measured, on each variant:

- ``insert``: the 24th month's rows by one ``INSERT ... SELECT`` (one due per coverage:
  N/24 rows, what an apportionment or a billing day writes; one event per fourth member),
  the deferred foreign keys checked, committed;
- ``vacuum``: ``VACUUM ANALYZE`` after that insert (the whole plain table; the new
  partition), and ``ANALYZE`` of the partitioned parent apart (autovacuum never analyses
  a partitioned parent, so a job would have to);
- ``grace``: the grace job's lookup of the members with dues open past grace
  (``members.selectors.membership.overdue_member_ids``), best of 3;
- ``history``: a member's dues (the portal's list, ``member.dues`` by due date) and a
  member's events, over 200 members, per member, best of 3;
- ``period_sum``: the premiums billed in one month (``premiums_billed_by_period``,
  statistics and the reserving exposure) and the unearned premium reserve at a month's
  end (``unearned_premiums``), best of 3;
- ``archive``: taking the oldest month out: ``DELETE`` of its rows (the foreign keys
  that point at the dues checked) vs. ``DETACH PARTITION``, each rolled back.

``seconds`` is the partitioned dues insert, ``baseline_seconds`` the plain one.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from bench.claims_apportion import _Stream, aid_plan, members_with_cover
from members.calculations import add_months
from members.models import ContributionDue, MemberEvent
from members.selectors.membership import overdue_member_ids
from members.selectors.premiums import premiums_billed_by_period, unearned_premiums

MONTHS = 24
RUNS = 3
SAMPLE_MEMBERS = 200
DUES = "members_contributiondue"
EVENTS = "members_memberevent"


def _sql(statement: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def _months(today: dt.date) -> list[dt.date]:
    """The first days of the 24 months ending with this one."""
    first = today.replace(day=1)
    return [add_months(first, k - MONTHS + 1) for k in range(MONTHS)]


# --- Data ------------------------------------------------------------------------------


def _dues_lines(pairs: list[tuple[int, int]], months: list[dt.date]) -> Iterator[str]:
    now = timezone.now().isoformat()
    recent = len(months) - 2
    for p, start in enumerate(months):
        end = add_months(start, 1) - dt.timedelta(days=1)
        grace = start + dt.timedelta(days=60)
        for i, (coverage, member) in enumerate(pairs):
            amount = 20 + i % 50
            k = (i * 7 + p) % 100
            if k == 0 or (p >= recent and i % 3 == 0):
                status, paid = "open", 0
            elif k == 1:
                status, paid = "cancelled", 0
            else:
                status, paid = "paid", amount
            yield (
                f"{member}\t{coverage}\tpremium\t{start}\t{end}\t{start}\t{grace}\t"
                f"{amount}.00\t{paid}.00\t{status}\t\\N\t{now}\n"
            )


def _events_lines(members: list[int], months: list[dt.date], count: int) -> Iterator[str]:
    per_month = count // len(months)
    for p, start in enumerate(months):
        for i in range(per_month):
            member = members[(p * per_month + i) % len(members)]
            at = dt.datetime.combine(start, dt.time(), dt.UTC) + dt.timedelta(
                days=i % 28, seconds=i % 86_400
            )
            kind, old, new = ("status", "active", "suspended") if i % 10 == 0 else (
                "payment", "", "30.00"
            )  # fmt: skip
            yield f"{member}\t{kind}\t{at.isoformat()}\t\\N\t{old}\t{new}\tbench\t{{}}\n"


def _definitions(table: str) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """(plain index definitions, (name, definition) of the unique and foreign-key
    constraints, the index names that back no constraint) of ``table``."""
    indexes = _sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    constraints = _sql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
        [table],
    )
    return [d for _, d in indexes], constraints, [n for n, _ in indexes]


def _copy_into(table: str, columns: str, lines: Iterator[str]) -> None:
    """COPY into ``table`` with its indexes and constraints dropped, then re-created from
    their own definitions (a sorted build instead of 10 million index insertions)."""
    indexdefs, constraints, names = _definitions(table)
    with transaction.atomic(), connection.cursor() as cursor:
        for name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name in names:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", _Stream(lines))
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in indexdefs:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _load(scale: int, log: Callable[[str], None]) -> dict:
    started = time.perf_counter()
    today = timezone.localdate()
    months = _months(today)
    version = aid_plan()
    members_with_cover(version, scale // MONTHS)
    pairs = _sql(
        "SELECT id, member_id FROM members_coverage WHERE plan_id = %s ORDER BY id",
        [version.plan_id],
    )
    _copy_into(
        DUES,
        "member_id, coverage_id, kind, period_start, period_end, due_date, grace_ends_on, "
        "amount, paid_amount, status, ledger_entry_id, created_at",
        _dues_lines(pairs, months[:-1]),
    )
    members = [m for _, m in pairs]
    _copy_into(
        EVENTS,
        "member_id, type, at, actor_id, old_value, new_value, reason, data",
        _events_lines(members, months[:-1], scale // 4 * (MONTHS - 1) // MONTHS),
    )
    log(f"loaded {len(pairs):,} members and their plain dues and events "
        f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    started = time.perf_counter()
    _partitioned_copy(DUES, "period_start", months)
    _partitioned_copy(EVENTS, "at", months)
    for table in (DUES, EVENTS):
        _autovacuum_off(table)
        _autovacuum_off(f"{table}_part")
        for name in (table, f"{table}_part"):
            _sql(f"VACUUM ANALYZE {name}")
    log(f"partitioned copies made and vacuumed in {time.perf_counter() - started:.1f} s")
    return {"today": today, "months": months, "plan_id": version.plan_id, "members": members}


def _partition(table: str, month: dt.date) -> str:
    return f"{table}_p{month:%Y%m}"


def _partitioned_copy(table: str, key: str, months: list[dt.date]) -> None:
    """``<table>_part``: the same columns, checks, defaults (ids from the same sequence),
    indexes and constraints as ``table``, partitioned by month on ``key``, the rows of
    ``table`` copied in; indexes and constraints made after the copy."""
    part = f"{table}_part"
    indexdefs, constraints, _ = _definitions(table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {part} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
            f"PARTITION BY RANGE ({key})"
        )
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute(f"ALTER TABLE {part} ALTER COLUMN id SET DEFAULT nextval('{sequence}')")
        for month in months:
            cursor.execute(
                f"CREATE TABLE {_partition(table, month)} PARTITION OF {part} "
                "FOR VALUES FROM (%s) TO (%s)",
                [month, add_months(month, 1)],
            )
        cursor.execute(f"INSERT INTO {part} SELECT * FROM {table}")  # noqa: S608 - fixed names
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(f"ALTER TABLE {part} ADD PRIMARY KEY (id, {key})")
        for definition in indexdefs:
            name = definition.split()[2]
            cursor.execute(
                definition.replace(f" {name} ", f" {name[:56]}_p ", 1).replace(
                    f" ON public.{table} ", f" ON public.{part} ", 1
                )
            )
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {part} ADD CONSTRAINT "{name[:56]}_p" {definition}')


def _autovacuum_off(table: str) -> None:
    partitions = _sql(
        "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass", [table]
    )
    for (name,) in partitions or [(table,)]:
        _sql(f"ALTER TABLE {name} SET (autovacuum_enabled = false)")


@contextmanager
def _as_real(table: str, variant: str) -> Iterator[None]:
    """The ``variant`` ("plain" or "partitioned") of ``table`` under the real name."""

    def swap() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_swap")
            cursor.execute(f"ALTER TABLE {table}_part RENAME TO {table}")
            cursor.execute(f"ALTER TABLE {table}_swap RENAME TO {table}_part")

    if variant == "partitioned":
        swap()
    try:
        yield
    finally:
        if variant == "partitioned":
            swap()


# --- Measurements ----------------------------------------------------------------------


def _timed(fn: Callable[[], object], runs: int = 1) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return round(best, 4)


def _insert_and_vacuum(
    table: str, month: dt.date, variant: str, statement: str, params: list
) -> dict[str, float]:
    """The month's insert (its deferred foreign keys checked, committed), then the
    ``VACUUM ANALYZE`` of what it went into: the plain table, or the month's partition."""

    def insert() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys, timed

    target = _partition(table, month) if variant == "partitioned" else table
    return {
        "insert": _timed(insert),
        "vacuum": _timed(lambda: _sql(f"VACUUM ANALYZE {target}")),
    }


class _Undo(Exception):
    pass


def _rolled_back(*statements: str) -> Callable[[], object]:
    def run() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                raise _Undo
        except _Undo:
            pass

    return run


def _per_member_ms(data: dict, read: Callable[[int], Iterable]) -> float:
    """Milliseconds per member of ``read`` over ``SAMPLE_MEMBERS`` members spread over
    them all, best of ``RUNS``."""
    sample = data["members"][:: max(1, len(data["members"]) // SAMPLE_MEMBERS)][:SAMPLE_MEMBERS]
    return round(_timed(lambda: [list(read(m)) for m in sample], RUNS) * 1000 / len(sample), 3)


def _take_out(table: str, key: str, month: dt.date, variant: str) -> str:
    """The statement that takes ``month`` out of ``table``: DETACH or DELETE."""
    if variant == "partitioned":
        return f"ALTER TABLE {table} DETACH PARTITION {_partition(table, month)}"
    return (
        f"DELETE FROM {table} WHERE {key} >= '{month}' "  # noqa: S608 - fixed values
        f"AND {key} < '{add_months(month, 1)}'"
    )


def _measure_dues(data: dict, variant: str) -> dict:
    months, today = data["months"], data["today"]
    new, old = months[-1], months[0]
    with _as_real(DUES, variant):
        out = _insert_and_vacuum(
            DUES, new, variant,
            f"INSERT INTO {DUES} (member_id, coverage_id, kind, period_start, period_end, "  # noqa: S608 - fixed names
            "due_date, grace_ends_on, amount, paid_amount, status, created_at) "
            "SELECT c.member_id, c.id, 'share', %s, %s, %s, %s, 1.00, 0, 'open', now() "
            "FROM members_coverage c WHERE c.plan_id = %s",
            [new, add_months(new, 1) - dt.timedelta(days=1), new,
             new + dt.timedelta(days=60), data["plan_id"]],
        )  # fmt: skip
        if variant == "partitioned":
            out["analyze_parent"] = _timed(lambda: _sql(f"ANALYZE {DUES}"))
        out["grace"] = _timed(lambda: list(overdue_member_ids(today=today)), RUNS)
        out["history_ms"] = _per_member_ms(
            data, lambda m: ContributionDue.objects.filter(member_id=m).order_by("due_date", "id")
        )
        month = months[MONTHS // 2]
        out["period_sum"] = _timed(
            lambda: premiums_billed_by_period(start=month, end=month, grain="month"), RUNS
        )
        out["unearned"] = _timed(
            lambda: unearned_premiums(as_of=months[-2] + dt.timedelta(days=14)),
            RUNS,
        )
        out["archive"] = _timed(_rolled_back(_take_out(DUES, "period_start", old, variant)))
    return out


def _measure_events(data: dict, variant: str) -> dict:
    new, old = data["months"][-1], data["months"][0]
    at = dt.datetime.combine(new, dt.time(1), dt.UTC)
    with _as_real(EVENTS, variant):
        out = _insert_and_vacuum(
            EVENTS, new, variant,
            f"INSERT INTO {EVENTS} (member_id, type, at, old_value, new_value, reason, "  # noqa: S608 - fixed names
            "data) SELECT id, 'status', %s, 'active', 'suspended', 'bench', '{}'::jsonb "
            "FROM members_member WHERE id %% 4 = 0",
            [at],
        )  # fmt: skip
        out["history_ms"] = _per_member_ms(data, lambda m: MemberEvent.objects.filter(member_id=m))
        out["archive"] = _timed(_rolled_back(_take_out(EVENTS, "at", old, variant)))
    return out


def _sizes() -> dict[str, int]:
    return {
        name: _sql("SELECT COUNT(*) FROM " + name)[0][0]  # noqa: S608 - fixed names
        for name in (DUES, f"{DUES}_part", EVENTS, f"{EVENTS}_part")
    }


def _drop_copies() -> None:
    """The partitioned copies dropped, autovacuum back on the real tables."""
    for table in (DUES, EVENTS):
        _sql(f"DROP TABLE IF EXISTS {table}_part CASCADE")
        _sql(f"ALTER TABLE {table} RESET (autovacuum_enabled)")


def run(*, scale: int, log: Callable[[str], None]) -> dict:
    data = _load(scale, log)
    _sql("SELECT COUNT(*) FROM members_coverage")  # the same warm start for both
    results: dict[str, dict] = {"dues": {}, "events": {}}
    try:
        for variant in ("plain", "partitioned"):
            results["dues"][variant] = _measure_dues(data, variant)
            log(f"dues, {variant}: {results['dues'][variant]}")
            results["events"][variant] = _measure_events(data, variant)
            log(f"events, {variant}: {results['events'][variant]}")
        rows = _sizes()
    finally:
        _drop_copies()
    assert rows[DUES] == rows[f"{DUES}_part"] and rows[EVENTS] == rows[f"{EVENTS}_part"], rows
    return {
        "seconds": results["dues"]["partitioned"]["insert"],
        "baseline_seconds": results["dues"]["plain"]["insert"],
        "months": MONTHS,
        "members": len(data["members"]),
        "rows": rows,
        **results,
    }
