"""mutualsociety.common.cache.RedisCache: a miss, never an error, when Redis is down."""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from mutualsociety.common import cache as resilient_cache


def cache_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "mutualsociety.cache"]


def test_with_redis_down_every_operation_answers_as_a_miss(redis_down, caplog):
    """Reads give the default, writes do nothing, and none raises; one warning only."""
    started = time.monotonic()

    assert cache.get("k") is None
    assert cache.get("k", "default") == "default"
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    assert cache.touch("k") is False
    assert cache.delete("k") is False
    cache.set_many({"a": 1})
    cache.delete_many(["a"])
    assert cache.clear() is False
    with pytest.raises(ValueError, match="not found"):
        cache.incr("k")

    assert time.monotonic() - started < 5
    (warning,) = cache_warnings(caplog)
    assert "unreachable" in warning


def test_after_a_failure_redis_is_left_alone_for_a_few_seconds(redis_down, monkeypatch):
    """A dead server costs one attempt per pause, not one per call; after the pause the
    cache tries again."""
    calls = []
    real_get = resilient_cache.RedisCacheClient.get

    def counting_get(self, key, default):
        calls.append(key)
        return real_get(self, key, default)

    monkeypatch.setattr(resilient_cache.RedisCacheClient, "get", counting_get)
    clock = [1000.0]
    monkeypatch.setattr(resilient_cache.time, "monotonic", lambda: clock[0])

    for _ in range(5):
        cache.get("k")
    assert len(calls) == 1

    clock[0] += resilient_cache.RETRY_AFTER + 0.1
    cache.get("k")
    assert len(calls) == 2


def test_the_outage_is_logged_once_a_minute_at_most(redis_down, monkeypatch, caplog):
    clock = [1000.0]
    monkeypatch.setattr(resilient_cache.time, "monotonic", lambda: clock[0])

    for _ in range(6):  # an attempt every RETRY_AFTER seconds, for 30 seconds
        cache.get("k")
        clock[0] += resilient_cache.RETRY_AFTER + 0.1
    assert len(cache_warnings(caplog)) == 1

    clock[0] += resilient_cache.WARN_EVERY
    cache.get("k")
    assert len(cache_warnings(caplog)) == 2


@pytest.mark.redis
def test_with_redis_up_the_cache_works_and_says_when_it_is_back(settings, caplog):
    """Against the real Redis: values round-trip; after an outage, one line says the
    cache answers again."""
    settings.CACHES = {
        "default": {
            "BACKEND": "mutualsociety.common.cache.RedisCache",
            "LOCATION": django_settings.REDIS_URL,
            "KEY_PREFIX": "test-cache",
        }
    }
    outage = resilient_cache._Outage()
    resilient_cache.outage, saved = outage, resilient_cache.outage
    try:
        outage.failed(django_settings.REDIS_URL, ConnectionError("gone"))
        outage._down_until.clear()  # the pause is over

        cache.delete_many(["greeting", "counter"])
        cache.set("greeting", {"text": "你好"}, 30)
        assert cache.get("greeting") == {"text": "你好"}
        assert cache.add("counter", 1, 30) is True
        assert cache.incr("counter") == 2
        cache.delete_many(["greeting", "counter"])
    finally:
        resilient_cache.outage = saved
    assert cache_warnings(caplog)[-1] == "The cache (Redis) answers again."
