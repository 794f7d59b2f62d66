"""portal-load: signed-in members and anonymous visitors on gunicorn with the production
settings, a fixed number of requests, beside a bare Django view under the same load.

Data (not measured): the demo society (``manage.py seed_demo``) grown to N members with
the set-based builders of disclosure-pages (``disclosure_pages.Society``: members with
cover in force, N/10 paid claims, 2N ledger postings, a year of publications of each
kind); ``BENCH_MEMBERS`` of the grown members (default 100) given a login, their one
password hashed once by the production hasher; then an annual assembly convened 25 days
ago and open for its vote now, through the governance services
(``governance_tally.open_meeting``: the roll of every eligible member frozen).

Served: gunicorn on 127.0.0.1, ``BENCH_GUNICORN_WORKERS`` sync workers (default 2), the
production settings (``DJANGO_ENV=production``: DEBUG off, PostgreSQL, Redis at
``REDIS_URL`` for the cache and the broker, static files collected into a scratch
``STATIC_ROOT`` and served by WhiteNoise from the manifest, secure cookies, HSTS, the SSL
redirect) under the bench's URLconf (``bench.disclosure_settings``: the project's URLs
plus the bare view). The clients speak for a TLS proxy the way the settings trust one
(``X-Forwarded-Proto: https``, ``SECURE_PROXY_SSL_HEADER``) and send the ``Origin`` a
browser sends with a form; nothing in the settings is weakened. E-mail goes to memory
(``EMAIL_BACKEND``, a deployment setting): there is no mail server on 127.0.0.1.

Signed in (not measured): every bench member signs in through the real login form
(``/accounts/login/``, CSRF token from the form, the production password hasher) and
keeps the real Django session and CSRF cookies it is given.

Measured: ``BENCH_REQUESTS`` requests (default 2,400), sent by ``BENCH_CLIENTS`` threads
(default 2 per worker: both workers always busy, none kept waiting for long), each with
one HTTP/1.1 connection reopened when the server closes it. The requests come as visits,
in turn: a member (the next one round the bench members) asks for ``/me/``, the
assembly's page, and posts a vote on its motion with the CSRF token of that page; an
anonymous visitor reads ``/disclosure/`` and ``/disclosure/solvency/``; and one request
for the bare view (``bench/disclosure_urls.py``: the bytes of ``/disclosure/`` as a
static template) under the very same load. A member's first vote must be answered with
the receipt page (200); a later one is a change of vote, answered 200 where the articles
allow changes and refused with a redirect back to the meeting (302) where they do not:
the answer the articles call for is counted as answered, any other status, an exception
or a timeout (30 s) as an error.

Reported per route and for all portal routes together: requests, rps (over the whole
measured time), p50/p95/p99 latency of the expected answers, errors; the bare view the
same. ``seconds`` is the p95 of the portal routes together and ``baseline_seconds`` the
p95 of the bare view, so ``ratio`` is how much longer the slow end of a real request
takes than a request that does nothing but pass the middleware. Target: no error and a
p95 under 200 ms. ``REDIS_URL``'s database is cleared first (the bench's own: give it
one).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from bench.serve import HEADERS, ROOT, database_url, gunicorn, option, summary

CLIENTS_PER_WORKER = 2
REQUESTS = 2400
MEMBERS = 100
WORKERS = 2
TIMEOUT = 30.0
#: The bench members' one password (hashed once, by the production hasher).
PASSWORD = "bench-portal-load-2026"  # noqa: S105 - a bench society on 127.0.0.1
DISCLOSURE = ("/disclosure/", "/disclosure/solvency/")
#: Route names in the order of a cycle of visits; ``total`` is all but the bare view.
ROUTES = ("dashboard", "meeting", "vote", "disclosure", "disclosure_solvency", "bare")
PER_CYCLE = len(ROUTES)
_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')

Log = Callable[[str], None]


# --- A browser's cookies over one connection ----------------------------------------------


class Jar(dict):
    """A browser's cookies for the site: updated from every answer's ``Set-Cookie``."""

    def header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.items())

    def take(self, response: http.client.HTTPResponse) -> None:
        for raw in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(raw).items():
                if morsel.value and morsel["max-age"] not in {"0", 0}:
                    self[name] = morsel.value
                else:
                    self.pop(name, None)


def request(
    conn: http.client.HTTPConnection,
    jar: Jar,
    method: str,
    path: str,
    form: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """One request as a browser behind the TLS proxy sends it, with ``jar``'s cookies
    (and the ``Origin`` of the site for a form); the answer's cookies go into ``jar``."""
    origin = f"https://127.0.0.1:{conn.port}"
    headers = {**HEADERS, "X-Forwarded-Proto": "https"}
    if jar:
        headers["Cookie"] = jar.header()
    body = None
    if form is not None:
        body = urlencode(form)
        headers.update(
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": f"{origin}{path}",
            }
        )
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    jar.take(response)
    return response.status, data


