"""PostgreSQL restarted under load (issue 14, "Faults"): a private cluster behind gunicorn
(two sync workers) is restarted with ``pg_ctl restart -m fast`` while threads record
payments through the API (each with its Idempotency-Key: a payment, its allocations and
a journal entry) and read pages. Every answer is a success or a clean 503; no payment is
half-saved; the same gunicorn workers serve again at once (connection health checks);
the ledger is sound on that database.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from tests.faults.ledger import assert_ledger_sound
from tests.faults.services import (
    Browser,
    app_environment,
    connected_to,
    gunicorn,
    private_cluster,
)
from tests.members.factories import member_make, user_with_perms

pytestmark = [pytest.mark.postgres]

PASSWORD = "fault-tolerant-cashier-2026"
AMOUNT = "10.00"


def password_gunicorn_accepts(user) -> None:
    """The suite hashes with MD5 for speed, which the served settings do not accept: the
    default hasher, with few iterations (upgraded at the first sign-in)."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    user.save(update_fields=["password"])


@dataclass
class Answer:
    started: float
    what: str
    status: int | None
    body: str
    retry_after: str | None = None
    key: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in (200, 201)

    @property
    def clean_error(self) -> bool:
        """503 with Retry-After: the API's error shape, or the standalone error page."""
        if self.status != 503 or self.retry_after != "30" or "Traceback" in self.body:
            return False
        if self.what.startswith("api"):
            return '"code":"unavailable"' in self.body.replace(" ", "")
        return "Error 503" in self.body


class Load:
    """Threads that write and read until stopped; every answer kept."""

    def __init__(self, base: str, members: list[int]) -> None:
        self.base = base
        self.members = members
        self.answers: list[Answer] = []
        self.transport_errors: list[str] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._keys = itertools.count()
        self.threads: list[threading.Thread] = []
        self._session = None

    def browser(self) -> Browser:
        """A browser of the cashier's session (signed in once: a sign-in hashes)."""
        browser = Browser(self.base)
        if self._session is None:
            assert browser.sign_in("cashier", PASSWORD).status_code == 302
            self._session = browser.cookies.copy()
        else:
            browser.cookies.update(self._session)
        return browser

    def _keep(self, answer: Answer) -> None:
        with self._lock:
            self.answers.append(answer)

    def _call(self, browser: Browser, what: str, method: str, path: str, **kwargs) -> None:
        started = time.monotonic()
        key = kwargs.get("headers", {}).get("Idempotency-Key")
        try:
            response = browser.request(method, path, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a dropped connection is the finding
            self.transport_errors.append(f"{what} {path}: {exc!r}")
            return
        self._keep(
            Answer(
                started, what, response.status_code, response.text,
                response.headers.get("Retry-After"), key,
            )
        )  # fmt: skip

    def writer(self, browser: Browser, number: int) -> None:
        today = timezone.localdate().isoformat()
        while not self.stopping.is_set():
            n = next(self._keys)
            member = self.members[n % len(self.members)]
            self._call(
                browser, "api write", "POST", f"/api/v1/members/{member}/payments/",
                json={"amount": AMOUNT, "received_on": today, "provider": "bank_transfer",
                      "reference": f"LOAD {n}"},
                headers={"Idempotency-Key": f"load-{number}-{n}"},
            )  # fmt: skip

    def reader(self, browser: Browser) -> None:
        pages = itertools.cycle(
            [("api read", f"/api/v1/members/{m}/") for m in self.members]
            + [("page", "/disclosure/"), ("page", "/")]
        )
        while not self.stopping.is_set():
            what, path = next(pages)
            self._call(browser, what, "GET", path)

    def start(self, writers: int = 3, readers: int = 2) -> None:
        """Sign every thread's browser in first, then let them all go."""
        self.threads = [
            threading.Thread(target=self.writer, args=(self.browser(), i), daemon=True)
            for i in range(writers)
        ] + [
            threading.Thread(target=self.reader, args=(self.browser(),), daemon=True)
            for _ in range(readers)
        ]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)


def sequential_gets(base: str, count: int) -> list[int]:
    browser = Browser(base)
    return [browser.get("/accounts/login/").status_code for _ in range(count)]


