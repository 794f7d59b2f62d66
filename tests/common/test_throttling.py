"""The API's rate limits (API_THROTTLE_ANON, API_THROTTLE_USER) hold for every operation:
past the rate, 429 in the one error shape with Retry-After."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from mutualsociety.common.throttling import AnonRateThrottle, UserRateThrottle
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/"


@pytest.fixture
def client(client):
    """The test client, asking for English answers (the default language is Chinese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def rates(settings, **changed: str) -> None:
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            **changed,
        },
    }


def api_views(patterns=None, prefix: str = ""):
    """Every DRF view the URLconf routes to, with its route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from api_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None) or getattr(
                pattern.callback, "view_class", None
            )
            if isinstance(view, type) and issubclass(view, APIView):
                yield prefix + str(pattern.pattern), view


def test_every_api_operation_has_the_anonymous_and_the_user_rate():
    views = list(api_views())

    assert len(views) > 20  # the walk found the API
    missing = [
        route
        for route, view in views
        if not {AnonRateThrottle, UserRateThrottle} <= set(view.throttle_classes)
    ]
    assert missing == []


def test_the_default_rates_refuse_the_121st_anonymous_request_in_a_minute(client):
    """With the README's defaults (120 a minute): the 121st answers 429."""
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] == "120/minute"

    statuses = [client.get(URL).status_code for _ in range(121)]

    assert statuses[:120] == [200] * 120
    assert statuses[120] == 429


def test_anonymous_requests_past_the_anon_rate_answer_429(client, settings):
    """Counted per address across operations; the refusal is in the error shape and says
    when to retry."""
    rates(settings, anon="3/minute")

    assert client.get(URL).status_code == 200
    assert client.get("/api/v1/governance/receipts/no-such-code/").status_code == 404
    assert client.get(URL).status_code == 200
    response = client.get(URL)

    error = assert_error(response, 429, "throttled")
    assert "Request was throttled" in error["message"]
    assert int(response["Retry-After"]) > 0
    other_address = client.get(URL, REMOTE_ADDR="127.0.0.2")
    assert other_address.status_code == 200


def test_signed_in_requests_past_the_user_rate_answer_429(client, settings, make_user):
    """Counted per user: another user still gets through."""
    rates(settings, anon="100/minute", user="2/minute")
    client.force_login(make_user("first"))

    assert [client.get(URL).status_code for _ in range(2)] == [200, 200]
    assert_error(client.get(URL), 429, "throttled")

    client.force_login(make_user("second"))
    assert client.get(URL).status_code == 200


def test_the_enrolment_scope_still_applies_on_top(client, settings):
    """A view's own scope adds to the default rates, it does not replace them."""
    from members.api import EnrolmentApi, EnrolmentThrottle

    assert EnrolmentApi.throttle_classes == [AnonRateThrottle, UserRateThrottle, EnrolmentThrottle]
    rates(settings, anon="1/minute", enrolment="100/hour")
    body = {"plan": "nope"}

    first = client.post("/api/v1/enrolment/", body, content_type="application/json")
    assert first.status_code == 400
    refused = client.post("/api/v1/enrolment/", body, content_type="application/json")
    assert_error(refused, 429, "throttled")