def csrf_token(page: bytes) -> str:
    found = _CSRF.search(page)
    if found is None:
        raise ValueError("no CSRF token on the page")
    return found.group(1).decode()


def sign_in(port: int, username: str) -> Jar:
    """Sign ``username`` in through the login form; their session and CSRF cookies."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    jar = Jar()
    try:
        status, page = request(conn, jar, "GET", "/accounts/login/")
        assert status == 200, ("login page", status)
        status, _ = request(
            conn,
            jar,
            "POST",
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(page)},
        )
        assert status == 302 and "sessionid" in jar, (username, status, sorted(jar))
    finally:
        conn.close()
    return jar


# --- The society --------------------------------------------------------------------------


def members_with_logins(count: int) -> list[str]:
    """``count`` of the grown society's active members (with cover) given a login
    (username ``bench-member-<id>``) with the bench password, hashed once by the hasher
    the production settings use (Django's default, PBKDF2: the project names no other)
    and shared: a salt per user would cost one hashing per member and change nothing
    measured, since every member signs in before the measured part."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from members.models import Member

    user_model = get_user_model()
    members = list(
        Member.objects.filter(
            user__isnull=True, status=Member.Status.ACTIVE, member_number__startswith="M-B-"
        ).order_by("pk")[:count]
    )
    hasher = PBKDF2PasswordHasher()
    hashed = hasher.encode(PASSWORD, hasher.salt())
    users = user_model.objects.bulk_create(
        [user_model(username=f"bench-member-{m.pk}", password=hashed) for m in members]
    )
    for member, user in zip(members, users, strict=True):
        member.user = user
    Member.objects.bulk_update(members, ["user"])
    return [u.username for u in users]


# --- Serving -------------------------------------------------------------------------------


def production_env(*, static_root: str, bare_dir: str, secret_key: str) -> dict[str, str]:
    """The environment of a production deployment on 127.0.0.1 (see the module's doc)."""
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        raise SystemExit("portal-load serves with the production settings: set REDIS_URL.")
    return {
        "DJANGO_ENV": "production",
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "bench.disclosure_settings",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "STATIC_ROOT": static_root,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "BENCH_BARE_TEMPLATES": bare_dir,
    }


@contextlib.contextmanager
def production_server(*, workers: int, secret_key: str, log: Log) -> Iterator[tuple[int, str]]:
    """gunicorn with the production settings, its static files collected first into a
    scratch folder; yields (port, the bare view's path) once it answers."""
    from bench.disclosure_pages import _slug
    from bench.disclosure_urls import BARE_PREFIX

    scratch = tempfile.mkdtemp(prefix="bench-portal-")
    static_root, bare_dir = str(Path(scratch) / "static"), str(Path(scratch) / "bare")
    (Path(bare_dir) / "bench_bare").mkdir(parents=True)
    env = production_env(static_root=static_root, bare_dir=bare_dir, secret_key=secret_key)
    try:
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 - manage.py of this repository
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env}, check=True,
        )  # fmt: skip
        log(f"collectstatic in {time.perf_counter() - started:.1f} s")
        headers = {**HEADERS, "X-Forwarded-Proto": "https"}
        with gunicorn(env=env, workers=workers, probe=DISCLOSURE[0], headers=headers) as port:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            status, body = request(conn, Jar(), "GET", DISCLOSURE[0])
            conn.close()
            assert status == 200, (DISCLOSURE[0], status)
            # The page's own bytes as a static template (verbatim: nothing in it is
            # template syntax), so that the bare view answers exactly as many bytes.
            (Path(bare_dir) / "bench_bare" / f"{_slug(DISCLOSURE[0])}.html").write_bytes(
                b"{% verbatim %}" + body + b"{% endverbatim %}"
            )
            yield port, f"{BARE_PREFIX}{_slug(DISCLOSURE[0])}/"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# --- The load --------------------------------------------------------------------------------


