"""Test set-up shared by the whole suite.

Tests that need PostgreSQL or Redis carry ``@pytest.mark.postgres`` / ``@pytest.mark.redis``.
On a bare machine (no DATABASE_URL / REDIS_URL) they are skipped with the reason; in CI
(``CI`` set) a test that would be skipped stops the run instead, so nothing is silently
left out there.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _has_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _has_redis() -> bool:
    return bool(settings.REDIS_URL)


def pytest_collection_modifyitems(config, items):
    needs = {
        "postgres": (_has_postgres(), "needs PostgreSQL: set DATABASE_URL=postgres://..."),
        "redis": (_has_redis(), "needs Redis: set REDIS_URL=redis://..."),
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

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    from django.core.cache import cache

    cache.clear()
