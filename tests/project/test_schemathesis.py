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
from django.utils import timezone, translation
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

EXAMPLES = 10  # random examples per operation and caller
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
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, transaction

    # The WSGI app closes the database connection after each request (on PostgreSQL),
    # which would end the test's transaction; Django's test client keeps it the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
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
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


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


def _send(case, who, sessions):
    """The case sent through the WSGI app as ``who``: signed in with a session cookie and
    a CSRF token (the app checks it on writes, as for a browser)."""
    headers = {"Accept-Language": "en"}
    cookies = {}
    if who != "anon":
        cookies = {"sessionid": sessions[who], "csrftoken": CSRF}
        headers["X-CSRFToken"] = CSRF
    with translation.override("en"):
        return case.call(headers=headers, cookies=cookies), headers


def _call_and_validate(case, who, world, counter) -> None:
    built, sessions = world
    # Half of the requests with path ids (chosen by a checksum of the generated values,
    # the same on every run) go to the society's objects, the member's own where the
    # member has one, so that they reach the operation and not only its "not found".
    if case.path_parameters and zlib.crc32(repr(case.path_parameters).encode()) % 2:
        for name in case.path_parameters:
            if name in PATH_VALUES:
                case.path_parameters[name] = built.ids[PATH_VALUES[name]]
    response, headers = _send(case, who, sessions)
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


@pytest.mark.django_db
def test_the_callers_are_who_they_say(world):
    """The fuzzing reaches past sign-in: the member reads their record and writes, staff
    read the register and post to the ledger, the anonymous caller is refused."""
    built, sessions = world
    me = schema["/api/v1/me/"]["GET"].Case()
    assert _send(me, "anon", sessions)[0].status_code in {401, 403}
    answer = _send(me, "member", sessions)[0]
    assert answer.status_code == 200
    assert answer.json()["member_number"] == built.member.member_number
    register = schema["/api/v1/members/"]["GET"].Case()
    assert _send(register, "member", sessions)[0].status_code == 403
    assert _send(register, "staff", sessions)[0].status_code == 200
    entry = schema["/api/v1/ledger/entries/"]["POST"].Case(
        body={
            "idempotency_key": "fuzz-signed-in",
            "date": timezone.localdate().isoformat(),
            "memo": "Contributions banked",
            "lines": [
                {"account": "1002", "debit": "5.00"},
                {"account": "6031", "credit": "5.00"},
            ],
        },
        media_type="application/json",
    )
    assert _send(entry, "staff", sessions)[0].status_code == 201
    proposal = schema["/api/v1/governance/proposals/"]["POST"].Case(
        body={"title": "Publish the reserves monthly", "text": "Every month."},
        media_type="application/json",
    )
    assert _send(proposal, "member", sessions)[0].status_code == 201


class _Answer:
    def __init__(self, status_code: int, body) -> None:
        self.status_code = status_code
        self._body = body

    def json(self):
        return self._body


@pytest.mark.parametrize(
    "body",
    [
        {"detail": "Not found."},  # DRF's own shape
        {"error": {"code": "invalid", "message": "Bad."}},  # no fields
        {"error": {"code": "", "message": "Bad.", "fields": {}}},  # no code
        {"error": {"code": "invalid", "message": " ", "fields": {}}},  # no message
        {"error": {"code": "invalid", "message": "Bad.", "fields": {"amount": []}}},
    ],
)
def test_the_error_shape_check_refuses_other_shapes(body):
    with pytest.raises(AssertionError):
        error_shape(None, _Answer(400, body), None)


def test_the_error_shape_check_takes_the_api_error_and_ignores_other_statuses():
    shaped = {
        "error": {"code": "invalid", "message": "amount: Bad.", "fields": {"amount": ["Bad."]}}
    }
    error_shape(None, _Answer(400, shaped), None)
    error_shape(None, _Answer(200, {"detail": "any"}), None)
