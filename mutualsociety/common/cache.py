"""A Redis cache that degrades instead of failing.

The cache holds nothing that cannot be lost (API throttle counters); Redis being down
must not turn a request into a server error. ``RedisCache`` is Django's own backend whose
client answers as a miss when Redis does not (``get`` gives the default, ``set`` does
nothing, ``add`` and ``delete`` say False). After a failure it leaves Redis alone for a
few seconds, so that a dead server costs one short timeout now and then, not one per
request, and it logs one warning a minute at most while Redis stays unreachable.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

logger = logging.getLogger("mutualsociety.cache")

#: Seconds to leave Redis alone after a failure.
RETRY_AFTER = 5.0
#: Seconds between two warnings about the same outage.
WARN_EVERY = 60.0


class _Outage:
    """When each server last failed, shared by the threads of a process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down_until: dict[str, float] = {}
        self._warned_at: dict[str, float] = {}

    def is_down(self, server: str) -> bool:
        return time.monotonic() < self._down_until.get(server, 0.0)

    def failed(self, server: str, exc: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until[server] = now + RETRY_AFTER
            warn = now - self._warned_at.get(server, -WARN_EVERY) >= WARN_EVERY
            if warn:
                self._warned_at[server] = now
        if warn:
            logger.warning(
                "The cache (Redis) is unreachable: %s. Carrying on without it (throttles "
                "allow requests) and trying again every %d s.",
                exc,
                RETRY_AFTER,
            )

    def answered(self, server: str) -> None:
        if server in self._warned_at:
            with self._lock:
                recovered = self._warned_at.pop(server, None) is not None
                self._down_until.pop(server, None)
            if recovered:
                logger.warning("The cache (Redis) answers again.")


outage = _Outage()


class DegradingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, answering a miss when Redis is unreachable."""

    def __init__(self, servers, **options) -> None:
        super().__init__(servers, **options)
        lib = self._lib  # type: ignore[attr-defined] # redis, as Django's client loads it
        self._errors = (lib.exceptions.ConnectionError, lib.exceptions.TimeoutError)
        self._server = str(servers[0]) if servers else ""

    def _call(self, miss, method, *args):
        if outage.is_down(self._server):
            return miss
        try:
            result = method(*args)
        except self._errors as exc:
            outage.failed(self._server, exc)
            return miss
        outage.answered(self._server)
        return result

    def add(self, key, value, timeout):
        return self._call(False, super().add, key, value, timeout)

    def get(self, key, default):
        return self._call(default, super().get, key, default)

    def set(self, key, value, timeout):
        return self._call(None, super().set, key, value, timeout)

    def touch(self, key, timeout):
        return self._call(False, super().touch, key, timeout)

    def delete(self, key):
        return self._call(False, super().delete, key)

    def get_many(self, keys):
        return self._call({}, super().get_many, keys)

    def has_key(self, key):
        return self._call(False, super().has_key, key)

    def incr(self, key, delta):
        missing = object()
        result = self._call(missing, super().incr, key, delta)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return result

    def set_many(self, data, timeout):
        return self._call(None, super().set_many, data, timeout)

    def delete_many(self, keys):
        return self._call(None, super().delete_many, keys)

    def clear(self):
        return self._call(False, super().clear)


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that degrades to misses (above)."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = DegradingRedisCacheClient
