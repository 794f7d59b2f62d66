"""Project URLs: the API root, the OpenAPI schema and docs, and the error answers."""

from __future__ import annotations

import pytest

from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def test_the_api_root_lists_the_ledger(client):
    """/api/v1/ is open to anyone and links to each ledger endpoint and the schema."""
    response = client.get("/api/v1/")

    assert response.status_code == 200
    data = response.json()
    assert data["schema"] == "http://testserver/api/schema/"
    assert data["docs"] == "http://testserver/api/docs/"
    assert data["ledger"] == {
        "accounts": "http://testserver/api/v1/ledger/accounts/",
        "entries": "http://testserver/api/v1/ledger/entries/",
        "trial_balance": "http://testserver/api/v1/ledger/trial-balance/",
        "balance_sheet": "http://testserver/api/v1/ledger/balance-sheet/",
        "income_statement": "http://testserver/api/v1/ledger/income-statement/",
    }


def test_the_openapi_schema_renders(client):
    """/api/schema/ answers the OpenAPI document with every ledger path."""
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "MutualSociety API"
    assert {
        "/api/v1/ledger/accounts/",
        "/api/v1/ledger/entries/",
        "/api/v1/ledger/entries/{entry_id}/reverse/",
        "/api/v1/ledger/trial-balance/",
        "/api/v1/ledger/balance-sheet/",
        "/api/v1/ledger/income-statement/",
    } <= set(schema["paths"])
    post = schema["paths"]["/api/v1/ledger/entries/"]["post"]
    assert set(post["responses"]) >= {"201"}
    tb_params = {p["name"] for p in schema["paths"]["/api/v1/ledger/trial-balance/"]["get"][
        "parameters"]}  # fmt: skip
    assert "as_of" in tb_params


def test_the_schema_in_yaml(client):
    """The default rendering is YAML (OpenAPI's own media type)."""
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert b"openapi: 3" in response.content


def test_the_api_docs_page_renders(client):
    """/api/docs/ serves Swagger UI from our own static files, pointing at the schema."""
    response = client.get("/api/docs/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "swagger-ui" in content.lower()
    # The start-up script, which names the schema, is served from its own address (the
    # Content-Security-Policy runs no inline script): tests/project/test_csp.py.
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/nothing", "/api/v1/ledger/x/"])
def test_an_unknown_api_address_is_a_json_404(client, path):
    """Under /api/ an unknown address answers 404 in the API's error shape."""
    assert_error(client.get(path), 404, "not_found", fields=set())


def test_an_unknown_page_is_the_404_page(client):
    """Outside /api/ an unknown address answers the HTML 404 page."""
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "404.html" in [t.name for t in response.templates]


def test_the_home_page_renders(client):
    """The society's home page answers 200."""
    response = client.get("/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_the_favicon_is_there(client):
    """/favicon.ico was a 404: browsers ask for it on every page, the admin's too."""
    response = client.get("/favicon.ico", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0][0].endswith("favicon.ico")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_portal_pages_link_the_svg_icon(client):
    page = client.get("/").content.decode()

    assert 'rel="icon" href="/static/favicon.svg" type="image/svg+xml"' in page