class Tally:
    """Latencies of the expected answers and the other outcomes, per route (thread-safe
    enough: each client thread appends to lists, and dict updates hold the GIL)."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {route: [] for route in ROUTES}
        self.errors: dict[str, dict[str, int]] = {route: {} for route in ROUTES}
        self._lock = threading.Lock()

    def add(self, route: str, outcome: str, seconds: float, expected: set[str]) -> None:
        with self._lock:
            if outcome in expected:
                self.latencies[route].append(seconds)
            else:
                errors = self.errors[route]
                errors[outcome] = errors.get(outcome, 0) + 1


def _timed(
    conn: http.client.HTTPConnection,
    jar: Jar,
    method: str,
    path: str,
    form: dict[str, str] | None = None,
) -> tuple[str, bytes, float]:
    """(status or exception name, body, seconds) of one request."""
    begin = time.perf_counter()
    try:
        status, body = request(conn, jar, method, path, form)
        outcome = str(status)
    except (OSError, http.client.HTTPException) as exc:
        conn.close()  # reopened by the next request
        outcome, body = type(exc).__name__, b""
    return outcome, body, time.perf_counter() - begin


def drive(
    port: int,
    *,
    bare: str,
    meeting_id: int,
    motion_id: int,
    jars: list[Jar],
    requests: int,
    clients: int,
    changes_allowed: bool,
) -> tuple[Tally, float]:
    """``requests`` requests as visits in turn (member, anonymous, bare view) from
    ``clients`` threads; the tally and the seconds from the first to the last answer."""
    visits: queue.SimpleQueue = queue.SimpleQueue()
    cycles = requests // PER_CYCLE
    for n in range(cycles):
        visits.put(("member", n))
        visits.put(("anonymous", n))
        visits.put(("bare", n))
    tally = Tally()
    meeting = f"/assembly/{meeting_id}/"
    revote = {"200"} if changes_allowed else {"302"}

    def member(conn: http.client.HTTPConnection, n: int) -> None:
        jar = jars[n % len(jars)]
        outcome, _, took = _timed(conn, jar, "GET", "/me/")
        tally.add("dashboard", outcome, took, {"200"})
        outcome, page, took = _timed(conn, jar, "GET", meeting)
        tally.add("meeting", outcome, took, {"200"})
        token = _CSRF.search(page)
        if token is None:
            tally.add("vote", "no CSRF token", 0.0, set())
            return
        choice = ("for", "against", "abstain")[n % 3]
        form = {"csrfmiddlewaretoken": token.group(1).decode(), f"motion_{motion_id}": choice}
        outcome, _, took = _timed(conn, jar, "POST", f"{meeting}vote/", form)
        tally.add("vote", outcome, took, {"200"} if n < len(jars) else revote)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        while True:
            try:
                kind, n = visits.get_nowait()
            except queue.Empty:
                break
            if kind == "member":
                member(conn, n)
            elif kind == "anonymous":
                for route, path in zip(ROUTES[3:5], DISCLOSURE, strict=True):
                    outcome, _, took = _timed(conn, Jar(), "GET", path)
                    tally.add(route, outcome, took, {"200"})
            else:
                outcome, _, took = _timed(conn, Jar(), "GET", bare)
                tally.add("bare", outcome, took, {"200"})
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def warm_up(port: int, *, bare: str, meeting_id: int, jar: Jar, workers: int) -> None:
    """Every page a few times per worker, not counted (templates loaded, connections to
    PostgreSQL and Redis opened, the disclosure pages cached as in production)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    for _ in range(3 * workers):
        for path in ("/me/", f"/assembly/{meeting_id}/"):
            assert request(conn, jar, "GET", path)[0] == 200, path
        for path in (*DISCLOSURE, bare):
            assert request(conn, Jar(), "GET", path)[0] == 200, path
    conn.close()


# --- Queries per request, in-process -------------------------------------------------------


