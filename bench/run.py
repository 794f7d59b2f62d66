#!/usr/bin/env python
"""Run one benchmark against PostgreSQL and print its result as JSON (the last line).

    DATABASE_URL=postgres://... .venv/bin/python bench/run.py ledger-trial-balance [--scale N]
    DATABASE_URL=... REDIS_URL=redis://... .venv/bin/python bench/run.py claims-apportion \
        --scale N --workers W     (the run through a Celery worker of W processes)
    .venv/bin/python bench/run.py --list

Each run creates its own scratch database beside the configured one (same server, the
name with a ``_bench`` suffix), migrates it, generates its data, measures, and drops the
scratch database again. Benchmarks are not tests and CI does not run them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: name -> (module in bench/, default scale, what it measures)
BENCHMARKS = {
    "ledger-trial-balance": (
        "bench.ledger_trial_balance",
        1_000_000,
        "trial balance over N postings vs. a bare SUM ... GROUP BY",
    ),
    "members-import": (
        "bench.members_import",
        100_000,
        "import N members from CSV (validate, then write) vs. a bare COPY of the file",
    ),
    "members-grace": (
        "bench.members_grace",
        1_000_000,
        "the daily grace job over N members (N/2 suspended, N/1000 lapsed with their "
        "write-offs) vs. the bare UPDATE / INSERT ... SELECT statements of the same changes",
    ),
    "members-search": (
        "bench.members_search",
        1_000_000,
        "staff member search (number, identity, phone, name) over N members vs. the same "
        "SQL alone, and vs. the single-OR search it replaced",
    ),
    "governance-tally": (
        "bench.governance_tally",
        1_000_000,
        "tally N ballots (one GROUP BY + pure tally) vs. a bare COUNT ... GROUP BY; "
        "ballots/s cast through the API on gunicorn",
    ),
    "claims-apportion": (
        "bench.claims_apportion",
        1_000_000,
        "apportion a period's claims among N members vs. a bare INSERT ... SELECT of N rows; "
        "the Merkle tree of the shares and a member's proof",
    ),
    "solvency-reserve": (
        "bench.solvency_reserve",
        1_000_000,
        "paid + incurred quarterly triangles from N claims by SQL vs. a bare SELECT ... "
        "GROUP BY of the same rows; Mack on both (fit and import timed apart)",
    ),
    "surplus-distribution": (
        "bench.surplus_distribution",
        1_000_000,
        "one surplus distribution run over N members (shares by largest remainder, the "
        "entry, a contribution credit each) vs. a bare INSERT ... SELECT of the same rows "
        "into the tables they go to",
    ),
    "members-billing": (
        "bench.members_billing",
        1_000_000,
        "the daily premium billing of N members (batches: locks, one entry each, INSERT ... "
        "SELECT of the dues, UPDATE of the next due dates, advances settled) vs. a bare "
        "INSERT ... SELECT of the same dues and UPDATE of the same coverages",
    ),
    "partitioning": (
        "bench.partitioning",
        10_000_000,
        "N dues over 24 months (and N/4 member events), plain vs. partitioned by month: "
        "a month's insert, VACUUM, the grace lookup, a member's history, a month's "
        "aggregate, taking the oldest month out (DELETE vs. DETACH PARTITION)",
    ),
    "disclosure-pages": (
        "bench.disclosure_pages",
        100_000,
        "public disclosure pages on gunicorn (cached and uncached) vs. a bare view of the "
        "same size, rps and p95, with a society of N members; queries per uncached page "
        "at N/10 and N",
    ),
    "portal-load": (
        "bench.portal_load",
        100_000,
        "signed-in members (dashboard, assembly page, vote) and anonymous visitors "
        "(disclosure pages) on gunicorn with the production settings, a fixed number of "
        "requests: rps, p50/p95/p99 and errors per route beside a bare view, with a "
        "society of N members",
    ),
}


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def scratch_url(url: str) -> tuple[str, str, str]:
    """(admin URL on the 'postgres' database, scratch URL, scratch database name)."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql", "postgis"}:
        raise SystemExit(
            "bench/run.py measures on PostgreSQL only: set DATABASE_URL=postgres://... "
            f"(got a {parts.scheme or 'missing'} URL). SQLite numbers would say nothing "
            "about production."
        )
    name = parts.path.lstrip("/") or "mutualsociety"
    scratch = f"{name}_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    return admin, urlunsplit(parts._replace(path=f"/{scratch}")), scratch


def admin_execute(admin_url: str, sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("name", nargs="?", help="the benchmark to run")
    parser.add_argument("--scale", type=int, help="size of the generated data")
    parser.add_argument("--list", action="store_true", help="name the benchmarks")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--workers",
        default="0",
        help="run the job as a batch run on a Celery worker with this many processes "
        "(claims-apportion, members-billing, members-grace; needs REDIS_URL); "
        "claims-apportion takes a list, 1,2: one load, the run once per count",
    )
    args = parser.parse_args(argv)

    if args.list or not args.name:
        for name, (_module, scale, what) in BENCHMARKS.items():
            print(f"{name:<24} default scale {scale:>10,}  {what}")
        return 0 if args.list else 2
    if args.name not in BENCHMARKS:
        print(f"unknown benchmark {args.name!r}; --list names them", file=sys.stderr)
        return 2

    module_name, default_scale, _what = BENCHMARKS[args.name]
    scale = args.scale or default_scale
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise SystemExit("bench/run.py needs DATABASE_URL pointing at a PostgreSQL server.")
    admin_url, bench_url, scratch = scratch_url(url)
    options: dict = {}
    try:
        workers = [int(n) for n in str(args.workers).split(",")]
    except ValueError:
        print("--workers takes a number of processes, or for claims-apportion a list: 1,2",
              file=sys.stderr)  # fmt: skip
        return 2
    if any(workers):
        if args.name not in ("claims-apportion", "members-billing", "members-grace"):
            print(
                "--workers applies to claims-apportion, members-billing and members-grace",
                file=sys.stderr,
            )
            return 2
        if len(workers) > 1 and args.name != "claims-apportion":
            print("a list of worker counts applies to claims-apportion only", file=sys.stderr)
            return 2
        options["workers"] = workers if args.name == "claims-apportion" else workers[0]
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"

    admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    admin_execute(admin_url, f'CREATE DATABASE "{scratch}"')
    try:
        os.environ["DATABASE_URL"] = bench_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualsociety.settings")
        # DEBUG off, as in production (and in the servers and workers the benchmarks
        # start): with it on, Django keeps the last 9,000 statements' SQL, a batch's ids
        # included, which at 10,000,000 members showed as 170 MB of "peak memory".
        os.environ.setdefault("DJANGO_DEBUG", "0")
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # a scratch database's
        import django

        django.setup()
        from django.core.management import call_command

        print(f"migrating scratch database {scratch} ...", file=sys.stderr)
        call_command("migrate", verbosity=0, interactive=False)
        module = importlib.import_module(module_name)
        result = module.run(scale=scale, log=lambda msg: print(msg, file=sys.stderr), **options)
        seconds = result["seconds"]
        baseline = result.get("baseline_seconds")
        out = {
            "name": args.name,
            "scale": scale,
            "seconds": round(seconds, 4),
            "baseline_seconds": round(baseline, 4) if baseline else None,
            "ratio": round(seconds / baseline, 2) if baseline else None,
            **{k: v for k, v in result.items() if k not in {"seconds", "baseline_seconds"}},
            "peak_rss_mb": peak_rss_mb(),
        }
        from django.db import connections

        connections.close_all()
    finally:
        if not args.keep:
            admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
