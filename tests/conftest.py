"""Test set-up shared by the whole suite.

Tests that need PostgreSQL or Redis carry ``@pytest.mark.postgres`` / ``@pytest.mark.redis``;
the browser journeys also ``@pytest.mark.browser`` (Debian's Chromium at /usr/bin/chromium).
On a bare machine (no DATABASE_URL / REDIS_URL) they are skipped with the reason; in CI
(``CI`` set) a test that would be skipped stops the run instead, so nothing is silently
left out there.
"""

from __future__ import annotations

import os
import socket

import pytest
from django.conf import settings

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _has_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _has_redis() -> bool:
    return bool(settings.REDIS_URL)


def _has_browser() -> bool:
    """Debian's Chromium (never a browser a tool downloads) and Playwright to drive it."""
    import importlib.util
    from pathlib import Path

    chromium = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    return chromium.exists() and importlib.util.find_spec("playwright") is not None


def pytest_collection_modifyitems(config, items):
    needs = {
        "postgres": (_has_postgres(), "needs PostgreSQL: set DATABASE_URL=postgres://..."),
        "redis": (_has_redis(), "needs Redis: set REDIS_URL=redis://..."),
        "browser": (_has_browser(), "needs Chromium: apt-get install chromium fonts-noto-cjk"),
    }
    missing_in_ci = []
    for item in items:
        for marker, (available, reason) in needs.items():
            if marker in item.keywords and not available:
                if IN_CI:
                    missing_in_ci.append(f"{item.nodeid} ({reason})")
                else:
                    item.add_marker(pytest.mark.skip(reason=reason))
    if missing_in_ci:
        raise pytest.UsageError(
            "CI must run every test, but these would be skipped:\n  " + "\n  ".join(missing_in_ci)
        )


@pytest.fixture(autouse=True)
def _test_defaults(settings):
    """Per-test isolation: a private cache, tasks run in-process, mail kept in memory."""
    from mutualsociety.celery import app as celery_app

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    from django.core.cache import cache

    cache.clear()


# --- Totals printed at the end of the run ------------------------------------------------
# The requests tests/project/test_schemathesis.py sends and the cells the access matrix
# asks, from every xdist worker (here, not in tests/project/conftest.py: with xdist only
# this conftest is loaded by the process that prints the summary).
_totals = {"requests": 0, "tests": 0, "matrix_page_cells": 0, "matrix_api_cells": 0}


def pytest_runtest_logreport(report):
    if report.when != "teardown":
        return
    for name, value in report.user_properties:
        if name == "schemathesis_requests":
            _totals["requests"] += value
            _totals["tests"] += 1
        elif name in ("matrix_page_cells", "matrix_api_cells"):
            _totals[name] += value


def pytest_terminal_summary(terminalreporter):
    if _totals["tests"]:
        terminalreporter.write_line(
            f"schemathesis: {_totals['requests']} requests in {_totals['tests']} tests"
        )
    if _totals["matrix_page_cells"] or _totals["matrix_api_cells"]:
        terminalreporter.write_line(
            f"access matrix: {_totals['matrix_page_cells']} page cells and "
            f"{_totals['matrix_api_cells']} API cells (person x address)"
        )


# --- Shared fixtures ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """A fast hasher: the production one takes most of a second per password by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# People are created the way staff create them (a user, then a role group from
# accounts.roles); everything else is set up through the services.

PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def password() -> str:
    """The password of every user made by ``make_user``."""
    return PASSWORD


@pytest.fixture
def make_user(db):
    """Make a user, optionally staff and in the groups of the given role slugs."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import ROLE_BY_SLUG

    def make(username: str, *, roles: tuple[str, ...] = (), is_staff: bool = False, **extra):
        user = get_user_model().objects.create_user(
            username=username, password=PASSWORD, is_staff=is_staff, **extra
        )
        for slug in roles:
            user.groups.add(Group.objects.get(name=ROLE_BY_SLUG[slug].group_name))
        return user

    return make


@pytest.fixture
def finance_user(make_user):
    """A staff member in the finance role (may post manual journal entries)."""
    return make_user("finance", roles=("finance",), is_staff=True)


@pytest.fixture
def regulator_user(make_user):
    """A regulator's read-only account."""
    return make_user("regulator", roles=("regulator",), is_staff=True)


