"""members-import: N members imported from CSV through the real import path.

Data: a CSV file of N valid members (real resident identity numbers, with the check
character of ``members.identity.check_character``; ages 18 to 60; the three payment
frequencies; cover started in the last three years) under one premium plan, written to a
temporary file (not measured).

Measured: ``members.services.imports.members_import`` on that file — the whole-file
validation, then the writes (members, coverages, events) — against PostgreSQL's own
``COPY`` of the same file into a bare table of text columns (best of 3). The validation
alone (a dry run) is reported beside it, and so is the write floor (``_write_floor``):
the written rows COPYed into indexed twins of their tables, which no import can beat.

What the ratio is made of (measured with cProfile and timers around each statement):
- validation is Python per row and reuses enrolment's ``check_person`` (identity number,
  e-mail, phone...), which alone costs many times what COPY spends on a row;
- the writes go to three tables with their indexes (ten on members) and deferred
  foreign-key checks run at commit; COPY into ``members_member`` alone is about ten
  times a COPY into a bare table;
- the rest is reading the file, spooling the valid rows and formatting the COPY input.
A bare COPY validates nothing and maintains no index, so the ratio measures the price
of those; memory is the figure that must stay flat (peak RSS barely moves between
20,000 and 100,000 rows: only the identity numbers seen are kept, for duplicates).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from members.identity import check_character
from members.models import AgeBand, Coverage, Member, MemberEvent, Plan
from members.services.imports import COLUMNS, members_import
from members.services.plans import plan_version_draft, plan_version_publish

PLAN = "bench-life"
REGIONS = ("110101", "310101", "440305", "330106", "510104", "420102", "320102", "370102")
FREQUENCIES = ("monthly", "quarterly", "annual")
BASELINE_RUNS = 3


def _plan() -> None:
    plan = Plan.objects.create(code=PLAN, name="基准互助保险", name_en="Bench plan", kind="premium")
    version = plan_version_draft(plan=plan, effective_from=dt.date(2020, 1, 1))
    version.min_entry_age, version.max_entry_age = 0, 100
    version.save()
    AgeBand.objects.bulk_create(
        AgeBand(
            plan_version=version,
            min_age=low,
            max_age=high,
            sum_assured=Decimal(benefit),
            premium_monthly=Decimal(monthly),
            premium_quarterly=Decimal(monthly) * 3,
            premium_annual=Decimal(monthly) * 11,
        )
        for low, high, benefit, monthly in (
            (0, 40, "100000.00", "30.00"),
            (41, 100, "50000.00", "60.00"),
        )
    )
    plan_version_publish(version=version, actor=None)


def _write_csv(path: str, rows: int) -> None:
    """N valid, distinct members. Identity numbers are unique by construction: the row
    index picks the region (8), the sequence (500 per sex) and the birth date (a
    permutation of 15,000 days, so up to 60 million rows)."""
    today = timezone.localdate()
    oldest = today.replace(year=today.year - 60) + dt.timedelta(days=1)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for i in range(rows):
            region = REGIONS[i % len(REGIONS)]
            j = i // len(REGIONS)
            born = oldest + dt.timedelta(days=(j // 500) * 7919 % 15000)
            sex = "M" if i % 2 else "F"
            sequence = (j % 500) * 2 + (1 if sex == "M" else 0)
            first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
            start = today - dt.timedelta(days=i % 1095)
            writer.writerow(
                (
                    "",
                    f"会员{i}",
                    "resident_id",
                    first17 + check_character(first17),
                    born.isoformat(),
                    sex,
                    f"139{i:08d}",
                    f"m{i}@example.com" if i % 3 else "",
                    region[:2],
                    f"街道{i}号",
                    PLAN,
                    FREQUENCIES[i % 3],
                    start.isoformat(),
                    "",
                )
            )


def _copy_baseline(path: str) -> float:
    columns = ", ".join(f"{name} text" for name in COLUMNS)
    best = float("inf")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE bench_members_copy ({columns})")
        for _ in range(BASELINE_RUNS):
            cursor.execute("TRUNCATE bench_members_copy")
            with open(path, encoding="utf-8", newline="") as file:
                started = time.perf_counter()
                cursor.cursor.copy_expert(
                    "COPY bench_members_copy FROM STDIN WITH (FORMAT csv, HEADER true)", file
                )
                best = min(best, time.perf_counter() - started)
        cursor.execute("SELECT count(*) FROM bench_members_copy")
        copied = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_members_copy")
    assert copied, "COPY loaded nothing"
    return best


def _write_floor() -> float:
    """What PostgreSQL alone takes to write the rows the import wrote, with nothing else.

    The imported members, coverages and events are copied out of the real tables, then
    COPYed back into empty twins that carry the same columns, defaults, checks and
    indexes (``LIKE ... INCLUDING ALL``; foreign keys are not copied, so their checks
    are not counted). No import of these rows can write them faster: this is the floor
    under the import's own time, against which the 5x target can be judged.
    """
    tables = ("members_member", "members_coverage", "members_memberevent")
    total = 0.0
    with connection.cursor() as cursor:
        for table in tables:
            # Through a file on disk, not memory: the peak RSS reported is the import's.
            with tempfile.TemporaryFile("w+", encoding="utf-8") as data:
                cursor.cursor.copy_expert(f"COPY {table} TO STDOUT", data)
                twin = f"bench_floor_{table}"
                cursor.execute(f"CREATE TEMP TABLE {twin} (LIKE {table} INCLUDING ALL)")
                data.seek(0)
                started = time.perf_counter()
                cursor.cursor.copy_expert(f"COPY {twin} FROM STDIN", data)
                total += time.perf_counter() - started
                cursor.execute(f"DROP TABLE {twin}")
    return total


def run(*, scale: int, log: Callable[[str], None]) -> dict:
    _plan()
    fd, path = tempfile.mkstemp(suffix=".csv")
    os.close(fd)
    try:
        started = time.perf_counter()
        _write_csv(path, scale)
        size = os.path.getsize(path) / 1e6
        log(f"wrote {scale:,} rows ({size:.1f} MB) in {time.perf_counter() - started:.1f} s")
        baseline = _copy_baseline(path)
        log(f"COPY into a bare table: {baseline:.2f} s")

        with open(path, encoding="utf-8", newline="") as file:
            started = time.perf_counter()
            dry = members_import(file=file, dry_run=True)
            validate_seconds = time.perf_counter() - started
        assert dry.valid == scale and not dry.errors, dry.errors[:5]
        log(f"validation only (dry run): {validate_seconds:.2f} s")

        with open(path, encoding="utf-8", newline="") as file:
            started = time.perf_counter()
            report = members_import(file=file)
            seconds = time.perf_counter() - started
        log(f"import: {seconds:.2f} s")
    finally:
        os.unlink(path)
    assert report.imported == scale and not report.errors, report.errors[:5]
    assert Member.objects.count() == scale
    assert Coverage.objects.count() == scale
    assert MemberEvent.objects.filter(type=MemberEvent.Type.IMPORTED).count() == scale
    floor = _write_floor()
    log(f"floor: COPY of the written rows into indexed twins of the three tables: {floor:.2f} s")
    return {
        "seconds": seconds,
        "baseline_seconds": baseline,
        "rows": scale,
        "rows_per_second": round(scale / seconds),
        "validate_seconds": round(validate_seconds, 3),
        "write_floor_seconds": round(floor, 3),
        "write_floor_ratio": round(floor / baseline, 1),
    }