@pytest.mark.django_db(transaction=True)
def test_a_restart_under_load_fails_requests_cleanly_and_saves_nothing_by_halves(
    chart_of_accounts, tmp_path
):
    members = [member_make().pk for _ in range(3)]
    cashier = user_with_perms("cashier", "members.add_payment", "members.view_member")
    password_gunicorn_accepts(cashier)
    began = time.monotonic()

    with private_cluster() as cluster:
        cluster.copy_from(connection.settings_dict)
        env = app_environment(database_url=cluster.url, redis_url="", var_dir=tmp_path / "var")
        with gunicorn(env, tmp_path, workers=2) as server:
            workers = server.worker_pids()
            load = Load(server.url, members)
            load.start()
            time.sleep(2.5)
            restart_seconds = cluster.restart()
            restarted_at = time.monotonic()
            time.sleep(2.5)
            load.stop()

            # Quiet, each worker holding a persistent connection: restart again, and the
            # very next requests succeed (the stale connection is found and replaced
            # before use: CONN_HEALTH_CHECKS).
            assert set(sequential_gets(server.url, 8)) == {200}
            cluster.restart()
            after_quiet_restart = sequential_gets(server.url, 8)

            # Every write sent again with its key: recorded once, whatever it answered.
            replays = Load(server.url, members).browser()
            today = timezone.localdate().isoformat()
            written = [a for a in load.answers if a.key]
            replayed = {}
            for answer in written:
                n = int(answer.key.rsplit("-", 1)[1])
                response = replays.post(
                    f"/api/v1/members/{members[n % len(members)]}/payments/",
                    json={"amount": AMOUNT, "received_on": today, "provider": "bank_transfer",
                          "reference": f"LOAD {n}"},
                    headers={"Idempotency-Key": answer.key},
                )  # fmt: skip
                replayed[answer.key] = response.status_code
            same_workers = server.worker_pids() == workers
        log = server.log.read_text(errors="replace")

        with connected_to(cluster.url):
            from ledger.models import JournalEntry
            from members.models import Payment

            payments = Payment.objects.filter(idempotency_key__startswith="load-")
            entries = JournalEntry.objects.filter(
                idempotency_key__startswith="members.payment:load-"
            )
            half_saved = [
                p.idempotency_key
                for p in payments.select_related("ledger_entry").prefetch_related(
                    "allocations", "ledger_entry__postings"
                )
                if sum((a.amount for a in p.allocations.all()), 0) != p.allocated_amount
                or p.ledger_entry.idempotency_key != f"members.payment:{p.idempotency_key}"
                or sum(x.amount for x in p.ledger_entry.postings.all() if x.amount > 0) != p.amount
                or sum(x.amount for x in p.ledger_entry.postings.all()) != 0
            ]
            payment_keys = set(payments.values_list("idempotency_key", flat=True))
            entry_count = entries.count()
            cash = payments.aggregate(total=Sum("amount"))["total"]
            assert_ledger_sound()
    took = time.monotonic() - began

    unclean = [a for a in load.answers if not (a.ok or a.clean_error)]
    assert load.transport_errors == []
    assert unclean == [], [(a.what, a.status, a.body[:300]) for a in unclean]
    assert "Traceback" not in log, log[-3000:]
    failed = [a for a in load.answers if not a.ok]
    assert failed, "the restart cost no request: the test did not hit it"
    before = [a for a in load.answers if a.started < restarted_at - restart_seconds]
    after = [a for a in load.answers if a.started > restarted_at]
    assert before and after
    # Requests that began once PostgreSQL accepted connections again all succeeded.
    assert [a for a in after if not a.ok] == []
    assert after_quiet_restart == [200] * 8
    assert same_workers, "gunicorn had to restart a worker"

    # Whole or absent: every key is one payment now, each complete; no entry without it.
    assert set(replayed.values()) <= {200, 201}
    assert {a.key for a in written if a.ok} <= {k for k, s in replayed.items() if s == 200}
    assert payment_keys == {a.key for a in written}
    assert half_saved == []
    assert entry_count == len(payment_keys)
    assert cash == len(payment_keys) * 10
    print(
        f"\n{len(load.answers)} answers ({len(failed)} 503) during a {restart_seconds:.1f} s "
        f"restart, {len(payment_keys)} payments, {took:.1f} s in all"
    )
