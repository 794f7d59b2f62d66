"""The members endpoints in the OpenAPI schema and the API root."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/enrolment/": {"post"},
    "/api/v1/me/": {"get", "patch"},
    "/api/v1/me/coverages/": {"get"},
    "/api/v1/me/contributions/": {"get"},
    "/api/v1/me/payments/": {"get"},
    "/api/v1/applications/": {"get"},
    "/api/v1/applications/{application_id}/accept/": {"post"},
    "/api/v1/applications/{application_id}/decline/": {"post"},
    "/api/v1/members/": {"get"},
    "/api/v1/members/{member_id}/": {"get"},
    "/api/v1/members/{member_id}/payments/": {"post"},
}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_renders_with_the_enrolment_endpoint(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/enrolment/" in response.content


def test_every_members_endpoint_and_method_is_in_the_schema(schema):
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path


def test_error_answers_are_documented_in_the_one_shape(schema):
    enrol = schema["paths"]["/api/v1/enrolment/"]["post"]
    assert set(enrol["responses"]) == {"201", "400", "429", "default"}
    assert enrol["responses"]["default"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"error"}
    detail = schema["components"]["schemas"]["ErrorDetailOut"]
    assert set(detail["properties"]) == {"code", "message", "fields"}
    payments = schema["paths"]["/api/v1/members/{member_id}/payments/"]["post"]
    assert {"200", "201", "400", "403", "404", "409"} <= set(payments["responses"])


def test_the_idempotency_key_header_is_documented_as_required(schema):
    parameters = schema["paths"]["/api/v1/members/{member_id}/payments/"]["post"]["parameters"]
    header = next(p for p in parameters if p["in"] == "header")
    assert header["name"] == "Idempotency-Key"
    assert header["required"] is True


def test_the_enrolment_body_is_nested_and_amounts_are_strings(schema):
    components = schema["components"]["schemas"]
    enrolment = components["EnrolmentInRequest"]
    assert enrolment["properties"]["person"]["$ref"].endswith("PersonInRequest")
    assert {"plan", "person", "username", "password"} <= set(enrolment["required"])
    coverage = components["CoverageOut"]["properties"]
    assert coverage["sum_assured"]["type"] == "string"
    assert coverage["sum_assured"]["format"] == "decimal"
    assert "person.id_number" in schema["paths"]["/api/v1/enrolment/"]["post"]["description"]


def test_the_enrolment_needs_no_authentication(schema):
    assert schema["paths"]["/api/v1/enrolment/"]["post"]["security"] == [{}]


def test_the_api_root_links_the_members_endpoints(client):
    data = client.get("/api/v1/").json()

    assert data["members"] == {
        "enrolment": "http://testserver/api/v1/enrolment/",
        "me": "http://testserver/api/v1/me/",
        "me_coverages": "http://testserver/api/v1/me/coverages/",
        "me_contributions": "http://testserver/api/v1/me/contributions/",
        "me_payments": "http://testserver/api/v1/me/payments/",
        "applications": "http://testserver/api/v1/applications/",
        "members": "http://testserver/api/v1/members/",
    }
