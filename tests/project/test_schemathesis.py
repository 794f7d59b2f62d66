"""Schemathesis fuzzes every operation of the OpenAPI schema through the WSGI app (issue 14).

Anonymous, as a member and as staff in every role (with an authenticator used in the
session, so no two-factor rule refuses them), requests generated from the schema - valid
and invalid parameters and bodies, path ids of the society's real objects or made up - are
sent to the Django app in-process (no network) and each answer must: not be a 5xx; have a
status code the schema documents for the operation; have the content type and the body
the schema documents (paginated lists included); and, when it is a 4xx, be the API's one
error shape ``{"error": {"code", "message", "fields"}}``. Writes are fuzzed too and rolled
back with each test.

Bounded for CI: a few examples per operation and caller, derandomized (the same requests
on every run); the number of requests is printed at the end of the run
(tests/project/conftest.py).
"""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from rest_framework.views import APIView
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.project import api_world
from tests.project.test_api_fuzz import PATH_VALUES

# Fuzzed query strings make cache keys longer than memcached's 250 characters; the cache is
# Redis (no such limit), so Django's warning about them is noise here.
pytestmark = pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning")

EXAMPLES = 8  # per operation and caller
CSRF = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # a well-formed token, sent as cookie and header

_RAW = SchemaGenerator().get_schema(request=None, public=True)
_APP = get_wsgi_application()

# Staff reach every operation's validation: for them schemathesis also runs its coverage
# phase (boundary values and each way to break each parameter, about 50 requests per
# operation). Anonymous callers and the member get the random phase only.
schema = schemathesis.openapi.from_dict(_RAW)
schema.app = _APP
schema_random = schemathesis.openapi.from_dict(
    _RAW, config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
)
schema_random.app = _APP


def error_shape(ctx, response, case) -> None:
    """A 4xx answer of the API is ``{"error": {"code", "message", "fields"}}``: a code and
    a message that are non-empty strings, and for each field a list of messages."""
    if not 400 <= response.status_code < 500:
        return None
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, f"not the error shape: {body!r}"
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, f"not the error shape: {body!r}"
    assert isinstance(error["code"], str) and error["code"], body
    assert isinstance(error["message"], str) and error["message"].strip(), body
    assert isinstance(error["fields"], dict), body
    for name, messages in error["fields"].items():
        assert isinstance(name, str), body
        assert messages and all(isinstance(m, str) and m for m in messages), body
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    error_shape,
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The society of tests/project/api_world.py, built once per module (and worker) in a
    transaction rolled back at the end; each test's writes roll back to it."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = api_world.build()
            sessions = {
                "member": api_world.sign_in(built.member.user).cookies["sessionid"].value,
                "staff": api_world.sign_in(built.staff).cookies["sessionid"].value,
            }
            yield built, sessions
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    """Hundreds of requests from one client: this test is about answers, not rates."""
    monkeypatch.setattr(APIView, "check_throttles", lambda self, request: None)


@pytest.fixture
def counter(request):
    """Counts the requests of one test; conftest.py adds them up for the run."""
    counted = {"requests": 0}
    yield counted
    request.node.user_properties.append(("schemathesis_requests", counted["requests"]))


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _call_and_validate(case, who, world, counter) -> None:
    built, sessions = world
    # Half of the requests with path ids (chosen by a checksum of the generated values,
    # the same on every run) go to the society's objects, the member's own where the
    # member has one, so that they reach the operation and not only its "not found".
    if case.path_parameters and zlib.crc32(repr(case.path_parameters).encode()) % 2:
        for name in case.path_parameters:
            if name in PATH_VALUES:
                case.path_parameters[name] = built.ids[PATH_VALUES[name]]
    headers = {"Accept-Language": "en"}
    cookies = {}
    if who != "anon":
        cookies = {"sessionid": sessions[who], "csrftoken": CSRF}
        headers["X-CSRFToken"] = CSRF
    with translation.override("en"):
        response = case.call(headers=headers, cookies=cookies)
    counter["requests"] += 1
    case.validate_response(response, checks=CHECKS, headers=headers)


@pytest.mark.django_db
@schema.parametrize()
@SETTINGS
def test_staff_answers_are_what_the_schema_says(case, world, counter):
    _call_and_validate(case, "staff", world, counter)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anon", "member"])
@schema_random.parametrize()
@SETTINGS
def test_anonymous_and_member_answers_are_what_the_schema_says(case, who, world, counter):
    _call_and_validate(case, who, world, counter)
