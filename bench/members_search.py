"""members-search: the staff member search over N members, one query per kind of key.

Data: N members written straight into ``members_member`` by one ``INSERT ... SELECT``
over ``generate_series`` with the real schema and indexes (not measured): member numbers
``M-2026-NNNNNNNNN-0``, passport numbers, mobile numbers, names from common surnames and
given names (one in a hundred a 欧阳), then ``VACUUM ANALYZE``.

Measured, for each kind of search string (best of ``RUNS``, warm cache): the first page
the API and the admin show (``member_search(q)`` ordered newest first, 50 rows, and its
count), through Django. Beside it:
- baseline: the same SQL run by PostgreSQL alone (a cursor, no ORM);
- ``old_or_seconds``: the search as it was before issue 10 — one ``OR`` over member
  number (exact and contains), name contains, phone prefix and identity number — run as
  SQL on the same rows, which PostgreSQL answers by reading every member.
``plans`` gives the top line of each query's EXPLAIN (which index serves it).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection

RUNS = 5
PAGE = 50

#: (kind, search string) — one of each kind the search tells apart.
QUERIES = (
    ("member number", "m-2026-000012345-0"),
    ("identity number", "e000012345"),
    ("phone prefix", "1390001234"),
    ("name, 3+ characters", "阳芳华"),
    ("start of a name", "欧阳"),
)

OLD_OR = """
    SELECT id, created_at FROM members_member
    WHERE UPPER(member_number::text) = UPPER(%(q)s)
       OR UPPER(member_number::text) LIKE UPPER(%(contains)s)
       OR UPPER(legal_name::text) LIKE UPPER(%(contains)s)
       OR phone::text LIKE %(prefix)s
       OR UPPER(id_number::text) = UPPER(%(q)s)
    ORDER BY created_at DESC LIMIT 50
"""


def _load(scale: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO members_member (
                member_number, legal_name, id_type, id_number, date_of_birth, sex, phone,
                email, region, address, status, status_changed_at, joined_on, created_at
            )
            SELECT
                'M-2026-' || lpad(i::text, 9, '0') || '-0',
                CASE WHEN i %% 100 = 0 THEN '欧阳' ELSE (ARRAY['王','李','张','刘','陈','杨',
                    '黄','赵','吴','周'])[1 + i %% 10] END
                    || (ARRAY['芳','娜','伟','敏','静','丽','强','磊','军','洋'])
                        [1 + (i / 10) %% 10]
                    || (ARRAY['','华','明','英','杰'])[1 + (i / 100) %% 5],
                'passport', 'E' || lpad(i::text, 9, '0'),
                DATE '1960-01-01' + (i %% 15000), CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END,
                '139' || lpad(i::text, 8, '0'), '', '11', '', 'active', now(),
                DATE '2020-01-01', now() - make_interval(secs => i)
            FROM generate_series(1, %s) AS i
            """,
            [scale],
        )
        # VACUUM, not only ANALYZE: it also merges the GIN indexes' pending lists (as
        # autovacuum does on a live database), which every search would otherwise scan.
        cursor.execute("VACUUM ANALYZE members_member")


def _best(run: Callable[[], object], runs: int = RUNS) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def run(*, scale: int, log: Callable[[str], None]) -> dict:
    from members.models import Member
    from members.selectors import member_search

    started = time.perf_counter()
    _load(scale)
    log(f"wrote {scale:,} members in {time.perf_counter() - started:.1f} s")

    timings: dict[str, dict] = {}
    total = baseline_total = old_total = 0.0
    for kind, query in QUERIES:
        queryset = member_search(query).order_by("-created_at", "-id")

        def page(queryset=queryset) -> tuple[int, list]:
            return queryset.count(), list(queryset[:PAGE])

        found, _rows = page()
        seconds = _best(page)
        sql, params = queryset[:PAGE].query.sql_with_params()
        count_sql, count_params = (
            Member.objects.filter(pk__in=queryset.values("pk")).values("pk").query
        ).sql_with_params()

        def bare(sql=sql, params=params, count_sql=count_sql, count_params=count_params):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({count_sql}) AS found", count_params)
                cursor.fetchall()
                cursor.execute(sql, params)
                cursor.fetchall()

        baseline = _best(bare)
        digits = query.replace(" ", "")
        old_params = {"q": query, "contains": f"%{query}%", "prefix": f"{digits}%"}

        def old(old_params=old_params):
            with connection.cursor() as cursor:
                cursor.execute(OLD_OR, old_params)
                cursor.fetchall()

        old_seconds = _best(old, runs=3)
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
            cursor.execute(f"EXPLAIN {OLD_OR}", old_params)
            old_plan = [row[0] for row in cursor.fetchall()]
        used = sorted(
            {
                word
                for line in plan
                for word in line.split()
                if word.endswith(("_idx", "_trgm", "_person", "_pkey"))
            }
        )
        old_scan = next((line.strip() for line in old_plan if "Scan" in line), "")
        timings[kind] = {
            "query": query,
            "found": found,
            "ms": round(seconds * 1000, 2),
            "baseline_ms": round(baseline * 1000, 2),
            "old_or_ms": round(old_seconds * 1000, 1),
            "indexes": used,
            "old_plan": old_scan.split("  (")[0],
        }
        log(
            f"{kind:<22} {query!r:<22} found {found:>6}  {seconds * 1000:8.2f} ms "
            f"(SQL alone {baseline * 1000:7.2f} ms; the old OR {old_seconds * 1000:9.1f} ms)"
        )
        total += seconds
        baseline_total += baseline
        old_total += old_seconds
    return {
        "seconds": total,
        "baseline_seconds": baseline_total,
        "old_or_seconds": round(old_total, 4),
        "members": scale,
        "searches": timings,
    }
