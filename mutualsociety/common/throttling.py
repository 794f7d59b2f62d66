"""The API's rate limits (README: ``API_THROTTLE_ANON``, ``API_THROTTLE_USER``, and scopes).

Every operation is throttled by ``AnonRateThrottle`` and ``UserRateThrottle`` (the
``DEFAULT_THROTTLE_CLASSES`` in settings); a view that names its own throttles keeps
these two and adds a scope (``ScopedRateThrottle``). A throttled request answers 429 in
the API's error shape with ``Retry-After``.

DRF's classes read the rates once, at import; these read them on each request, so a
changed setting applies. The counters live in the cache: when Redis is unreachable the
cache answers a miss (``mutualsociety.common.cache``) and requests are let through.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework import throttling
from rest_framework.settings import api_settings


class _RateFromSettings:
    scope: str | None

    def get_rate(self) -> str | None:
        try:
            rate = api_settings.DEFAULT_THROTTLE_RATES[self.scope or ""]
        except KeyError as exc:
            raise ImproperlyConfigured(
                f"No throttle rate is set for the scope {self.scope!r} "
                "(REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])."
            ) from exc
        return None if rate is None else str(rate)


class AnonRateThrottle(_RateFromSettings, throttling.AnonRateThrottle):
    """Anonymous requests, per client address: ``API_THROTTLE_ANON``."""


class UserRateThrottle(_RateFromSettings, throttling.UserRateThrottle):
    """Requests per signed-in user (anonymous ones per address): ``API_THROTTLE_USER``."""


class ScopedRateThrottle(_RateFromSettings, throttling.ScopedRateThrottle):
    """Requests to the views of one ``throttle_scope``, per user or address."""


#: What a view that adds a throttle of its own lists first.
DEFAULT_THROTTLES = [AnonRateThrottle, UserRateThrottle]
