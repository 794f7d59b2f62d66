"""A regulator can change nothing anywhere.

The walk signs a regulator in with their authenticator, then sends every write method
(POST, PUT, PATCH, DELETE) to every URL pattern of the project (the resolver's, with
real objects in the path parameters: tests/project/url_world.py's
``World``), to every write operation of the OpenAPI schema, and every action of every
ModelAdmin to its change list with a real row selected. Each is refused (403, 404, 405,
or a redirect to sign in) and the number of rows of every model is the same afterwards.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

from accounts.middleware import OWN_ACCOUNT_VIEW_NAMES
from tests.project.url_world import World, row_counts, schema_operations

from .conftest import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

METHODS = ("post", "put", "patch", "delete")

REFUSED = {403, 404, 405}


def _refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    if response.status_code == 302:
        location = response["Location"]
        return location.startswith(("/accounts/login/", "/admin/login/"))
    return False


@pytest.fixture
def walk(settings, tmp_path, client, regulator):
    # Signed in first: the world's admin rows then include the regulator's own
    # authenticator (django-otp's config page answers 500 for an id that does not exist).
    signed_in = sign_in_with_second_factor(client, regulator)
    return World(settings, tmp_path), signed_in


def _walk(world: World, client, methods=METHODS) -> tuple[list, int, int]:
    """Every write method to every address but the account's own pages, and every write
    operation of the schema: what was not refused, and how many were sent."""
    addresses = [(n, p) for n, p in world.addresses() if n not in OWN_ACCOUNT_VIEW_NAMES]
    operations = schema_operations(world, METHODS)
    taken = []
    for name, path in addresses:
        for method in methods:
            response = getattr(client, method)(path)
            if not _refused(response):
                taken.append((method.upper(), path, name, response.status_code))
    for method, path in operations:
        response = getattr(client, method)(path, data={}, content_type="application/json")
        if not _refused(response):
            taken.append((method.upper(), path, "api", response.status_code))
    return taken, len(addresses), len(operations)


def test_no_address_and_no_api_operation_takes_a_write_from_a_regulator(walk):
    """Every write is refused (the read-only account's rule, before any view runs) and
    no row of any model is added or removed."""
    world, client = walk
    before = row_counts()

    taken, addresses, operations = _walk(world, client)

    assert taken == []
    assert row_counts() == before
    assert addresses > 300
    assert operations > 20
    print(f"walked {addresses} URL patterns x {len(METHODS)} methods, {operations} API operations")


def test_behind_the_rule_the_permissions_still_write_nothing(walk, settings):
    """The same walk (POST) with the read-only account's middleware taken out: the
    role's permissions (view only) and the services' checks alone still write nothing."""
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "accounts.middleware.ReadOnlyAccountMiddleware"
    ]
    world, client = walk
    unguarded = Client()  # a new client loads the middleware as now set; same session
    unguarded.cookies = client.cookies
    assert unguarded.get("/disclosure/regulator/").status_code == 200
    assert unguarded.post("/healthz").status_code == 200  # the rule is out indeed
    before = row_counts()

    _walk(world, unguarded, methods=("post",))

    assert row_counts() == before


def test_no_admin_action_runs_for_a_regulator(walk):
    world, client = walk
    before = row_counts()
    tried = []
    taken = []
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        changelist = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for _func, name, _description in model_admin._get_base_actions():
            tried.append((changelist, name))
            response = client.post(
                changelist,
                {"action": name, "_selected_action": [str(obj.pk)], "index": "0", "post": "yes"},
            )
            if not _refused(response):
                taken.append((changelist, name, response.status_code))

    assert taken == []
    assert row_counts() == before
    assert len(tried) > 20
    print(f"tried {len(tried)} admin actions")


def test_the_refusal_says_the_account_is_read_only(regulator_client):
    """The page and the API say why; the account's own pages still take its forms."""
    page = regulator_client.post("/admin/common/society/1/change/", {"name": "Renamed"})
    api = regulator_client.post("/api/v1/ledger/entries/", {}, content_type="application/json")
    own = regulator_client.post("/accounts/password_change/", {})

    assert page.status_code == 403
    assert "accounts/read_only_account.html" in [t.name for t in page.templates]
    assert "read-only" in page.content.decode()
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "permission_denied"
    assert "read-only" in api.json()["error"]["message"]
    assert own.status_code == 200  # the form again, with its errors: their own password
