"""Malformed requests to every operation of the OpenAPI schema answer 4xx in the error
shape, never 5xx (issue 9).

For each operation, anonymous and as a signed-in member who is also staff in every role:
a body of 100,000 nested lists (JSON, and bracketed form keys); a NUL in each path
parameter, each query parameter and each body field (nested fields too), in JSON and in
every form encoding the operation takes. A NUL is refused by the middleware with 400
``control_character`` naming the parameter or field; deep nesting by the parser with 400
``parse_error``, or the operation refuses the caller before reading the body.
"""

from __future__ import annotations

import functools
import json
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import translation
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from rest_framework.views import APIView

from accounts.roles import ROLES
from tests.helpers import assert_error
from tests.project import api_world

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000
NUL = "a\x00b"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

# Which object of the world a path parameter names, so that the requests get past the
# "not found" of an unknown id to the parser.
PATH_VALUES = {
    "application_id": "refer_accept",
    "claim_id": "mine",
    "member_id": "insured",
    "entry_id": "manual_entry",
    "meeting_id": "open",
    "motion_id": "closed_motion",
    "code": "receipt",
    "panel_id": "panel",
    "proposal_id": "proposal",
    "assessment_id": "assessment",
    "regime_code": "regime",
    "run_id": "reserve_run",
    "publication_id": "publication",
    "complaint_id": "complaint",
}


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch):
    """Hundreds of requests from one client: this test is about answers, not rates."""
    monkeypatch.setattr(APIView, "check_throttles", lambda self, request: None)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def schema() -> dict:
    response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(schema, node["allOf"][0])
    return node


def body_fields(schema: dict, node: dict, prefix: str = "", depth: int = 0):
    """(dotted name, body holding a NUL at that name) for each field, nested ones too."""
    node = _resolve(schema, node)
    for name, sub in node.get("properties", {}).items():
        if sub.get("readOnly"):
            continue
        path = f"{prefix}.{name}" if prefix else name
        yield path, {name: NUL}
        if depth >= 3:
            continue
        sub = _resolve(schema, sub)
        if sub.get("type") == "object" or "properties" in sub:
            for inner, body in body_fields(schema, sub, path, depth + 1):
                yield inner, {name: body}
        elif sub.get("type") == "array":
            items = _resolve(schema, sub.get("items", {}))
            if "properties" in items:
                for inner, body in body_fields(schema, items, f"{path}.0", depth + 1):
                    yield inner, {name: [body]}


def _flat_form(body: dict) -> dict | None:
    """A one-level body as form data; None for a nested one (forms are flat)."""
    if all(isinstance(v, str) for v in body.values()):
        return body
    return None


def _encode(content_type: str, data: dict) -> tuple[bytes, str]:
    """The body and its content type, encoded here (the test client's put/patch/delete
    do not encode forms)."""
    if content_type == "multipart/form-data":
        return encode_multipart(BOUNDARY, data), MULTIPART_CONTENT
    return urlencode(data).encode(), content_type


def _url(template: str, values: dict[str, str], **override: str) -> str:
    """The operation's address with its path parameters filled in (``override`` is sent
    as it is, already percent-encoded)."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", override.get(name, quote(value, safe="")))
    return template


def _send(client, method, address, data=b"", content_type="application/octet-stream"):
    return client.generic(method.upper(), address, data, content_type=content_type)


def test_every_operation_refuses_deep_nesting_and_control_characters(schema):
    world = api_world.build()
    fuzzer = world.member.user  # a member, and staff in every role
    fuzzer.is_staff = True
    fuzzer.save(update_fields=["is_staff"])
    from django.contrib.auth.models import Group

    fuzzer.groups.add(*Group.objects.filter(name__in=[role.group_name for role in ROLES]))
    clients = {"anonymous": Client(), "staff": api_world.sign_in(fuzzer)}
    for client in clients.values():
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    openapi = OpenAPI.from_dict(schema)
    sent = 0

    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            parameters = operation.get("parameters", [])
            path_names = [p["name"] for p in parameters if p["in"] == "path"]
            query_names = [p["name"] for p in parameters if p["in"] == "query"]
            values = {
                name: str(world.ids.get(PATH_VALUES.get(name, ""), "convene"))
                for name in path_names
            }

            url = functools.partial(_url, path, values)
            content = operation.get("requestBody", {}).get("content", {})
            json_schema = content.get("application/json", {}).get("schema")
            forms = [t for t in FORMS if t in content]

            for who, client in clients.items():
                label = f"{who} {method.upper()} {path}"
                send = functools.partial(_send, client, method)

                # 1. Deep nesting: refused before Python recurses (or the caller is).
                if method != "get":
                    response = send(url(), DEEP.encode(), "application/json")
                    sent += 1
                    assert response.status_code < 500, label
                    if response.status_code >= 400:
                        code = response.json()["error"]["code"]
                        assert_error(response, response.status_code, code)
                    openapi.validate_response(
                        DjangoOpenAPIRequest(response.wsgi_request),
                        DjangoOpenAPIResponse(response),
                    )
                    for content_type in forms:
                        data, ctype = _encode(content_type, {"x" + "[0]" * 5_000: "1"})
                        response = send(url(), data, content_type=ctype)
                        sent += 1
                        assert response.status_code < 500, f"{label} {content_type}"
                        if response.status_code >= 400:
                            code = response.json()["error"]["code"]
                            assert_error(response, response.status_code, code)

                # 2. A NUL in each path parameter.
                for name in path_names:
                    response = send(url(**{name: "1%00"}))
                    sent += 1
                    error = assert_error(response, 400, "control_character", fields=set())
                    assert "path" in error["message"], label

                # 3. A NUL in each query parameter.
                for name in query_names:
                    response = client.generic(method.upper(), f"{url()}?{urlencode({name: NUL})}")
                    sent += 1
                    assert_error(response, 400, "control_character", fields={name})

                # 4. A NUL in each body field, in JSON and in each form encoding.
                if method == "get" or json_schema is None and not forms:
                    continue
                fields = list(body_fields(schema, json_schema)) if json_schema else []
                for name, body in fields:
                    response = send(url(), json.dumps(body).encode(), "application/json")
                    sent += 1
                    assert_error(response, 400, "control_character", fields={name})
                    flat = _flat_form(body)
                    for content_type in forms if flat else ():
                        data, ctype = _encode(content_type, flat)
                        response = send(url(), data, content_type=ctype)
                        sent += 1
                        assert_error(response, 400, "control_character", fields={name})

    assert sent > 500  # every operation, both callers
