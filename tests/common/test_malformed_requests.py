"""Malformed requests answer 400, never 500: nesting too deep for the JSON parser, and NUL
or other control characters in the path, the query string or the body (issue 9).

The parser (mutualsociety.common.parsers) refuses nesting before Python recurses; one
middleware (mutualsociety.common.middleware.ControlCharactersMiddleware) refuses control
characters, in the API's error shape under /api/ and with the site's 400 page elsewhere.
"""

from __future__ import annotations

import contextlib
import io
import json
import time

import pytest
from django.utils import translation
from rest_framework.views import APIView

from ledger.models import JournalEntry
from mutualsociety.common.parsers import (
    MAX_DEPTH,
    DepthLimitedJSONParser,
    NestedTooDeeply,
    json_depth_check,
)
from tests.helpers import assert_error
from tests.ledger.factories import CASH, CONTRIBUTIONS
from tests.project.api_world import sign_in

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    """Whatever rates the settings give the API's throttles, these tests are about answers."""
    monkeypatch.setattr(APIView, "check_throttles", lambda self, request: None)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def finance(finance_user):
    """Finance, signed in with an authenticator used in the session (any two-factor rule
    for staff is met, so the requests reach the parser)."""
    return sign_in(finance_user)


# --- Nesting --------------------------------------------------------------------------------


def test_deeply_nested_json_to_the_anonymous_enrolment_is_a_400(client):
    """100,000 nested lists answer 400 parse_error instead of a RecursionError."""
    response = client.post("/api/v1/enrolment/", DEEP, content_type="application/json")

    error = assert_error(response, 400, "parse_error", fields=set())
    assert "nested" in error["message"]


def test_a_number_of_thousands_of_digits_is_a_400_that_names_no_interpreter_setting(client):
    """Python refuses to read an integer over 4,300 digits with a hint about
    sys.set_int_max_str_digits; the sender is told what is wrong instead."""
    body = '{"plan": ' + "9" * 5000 + "}"
    response = client.post(
        "/api/v1/enrolment/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    error = assert_error(response, 400, "parse_error", fields=set())
    assert error["message"] == (
        "The body holds a number too long to be an amount, an id or a count."
    )
    assert "sys." not in error["message"]


def test_deeply_nested_json_to_a_signed_in_post_is_a_400_and_posts_nothing(finance):
    before = JournalEntry.objects.count()

    response = finance.post("/api/v1/ledger/entries/", DEEP, content_type="application/json")

    assert_error(response, 400, "parse_error", fields=set())
    assert JournalEntry.objects.count() == before


def test_deep_objects_inside_a_valid_body_are_refused_too(finance):
    """Nesting hidden in a field's value counts the same as at the top."""
    body = '{"memo": ' + '{"a": ' * (MAX_DEPTH + 5) + "1" + "}" * (MAX_DEPTH + 5) + "}"

    response = finance.post("/api/v1/ledger/entries/", body, content_type="application/json")

    assert_error(response, 400, "parse_error", fields=set())


def test_nesting_up_to_the_limit_is_parsed():
    """MAX_DEPTH levels parse; one more is refused before json.loads runs."""
    parser = DepthLimitedJSONParser()
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parser.parse(io.BytesIO(ok.encode())) is not None
    with pytest.raises(NestedTooDeeply):
        json_depth_check("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))


@pytest.mark.parametrize(
    "text,depth_ok",
    [
        ('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}', True),
        ('["\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]', True),
        ('["\\\\", ' + "[" * 40 + "]" * 40 + "]", False),
    ],
)
def test_brackets_inside_strings_do_not_count(text, depth_ok):
    """Only structure counts: brackets in strings (escaped quotes included) are text."""
    json.loads(text)  # the cases are valid JSON
    if depth_ok:
        json_depth_check(text)
    else:
        with pytest.raises(NestedTooDeeply):
            json_depth_check(text)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 40 + '"\\"' * 600_000,  # strings that never close
        "[" + "[]," * 600_000 + "[]]",  # wide
        "[" + ("[" * 31 + "]" * 31 + ",") * 20_000 + "[]]",  # at the limit, wide
    ],
    ids=["unclosed-strings", "wide", "deep-and-wide"],
)
def test_the_depth_check_is_linear_on_large_bodies(text):
    """Megabytes are measured in well under a second (no backtracking, no recursion)."""

    started = time.perf_counter()
    with contextlib.suppress(NestedTooDeeply):
        json_depth_check(text)
    assert time.perf_counter() - started < 3


def test_a_body_larger_than_the_limit_is_refused(client, settings):
    """The parser reads at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "x" * 2000})

    response = client.post("/api/v1/enrolment/", body, content_type="application/json")

    error = assert_error(response, 400, "too_large", fields=set())
    assert "1000" in error["message"]


def test_a_multipart_body_django_cannot_read_is_a_400_in_the_error_shape(finance):
    """A part header longer than Django reads is refused, in the API's shape."""
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    body = encode_multipart(BOUNDARY, {"x" + "[0]" * 5_000: "1"})

    response = finance.generic(
        "POST", "/api/v1/ledger/entries/", body, content_type=MULTIPART_CONTENT
    )

    assert_error(response, 400, "parse_error", fields=set())


def test_deeply_nested_form_keys_are_flat_text(finance):
    """Form bodies are flat: bracketed key names are never parsed into nesting."""
    body = "lines" + "[0]" * 50_000 + "=1"

    response = finance.post(
        "/api/v1/ledger/entries/", body, content_type="application/x-www-form-urlencoded"
    )

    assert_error(response, 400, "invalid")


# --- Control characters: the API -----------------------------------------------------------


def test_nul_in_an_anonymous_path_is_a_400(client):
    response = client.get("/api/v1/governance/receipts/a%00b/")

    error = assert_error(response, 400, "control_character", fields=set())
    assert "path" in error["message"]