def count_queries(
    *, meeting_id: int, motion_id: int, username: str, secret_key: str
) -> dict[str, int]:
    """The queries of each route, in-process (``CaptureQueriesContext``) with the project's
    settings and Django's dummy cache (every page rendered afresh): a bench member who has
    voted reads /me/ and the assembly's page and changes their vote; an anonymous visitor
    reads the disclosure pages. Each count is of the route's second request (one-off loads
    not counted). The server's ``SECRET_KEY``: a change of vote unseals the ballot it
    supersedes with it (``governance.services.sealing``)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench.disclosure_pages import DUMMY_CACHE

    hosts = ["testserver", "127.0.0.1", "localhost"]
    meeting = f"/assembly/{meeting_id}/"
    vote = {f"motion_{motion_id}": "abstain"}
    member, anonymous = Client(headers=HEADERS), Client(headers=HEADERS)
    routes = {
        "dashboard": (member, "get", "/me/", None),
        "meeting": (member, "get", meeting, None),
        "vote": (member, "post", f"{meeting}vote/", vote),
        "disclosure": (anonymous, "get", DISCLOSURE[0], None),
        "disclosure_solvency": (anonymous, "get", DISCLOSURE[1], None),
    }
    out: dict[str, int] = {}
    with override_settings(ALLOWED_HOSTS=hosts, CACHES=DUMMY_CACHE, SECRET_KEY=secret_key):
        member.force_login(get_user_model().objects.get(username=username))
        for route, (client, method, path, data) in routes.items():
            assert getattr(client, method)(path, data).status_code == 200, route
            with CaptureQueriesContext(connection) as captured:
                response = getattr(client, method)(path, data)
            assert response.status_code == 200, (route, response.status_code)
            out[route] = len(captured.captured_queries)
    return out


# --- The benchmark ------------------------------------------------------------------------


def report(tally: Tally, seconds: float) -> dict:
    """Per route, the portal routes together (``total``) and the bare view: requests,
    rps over the measured time, p50/p95/p99 and errors; ``errors`` the count of them."""

    def merged(routes: tuple[str, ...]) -> dict:
        latencies = [v for r in routes for v in tally.latencies[r]]
        errors: dict[str, int] = {}
        for r in routes:
            for outcome, n in tally.errors[r].items():
                errors[outcome] = errors.get(outcome, 0) + n
        return summary(latencies, errors, seconds, p99=True)

    routes = {r: merged((r,)) for r in ROUTES if r != "bare"}
    return {
        "routes": routes,
        "total": merged(tuple(routes)),
        "bare": merged(("bare",)),
        "errors": sum(n for r in ROUTES for n in tally.errors[r].values()),
    }


def run(
    *,
    scale: int,
    log: Log,
    seed: bool = True,
    clients: int | None = None,
    requests: int | None = None,
    members: int | None = None,
    workers: int | None = None,
) -> dict:
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from bench.disclosure_pages import build, last_quarter_end, society_start
    from bench.governance_tally import open_meeting
    from governance.models import Ballot

    workers = option(workers, "BENCH_GUNICORN_WORKERS", WORKERS)
    clients = option(clients, "BENCH_CLIENTS", CLIENTS_PER_WORKER * workers)
    requests = option(requests, "BENCH_REQUESTS", REQUESTS)
    members = option(members, "BENCH_MEMBERS", MEMBERS)
    society = society_start(seed=seed, log=log)
    build(society, scale, last_quarter_end(timezone.localdate()), log)
    usernames = members_with_logins(members)
    # The convening notices' e-mails kept in memory, not printed on stdout.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        meeting, motion = open_meeting(title="bench portal load", log=log)
    changes_allowed = meeting.articles.vote_changes_allowed
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    secret_key = secrets.token_urlsafe(50)
    with production_server(workers=workers, secret_key=secret_key, log=log) as (port, bare):
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            jars = list(pool.map(lambda name: sign_in(port, name), usernames))
        log(f"{len(jars)} members signed in in {time.perf_counter() - started:.1f} s")
        warm_up(port, bare=bare, meeting_id=meeting.pk, jar=jars[0], workers=workers)
        load_before = os.getloadavg()[0]
        tally, seconds = drive(
            port, bare=bare, meeting_id=meeting.pk, motion_id=motion.pk, jars=jars,
            requests=requests, clients=clients, changes_allowed=changes_allowed,
        )  # fmt: skip
        # The machine's other work weighs on every number: say how busy it was.
        load_after = os.getloadavg()[0]
    out = report(tally, seconds)
    voters = min(requests // PER_CYCLE, len(jars))
    ballots = Ballot.objects.filter(motion=motion, counted=True).count()
    queries = count_queries(
        meeting_id=meeting.pk, motion_id=motion.pk, username=usernames[0], secret_key=secret_key
    )
    log(f"queries per request: {queries}")
    log(
        f"{requests // PER_CYCLE * PER_CYCLE} requests in {seconds:.1f} s by {clients} clients "
        f"on {workers} workers; load average {load_before:.2f} before, {load_after:.2f} after"
    )
    for route, numbers in (*out["routes"].items(), ("total", out["total"]), ("bare", out["bare"])):
        log(
            f"{route:<20} {numbers['requests']:>6} req {numbers['rps']:>7.1f} rps  p50 "
            f"{numbers['p50_ms']:>7.1f}  p95 {numbers['p95_ms']:>7.1f}  p99 "
            f"{numbers['p99_ms']:>7.1f} ms  errors {numbers['errors']}"
        )
    return {
        **out,
        "seconds": out["total"]["p95_ms"] / 1000,
        "baseline_seconds": out["bare"]["p95_ms"] / 1000,
        "members": scale,
        "signed_in_members": len(jars),
        "voters": voters,
        "ballots_counted": ballots,
        "vote_changes_allowed": changes_allowed,
        "queries": queries,
        "measured_seconds": round(seconds, 2),
        "clients": clients,
        "gunicorn_workers": workers,
        "cpus": os.cpu_count(),
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "target_met": out["errors"] == 0 and out["total"]["p95_ms"] < 200,
    }
