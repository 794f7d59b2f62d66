"""disclosure-pages: the public disclosure pages on gunicorn under load, beside a bare view.

Data (not measured): the demo society (``manage.py seed_demo``: staff, plans, members,
governance, claims, eight quarters of approved solvency assessments) grown to N members
by the set-based builders of the other benchmarks — members with cover in force COPYed
in (``claims_apportion.members_with_cover``), N/10 paid claims with their estimates and
payments (``solvency_reserve.claims_with_history``), 2N ledger postings over the year
(``ledger_trial_balance.postings_over_a_year``) — and a year of publications made through
``disclosure.services.publication_publish_auto`` (quarterly solvency summaries from the
approved assessments, claims statistics, financial statements, complaints statistics,
the apportionment periods of the 14th and 28th, meeting notices, resolutions, minutes,
material events, a related-party transaction, a product, and one correction).

Queries (in-process, ``CaptureQueriesContext``): each page rendered with the dummy cache
(its second request, so that one-off loads are not counted) at N/10 members with one
year of publications, and again at N members with two years: the count must not grow.
``queries_warm_cache`` is the same request with the project's cache after a first one:
a page that caches itself issues (almost) none.

Served: two gunicorn servers on 127.0.0.1 with the same settings
(``bench.disclosure_settings``: DEBUG off, ``BENCH_GUNICORN_WORKERS`` sync workers,
default 2), one with the project's cache (Redis at ``REDIS_URL``, else local memory per
worker), one with Django's dummy cache (every request renders afresh). Each also serves
the bare view (``bench/disclosure_urls.py``): the page's own bytes, captured from the
server, as a static template rendered by Django under the same middleware.

Load: ``BENCH_CLIENTS`` threads (default 8), each one HTTP/1.1 connection reopened when
the server closes it, ``BENCH_WARMUP`` seconds (default 1) not counted, then
``BENCH_SECONDS`` (default 5) counted; requests per second, p50 and p95 latency. This is
done ``BENCH_ROUNDS`` times (default 3), page after page, each time the bare view, the
cached page, the uncached page and the bare view on the uncached server one after the
other; the ratios to the bare view are the median of the rounds' ratios, so that a
change in the machine's other work does not favour one side. The pages are
``BENCH_PAGES`` (comma-separated paths; default ``PAGES``). ``REDIS_URL``'s database is
cleared first (the bench's own: give it one).

Headline: ``seconds`` is the time per request of the slowest cached page and
``baseline_seconds`` that of its bare view, so ``ratio`` = bare rps / page rps; the
target (each page at least 0.5x the bare view's throughput, cached) is a ratio of at
most 2.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from bench.serve import database_url, gunicorn, option, summary
from bench.serve import fetch as serve_fetch

#: The pages measured unless BENCH_PAGES names others: at a glance and the solvency page.
PAGES = ("/disclosure/", "/disclosure/solvency/")
CLIENTS = 8
SECONDS = 5.0
WARMUP = 1.0
ROUNDS = 3
WORKERS = 2
DUMMY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
#: What a browser sends; the pages answer in Chinese by default.
HEADERS = {"Accept-Language": "zh-hans", "User-Agent": "bench/disclosure-pages"}

Log = Callable[[str], None]


def pages_from_env() -> list[str]:
    raw = os.environ.get("BENCH_PAGES", "")
    return [p.strip() for p in raw.split(",") if p.strip()] or list(PAGES)


# --- The demo society ---------------------------------------------------------------------


class Society:
    """The bench society as it grows: members, claims and postings added by the set-based
    builders, so that the same run can count queries at two sizes."""

    def __init__(self) -> None:
        from bench.claims_apportion import aid_plan
        from bench.solvency_reserve import reserve_society

        self.version = aid_plan()
        self.plan_id, self.member_id, self.coverage_id, self.entry_id = reserve_society()
        self.members = self.claims = self.postings = 0

    def grow(self, members: int, log: Log) -> None:
        """Add members (with cover), claims (one per ten members) and ledger postings (two
        per member) up to ``members`` members."""
        from bench.claims_apportion import members_with_cover
        from bench.ledger_trial_balance import postings_over_a_year
        from bench.solvency_reserve import claims_with_history

        started = time.perf_counter()
        more = members - self.members
        if more <= 0:
            return
        members_with_cover(self.version, more, first=self.members)
        claims = max(members // 10, 1) - self.claims
        if claims > 0:
            claims_with_history(
                claims,
                member_id=self.member_id,
                coverage_id=self.coverage_id,
                plan_id=self.plan_id,
                entry_id=self.entry_id,
                first=self.claims,
            )
        year_start = (timezone.localdate() - dt.timedelta(days=365)).isoformat()
        postings_over_a_year(2 * more, tag=f"bench-disclosure-{members}", first_day=year_start)
        self.members, self.claims, self.postings = (
            members,
            self.claims + claims,
            (self.postings + 2 * more),
        )
        log(
            f"society now {self.members:,} members, {self.claims:,} bench claims, "
            f"{self.postings:,} bench postings ({time.perf_counter() - started:.1f} s)"
        )


def _quarter_ends(year_end: dt.date) -> list[dt.date]:
    """The four quarter ends of the year ending on the quarter end ``year_end``."""
    ends = [year_end]
    while len(ends) < 4:
        end = ends[-1]
        ends.append(
            _month_end(end.year - 1, 12) if end.month == 3 else _month_end(end.year, end.month - 3)
        )
    return sorted(ends)


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def last_quarter_end(today: dt.date) -> dt.date:
    quarter = (today.month - 1) // 3
    if quarter == 0:
        return dt.date(today.year - 1, 12, 31)
    return _month_end(today.year, quarter * 3)


def publish_year(year_end: dt.date) -> int:
    """A year of the society's publications (the year ending on the quarter end
    ``year_end``), published by the platform through the real service and dated as they
    would have been; the latest solvency summary is corrected once. Returns how many
    versions were published."""
    from disclosure.models import Kind
    from disclosure.services.publications import publication_publish_auto
    from solvency.models import SolvencyAssessment

    published = 0
    today = timezone.localdate()

    def publish(kind: str, key: str, title: str, content: dict, **extra) -> None:
        nonlocal published
        day = extra.pop("on")
        _pub, made = publication_publish_auto(
            kind=kind,
            # apart from the demo's own documents (seed_demo publishes its year too)
            key=key if key.startswith("bench:") else f"bench:{key}",
            title=title,
            title_en=title,
            source="bench",
            content=content,
            body=f"{title}（基准数据）",
            at=_at(min(day, today)),
            **extra,
        )
        published += made

    quarters = _quarter_ends(year_end)
    assessments = {
        a.valuation_date: a
        for a in SolvencyAssessment.objects.filter(
            state=SolvencyAssessment.State.APPROVED, valuation_date__in=quarters
        )
    }
    for n, end in enumerate(quarters):
        label = f"{end.year}Q{(end.month - 1) // 3 + 1}"
        start = dt.date(end.year, end.month - 2, 1)
        period = {"period": label, "period_start": start, "period_end": end}
        a = assessments.get(end)
        figures = (
            {
                "comprehensive_ratio": a.comprehensive_ratio,
                "core_ratio": a.core_ratio,
                "actual_capital": a.actual_capital,
                "core_capital": a.core_capital,
                "minimum_capital": a.minimum_capital,
                "rating": a.rating,
            }
            if a
            else {
                "comprehensive_ratio": Decimal("245.10") + n,
                "core_ratio": Decimal("230.40") + n,
                "actual_capital": Decimal("98000000.00"),
                "core_capital": Decimal("92000000.00"),
                "minimum_capital": Decimal("40000000.00"),
                "rating": "A",
            }
        )
        publish(Kind.SOLVENCY_SUMMARY, f"solvency_summary:{label}", f"{label} 偿付能力报告摘要",
                figures, on=end + dt.timedelta(days=25), **period)  # fmt: skip
        publish(Kind.CLAIMS_STATISTICS, f"claims_statistics:{label}", f"{label} 理赔统计",
                {"cases": 120 + n, "paid": Decimal("1830000.00") + n, "rejection_rate": "0.06"},
                on=end + dt.timedelta(days=20), **period)  # fmt: skip
        publish(Kind.FINANCIAL_STATEMENTS, f"financial_statements:{label}", f"{label} 财务报表",
                {"assets": Decimal("120000000.00") + n, "liabilities": Decimal("31000000.00")},
                on=end + dt.timedelta(days=30), **period)  # fmt: skip
        publish(Kind.COMPLAINTS_STATISTICS, f"complaints_statistics:{label}",
                f"{label} 投诉统计", {"complaints": 7 + n, "resolved": 7 + n},
                on=end + dt.timedelta(days=30), **period)  # fmt: skip
    first = dt.date(quarters[0].year, quarters[0].month - 2, 1)
    for m in range(12):
        month = first.month + m
        for day in (14, 28):
            on = dt.date(first.year + (month - 1) // 12, (month - 1) % 12 + 1, day)
            publish(Kind.APPORTIONMENT, f"apportionment:{on.isoformat()}",
                    f"{on.isoformat()} 分摊公告",
                    {"cases": 9, "total": Decimal("640000.00"), "share": Decimal("3.21")},
                    period=on.isoformat(), period_start=on, period_end=on, on=on)  # fmt: skip
    meeting_day = quarters[1] - dt.timedelta(days=20)
    for kind, title, offset in (
        (Kind.MEETING_NOTICE, "会员代表大会通知", -25),
        (Kind.RESOLUTIONS, "会员代表大会决议及表决结果", 1),
        (Kind.MINUTES, "会员代表大会会议记录", 10),
    ):
        on = meeting_day + dt.timedelta(days=offset)
        publish(kind, f"{kind}:{meeting_day.year}", f"{meeting_day.year} 年{title}",
                {"meeting": meeting_day.isoformat()}, event_day=on, on=on)  # fmt: skip
    for n, title in enumerate(("董事变更", "办公地址变更", "重大诉讼")):
        on = quarters[n] - dt.timedelta(days=15)
        publish(Kind.MATERIAL_EVENT, f"material_event:{on.isoformat()}", title,
                {"event": title}, event_day=on, on=on)  # fmt: skip
    on = quarters[2] - dt.timedelta(days=40)
    publish(Kind.RELATED_PARTY, f"related_party:{on.isoformat()}", "关联交易：办公场所租赁",
            {"amount": Decimal("360000.00")}, event_day=on, on=on)  # fmt: skip
    publish(Kind.PRODUCT, f"product:{year_end.year}", f"{year_end.year} 年产品信息",
            {"plans": 3}, on=quarters[0])  # fmt: skip
    # One correction: the latest summary republished with a changed figure.
    end = quarters[-1]
    label = f"{end.year}Q{(end.month - 1) // 3 + 1}"
    from disclosure.models import Publication

    latest = Publication.objects.filter(key=f"bench:solvency_summary:{label}").order_by("-version")[
        0
    ]
    corrected = {**latest.content, "rating": "B" if latest.content.get("rating") != "B" else "A"}
    publish(Kind.SOLVENCY_SUMMARY, latest.key, latest.title, corrected, period=latest.period,
            period_start=latest.period_start, period_end=latest.period_end,
            on=end + dt.timedelta(days=40))  # fmt: skip
    return published


# --- Queries per page, in-process ---------------------------------------------------------


def count_queries(pages: list[str]) -> dict[str, dict]:
    """Per page: the queries of an uncached render (dummy cache, second request) and of a
    request answered from a warm cache (the project's cache, after a first request).

    Each count is read as soon as its request is answered: the test client's next request
    empties the connection's query log (``request_started``)."""
    from django.core.cache import cache

    out: dict[str, dict] = {}
    hosts = ["testserver", "127.0.0.1", "localhost"]
    with override_settings(ALLOWED_HOSTS=hosts):
        client = Client(headers=HEADERS)
        for page in pages:
            with override_settings(CACHES=DUMMY_CACHE):
                assert client.get(page).status_code == 200, page
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(page)
                assert response.status_code == 200, (page, response.status_code)
                uncached = [q["sql"] for q in captured.captured_queries]
            cache.clear()
            assert client.get(page).status_code == 200, page
            with CaptureQueriesContext(connection) as captured:
                client.get(page)
            warm = len(captured.captured_queries)
            out[page] = {
                "queries_uncached": len(uncached),
                "queries_warm_cache": warm,
                "bytes": len(response.content),
                "sql": [" ".join(sql.split())[:100] for sql in uncached],
            }
    return out


# --- Serving and load ---------------------------------------------------------------------


@contextlib.contextmanager
def serve(*, cache: str, bare_dir: str, workers: int, probe: str) -> Iterator[int]:
    """gunicorn on 127.0.0.1 with the bench settings (``cache``: ``project`` or
    ``dummy``); yields its port and stops it (its process only) afterwards."""
    from django.conf import settings

    env = {
        "DJANGO_SETTINGS_MODULE": "bench.disclosure_settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": database_url(),
        "BENCH_DISCLOSURE_CACHE": cache,
        "BENCH_BARE_TEMPLATES": bare_dir,
    }
    with gunicorn(env=env, workers=workers, probe=probe, headers=HEADERS) as port:
        yield port


def fetch(port: int, path: str) -> tuple[int, bytes]:
    return serve_fetch(port, path, HEADERS)


def _drive(
    port: int, path: str, *, clients: int, seconds: float, warmup: float
) -> tuple[list[float], dict[str, int]]:
    """``clients`` threads requesting ``path`` back to back for ``warmup`` + ``seconds``;
    the requests answered inside the counted ``seconds`` are counted (throughput is
    answers per second; a page slower than the window still counts when it ends in it).
    Returns the latencies of the answers 200 and the count of every other outcome."""
    started = time.perf_counter()
    counted_from = started + warmup
    until = counted_from + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[dict[str, int]] = [{} for _ in range(clients)]

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = latencies[n], failures[n]
        while True:
            begin = time.perf_counter()
            if begin >= until:
                break
            try:
                conn.request("GET", path, headers=HEADERS)
                response = conn.getresponse()
                response.read()
                status = str(response.status)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()  # reopened by the next request
                status = type(exc).__name__
            end = time.perf_counter()
            if counted_from <= end <= until:
                if status == "200":
                    mine.append(end - begin)
                else:
                    failed[status] = failed.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors: dict[str, int] = {}
    for failed in failures:
        for status, n in failed.items():
            errors[status] = errors.get(status, 0) + n
    return [v for values in latencies for v in values], errors


def load(port: int, path: str, *, clients: int, seconds: float, warmup: float) -> dict:
    """One bounded load on ``path``: requests, rps, p50 and p95 of the answers 200, and
    the other outcomes by status (or exception)."""
    latencies, errors = _drive(port, path, clients=clients, seconds=seconds, warmup=warmup)
    return summary(latencies, errors, seconds)


def _slug(page: str) -> str:
    return "-".join(part for part in page.strip("/").split("/") if part) or "root"


KINDS = ("bare", "cached", "uncached", "bare_on_uncached_server")


def measure(
    pages: list[str],
    *,
    clients: int,
    seconds: float,
    warmup: float,
    workers: int,
    rounds: int,
    log: Log,
) -> dict[str, dict]:
    """Both servers up, each page's bare twin written, then ``rounds`` times, page after
    page: the bare view, the cached page, the uncached page, and the bare view on the
    uncached server (to show the two servers alike). Spreading each page's runs over the
    rounds keeps a change in the machine's other work from favouring one of them; the
    ratios are taken within each round (the median is reported)."""
    from bench.disclosure_urls import BARE_PREFIX

    bare_dir = tempfile.mkdtemp(prefix="bench-bare-")
    (Path(bare_dir) / "bench_bare").mkdir()
    out: dict[str, dict] = {}
    try:
        with (
            serve(cache="project", bare_dir=bare_dir, workers=workers, probe=pages[0]) as cached,
            serve(cache="dummy", bare_dir=bare_dir, workers=workers, probe=pages[0]) as uncached,
        ):
            targets: dict[str, dict[str, tuple[int, str]]] = {}
            sizes: dict[str, int] = {}
            for page in pages:
                status, body = fetch(uncached, page)
                assert status == 200, (page, status)
                # The page's own bytes as a static template (verbatim: nothing in it is
                # template syntax), so that the bare view answers exactly as many bytes.
                (Path(bare_dir) / "bench_bare" / f"{_slug(page)}.html").write_bytes(
                    b"{% verbatim %}" + body + b"{% endverbatim %}"
                )
                bare = f"{BARE_PREFIX}{_slug(page)}/"
                status, twin = fetch(cached, bare)
                assert status == 200 and len(twin) == len(body), (bare, status, len(twin))
                sizes[page] = len(body)
                targets[page] = {
                    "bare": (cached, bare),
                    "cached": (cached, page),
                    "uncached": (uncached, page),
                    "bare_on_uncached_server": (uncached, bare),
                }
            seen: dict[str, dict[str, list]] = {
                page: {kind: [] for kind in KINDS} for page in pages
            }
            for n in range(rounds):
                for page in pages:
                    line = []
                    for kind in KINDS:
                        port, path = targets[page][kind]
                        got = _drive(port, path, clients=clients, seconds=seconds, warmup=warmup)
                        seen[page][kind].append(got)
                        line.append(f"{kind} {len(got[0]) / seconds:.0f}")
                    log(f"round {n + 1}/{rounds} {page}: rps " + ", ".join(line))
            for page in pages:
                runs = {}
                for kind in KINDS:
                    latencies = [v for got in seen[page][kind] for v in got[0]]
                    errors: dict[str, int] = {}
                    for got in seen[page][kind]:
                        for status, count in got[1].items():
                            errors[status] = errors.get(status, 0) + count
                    runs[kind] = {
                        **summary(latencies, errors, seconds * rounds),
                        "rounds_rps": [round(len(got[0]) / seconds, 1) for got in seen[page][kind]],
                    }

                def ratio(kind: str, base: str, page: str = page, runs: dict = runs) -> float:
                    pairs = zip(runs[kind]["rounds_rps"], runs[base]["rounds_rps"], strict=True)
                    return round(statistics.median(a / b if b else 0.0 for a, b in pairs), 2)

                out[page] = {
                    "bytes": sizes[page],
                    **runs,
                    "cached_to_bare": ratio("cached", "bare"),
                    "uncached_to_bare": ratio("uncached", "bare_on_uncached_server"),
                }
                log(
                    f"{page:<24} {sizes[page]:>7,} B  bare {runs['bare']['rps']:>7.1f} rps "
                    f"p95 {runs['bare']['p95_ms']:>6.1f} ms | cached "
                    f"{runs['cached']['rps']:>7.1f} rps p95 {runs['cached']['p95_ms']:>6.1f} ms "
                    f"({out[page]['cached_to_bare']}x) | uncached {runs['uncached']['rps']:>7.1f}"
                    f" rps p95 {runs['uncached']['p95_ms']:>6.1f} ms "
                    f"({out[page]['uncached_to_bare']}x of bare "
                    f"{runs['bare_on_uncached_server']['rps']:.1f})"
                )
    finally:
        shutil.rmtree(bare_dir, ignore_errors=True)
    return out


# --- The benchmark ------------------------------------------------------------------------


def _counts(found: dict[str, dict]) -> dict[str, tuple[int, int]]:
    """(uncached, warm cache) queries per page."""
    return {p: (v["queries_uncached"], v["queries_warm_cache"]) for p, v in found.items()}


def seed_demo(log: Log) -> None:
    """``manage.py seed_demo``: the demo society the benchmarks of pages grow."""
    from django.core.management import call_command

    started = time.perf_counter()
    # The demo's e-mails (alerts, notices) kept in memory, not printed on stdout.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        open(os.devnull, "w") as quiet,
    ):
        call_command("seed_demo", stdout=quiet)
    log(f"seed_demo in {time.perf_counter() - started:.1f} s")


