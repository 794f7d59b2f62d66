"""The public pages' and API's cache, cleared whenever something is published.

Every cached answer's key carries the current *generation*, a number kept in the cache
itself; publishing, correcting or withdrawing bumps it (after the commit), so every
earlier answer is ignored at once without knowing their keys (the cache backends the
project uses cannot delete by pattern). With the cache down (Redis unreachable) the
project's cache degrades to none: pages are rendered afresh, never an error.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction

from mutualsociety.common.services import outbox_enqueue

GENERATION_KEY = "disclosure:generation"
#: How long a cached page lives at most (publishing clears it at once anyway).
TIMEOUT = 15 * 60


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = 1
        cache.add(GENERATION_KEY, value, timeout=None)
    return int(value)


def cache_key(name: str) -> str:
    """The key of a cached answer named ``name`` in the current generation."""
    return f"disclosure:{generation()}:{name}"


def generation_bump() -> None:
    """Move to the next generation: every cached answer is forgotten at once.

    When the cache is unreachable (Redis down) the bump cannot be made, and the pages
    Redis kept from before would be served again, without what was published meanwhile,
    once it is back. So the bump then waits in the outbox, which the relay hands to the
    broker (the same Redis) when it answers again, and a worker makes it.
    """
    try:
        cache.incr(GENERATION_KEY)
        return
    except ValueError:  # not there (expired, evicted, the cache is new) or unreachable
        pass
    if cache.add(GENERATION_KEY, 2, timeout=None) or cache.get(GENERATION_KEY) is not None:
        return
    from .tasks import cache_clear  # tasks sit above

    outbox_enqueue(task=cache_clear, key=f"disclosure.cache_clear:{uuid.uuid4().hex}")


def disclosure_cache_clear() -> None:
    """Forget every cached public answer once the current transaction commits."""
    transaction.on_commit(generation_bump)


#: The query parameters any public page or API answer depends on; others (``?x=1``,
#: tracking tags) do not make another cached copy, so they cannot fill the cache.
MEANINGFUL_PARAMETERS = frozenset(
    {"kind", "period", "year", "page", "key", "limit", "offset", "quarters", "plan"}
)


def request_key(request) -> str:
    """The part of a cache key that comes from the address: the path and only the
    meaningful query parameters, in a fixed order."""
    pairs = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name in MEANINGFUL_PARAMETERS
        for value in values
    )
    query = urlencode(pairs)
    return f"{request.path}?{query}" if query else request.path