@pytest.mark.parametrize("name", ["account", "source_type"])
def test_nul_in_a_query_parameter_is_a_400_naming_it(finance, name):
    response = finance.get("/api/v1/ledger/entries/", {name: "a\x00b"})

    assert_error(response, 400, "control_character", fields={name})


@pytest.mark.parametrize("char", ["\x01", "\x1b", "\x7f"])
def test_other_control_characters_in_the_query_are_refused(finance, char):
    response = finance.get("/api/v1/ledger/entries/", {"account": f"10{char}01"})

    assert_error(response, 400, "control_character", fields={"account"})


def test_nul_in_the_idempotency_key_header_is_a_400_naming_it(finance):
    """HTTP allows no NUL in a header; the key went to the database (500 on PostgreSQL)."""
    from members.models import Payment
    from tests.members.factories import member_make

    member = member_make()

    response = finance.post(
        f"/api/v1/members/{member.pk}/payments/",
        {"amount": "1.00", "received_on": "2025-01-01"},
        content_type="application/json",
        headers={"Idempotency-Key": "key\x00one"},
    )

    assert_error(response, 400, "control_character", fields={"Idempotency-Key"})
    assert not Payment.objects.exists()


def test_line_breaks_and_tabs_in_a_body_are_text(finance):
    """A memo may hold line breaks: TAB, LF and CR are not refused in a body."""
    body = {
        "idempotency_key": "k-1",
        "date": "2025-01-15",
        "memo": "Banked\r\n\tby the cashier",
        "lines": [{"account": CASH, "debit": "1.00"}, {"account": CONTRIBUTIONS, "credit": "1.00"}],
    }
    response = finance.post("/api/v1/ledger/entries/", body, content_type="application/json")

    assert response.status_code == 201, response.content
    assert response.json()["memo"] == "Banked\r\n\tby the cashier"


@pytest.mark.parametrize(
    "body,field",
    [
        ('{"memo": "a\\u0000b"}', "memo"),
        ('{"lines": [{"account": "1\\u001f"}]}', "lines.0.account"),
        ('{"memo\\u0000": "x"}', "memo\x00"),
        ('{"memo": "a\\\\\\u0000"}', "memo"),
    ],
)
def test_an_escaped_control_character_in_a_json_body_names_the_field(finance, body, field):
    before = JournalEntry.objects.count()

    response = finance.post("/api/v1/ledger/entries/", body, content_type="application/json")

    error = assert_error(response, 400, "control_character")
    assert list(error["fields"]) == [field.replace("\x00", "\\u0000")]
    assert JournalEntry.objects.count() == before


def test_an_escaped_backslash_before_u0000_is_text(finance):
    """``"\\\\u0000"`` is a backslash followed by the text u0000, not a NUL."""
    body = '{"memo": "C:\\\\u0000", "idempotency_key": "x"}'

    response = finance.post("/api/v1/ledger/entries/", body, content_type="application/json")

    assert_error(response, 400, "invalid")  # no date, no lines: the serializer speaks


def test_a_raw_nul_in_a_json_body_is_refused(finance):
    response = finance.post(
        "/api/v1/ledger/entries/", b'{"memo": "a\x00b"}', content_type="application/json"
    )

    assert_error(response, 400, "control_character", fields=set())


def test_nul_in_a_form_encoded_api_body_names_the_field(finance):
    response = finance.post(
        "/api/v1/ledger/entries/",
        "memo=a%00b&date=2025-01-01",
        content_type="application/x-www-form-urlencoded",
    )

    assert_error(response, 400, "control_character", fields={"memo"})


def test_a_file_s_content_is_not_checked(client, make_user):
    """Uploaded bytes are a document's, not text: a NUL in them is fine."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user("someone"))
    upload = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n\x00\x00")

    response = client.post("/api/v1/claims/", {"documents": [upload], "kind": "accident"})

    assert response.json()["error"]["code"] != "control_character"


# --- Control characters: the portal and the admin ------------------------------------------


def test_nul_in_a_portal_query_string_is_the_400_page(client):
    response = client.get("/disclosure/", {"q": "a\x00b"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"We could not understand that request" in response.content


def test_nul_in_a_portal_path_is_the_400_page(client):
    response = client.get("/assembly/a%00b/")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_nul_in_a_portal_form_post_is_the_400_page(client):
    response = client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_nul_in_an_admin_search_is_the_400_page(admin_client):
    response = admin_client.get("/admin/members/member/", {"q": "a\x00b"})

    assert response.status_code == 400


def test_an_ordinary_portal_page_is_untouched(client):
    assert client.get("/", {"q": "plain text\twith a tab"}).status_code == 200


def test_a_deeply_nested_json_form_field_is_a_form_error():
    """The admin's JSON fields (the articles' special matters) refuse deep nesting as a
    form error, also when the form is shown again with the input."""
    from governance.admin import ArticlesForm

    form = ArticlesForm(data={"special_matters": DEEP})

    assert not form.is_valid()
    assert "at most 32 levels deep" in form.errors["special_matters"][0]
    assert DEEP[:10] in str(form["special_matters"].value())[:10]


# --- Cookies and language -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/me/", "/"])
def test_a_session_cookie_holding_a_nul_is_ignored(path):
    """``sessionid="...\\000..."`` unquotes to a NUL, which reached the session query (500
    on PostgreSQL): the cookie is dropped and the request goes on without a session."""
    from django.test import Client

    client = Client(HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"', HTTP_ACCEPT_LANGUAGE="en")

    response = client.get(path)

    assert response.status_code in (200, 403)
    if path.startswith("/api/"):
        assert_error(response, 403, "not_authenticated")