@pytest.fixture
def plain_user(make_user):
    """A signed-in person without any staff role."""
    return make_user("member")


@pytest.fixture
def chart_of_accounts(transactional_db):
    """The chart of accounts of ledger migrations 0002 and 0004 (and members 0008), for
    transactional tests.

    A transactional test ends by emptying every table; the post_migrate handlers bring
    back permissions, roles and the schedule, but data migrations do not run again.
    """
    from importlib import import_module

    from django.apps import apps

    # A module name starting with a digit needs importlib.
    import_module("ledger.migrations.0002_chart_of_accounts").seed_chart(apps, None)
    control = import_module("ledger.migrations.0004_account_manual_postings_allowed")
    control.close_control_accounts(apps, None)
    # 2241 refunds payable, seeded by the members migration that brings plan wind-downs.
    import_module("members.migrations.0010_wind_down").add_refunds_payable(apps, None)


# --- Redis down, and back ----------------------------------------------------------------


def closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings, monkeypatch):
    """Redis is down: the Celery broker and the cache point at a closed port, and tasks
    go through the broker instead of running in-process. Returns that Redis URL."""
    from mutualsociety.celery import app as celery_app
    from mutualsociety.common import cache as resilient_cache

    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "mutualsociety.common.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    monkeypatch.setattr(resilient_cache, "outage", resilient_cache._Outage())
    monkeypatch.setattr(celery_app.conf, "broker_url", url)
    # Not monkeypatch: it reads this setting back as "not set" and fails to restore it.
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield url
    celery_app.conf.task_always_eager = eager


class BrokerBack:
    """The real Redis (``REDIS_URL``) as the broker again, every task routed to a queue of
    this test's own (no other worker takes its messages)."""

    def __init__(self, monkeypatch) -> None:
        import uuid

        from celery.app.routes import Router, prepare

        from mutualsociety.celery import app as celery_app

        self.app = celery_app
        self.queue = f"test-outbox-{uuid.uuid4().hex[:12]}"
        monkeypatch.setattr(celery_app.conf, "broker_url", settings.REDIS_URL)
        router = Router(
            prepare({"*": {"queue": self.queue}}), celery_app.amqp.queues, True, app=celery_app
        )
        monkeypatch.setattr(celery_app.amqp, "router", router)

    @property
    def redis(self):
        import redis

        return redis.Redis.from_url(settings.REDIS_URL)

    def messages(self) -> list[dict]:
        """The messages waiting in the queue: {"id", "task", "args", "kwargs"}."""
        import base64
        import json

        found = []
        for raw in self.redis.lrange(self.queue, 0, -1):
            envelope = json.loads(raw)
            args, kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
            headers = envelope["headers"]
            found.append(
                {"id": headers["id"], "task": headers["task"], "args": args, "kwargs": kwargs}
            )
        return found

    def run_all(self) -> int:
        """Take every waiting message and run it here, as a worker would; return how many."""
        messages = self.messages()
        self.redis.delete(self.queue)
        for message in messages:
            self.app.tasks[message["task"]].apply(
                args=message["args"], kwargs=message["kwargs"], task_id=message["id"]
            )
        return len(messages)

    def clean(self) -> None:
        self.redis.delete(self.queue, f"_kombu.binding.{self.queue}")


@pytest.fixture
def broker_back(monkeypatch):
    """Call it to bring the broker back (the real Redis) after ``redis_down``."""
    made: list[BrokerBack] = []

    def back() -> BrokerBack:
        made.append(BrokerBack(monkeypatch))
        return made[-1]

    yield back
    for broker in made:
        broker.clean()