def society_start(*, seed: bool, log: Log) -> Society:
    """The demo society (``seed``: seeded first) as the benchmarks of pages grow it; no
    Celery worker in the bench (what the set-up hands to Celery runs in-process) and the
    cache cleared."""
    from django.core.cache import cache

    from mutualsociety.celery import app as celery_app

    celery_app.conf.task_always_eager = True
    cache.clear()
    if seed:
        seed_demo(log)
    return Society()


def build(society: Society, members: int, year_end: dt.date, log: Log) -> int:
    society.grow(members, log)
    published = publish_year(year_end)
    log(f"published {published} versions for the year to {year_end.isoformat()}")
    return published


def run(
    *,
    scale: int,
    log: Log,
    seed: bool = True,
    pages: list[str] | None = None,
    clients: int | None = None,
    seconds: float | None = None,
    warmup: float | None = None,
    workers: int | None = None,
    rounds: int | None = None,
) -> dict:
    from django.core.cache import cache

    from disclosure.models import Publication

    pages = pages or pages_from_env()
    clients = option(clients, "BENCH_CLIENTS", CLIENTS)
    seconds = option(seconds, "BENCH_SECONDS", SECONDS, float)
    warmup = option(warmup, "BENCH_WARMUP", WARMUP, float)
    workers = option(workers, "BENCH_GUNICORN_WORKERS", WORKERS)
    rounds = option(rounds, "BENCH_ROUNDS", ROUNDS)
    society = society_start(seed=seed, log=log)
    year_end = last_quarter_end(timezone.localdate())
    small = max(scale // 10, 1)

    build(society, small, year_end, log)
    queries_small = count_queries(pages)
    publications_small = Publication.objects.count()
    log(f"queries at {small:,} members: {_counts(queries_small)}")

    build(society, scale, year_end.replace(year=year_end.year - 1), log)
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    queries_large = count_queries(pages)
    publications = Publication.objects.count()
    log(f"queries at {scale:,} members: {_counts(queries_large)}")
    for page in pages:
        log(f"uncached {page}: " + "; ".join(queries_large[page]["sql"]))

    cache.clear()
    load_before = os.getloadavg()[0]
    served = measure(
        pages,
        clients=clients,
        seconds=seconds,
        warmup=warmup,
        workers=workers,
        rounds=rounds,
        log=log,
    )
    # The machine's other work weighs on every number: say how busy it was.
    load_after = os.getloadavg()[0]
    log(f"load average (1 min) {load_before:.2f} before the load, {load_after:.2f} after")
    result: dict = {"pages": {}}
    for page in pages:
        result["pages"][page] = {
            **served[page],
            "queries_uncached": {
                f"{small} members, {publications_small} publications": queries_small[page][
                    "queries_uncached"
                ],
                f"{scale} members, {publications} publications": queries_large[page][
                    "queries_uncached"
                ],
            },
            "queries_warm_cache": queries_large[page]["queries_warm_cache"],
            "queries_grow": (
                queries_large[page]["queries_uncached"] > queries_small[page]["queries_uncached"]
            ),
        }
    slowest = min(pages, key=lambda p: served[p]["cached"]["rps"])
    page_rps = served[slowest]["cached"]["rps"] or float("nan")
    bare_rps = served[slowest]["bare"]["rps"] or float("nan")
    result.update(
        {
            "seconds": 1 / page_rps,
            "baseline_seconds": 1 / bare_rps,
            "slowest_page": slowest,
            "members": scale,
            "publications": publications,
            "clients": clients,
            "counted_seconds": seconds * rounds,
            "rounds": rounds,
            "warmup_seconds": warmup,
            "gunicorn_workers": workers,
            "cache": "redis" if os.environ.get("REDIS_URL") else "locmem (per worker)",
            "cpus": os.cpu_count(),
            "load_average": [round(load_before, 2), round(load_after, 2)],
            "target_met": all(
                served[p]["cached_to_bare"] >= 0.5 and not result["pages"][p]["queries_grow"]
                for p in pages
            ),
        }
    )
    return result
