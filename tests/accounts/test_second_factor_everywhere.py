"""The society's two-factor rule holds on every address of the site, not only the admin.

The walk resolves every URL pattern of the project from the URL conf, fills its path
parameters with real objects (a claim document, a meeting and its motion, a member...)
and asks for it as a staff person without an authenticator while the society requires
one: nothing but the sign-in pages and the public pages answers. Once the same person has
set up their authenticator in this session, the same addresses answer again.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from accounts import services
from accounts.middleware import second_factor_exempt
from accounts.roles import ROLES
from claims.selectors import DOCUMENTS_PERM
from mutualsociety.common.models import Society
from tests.accounts.factories import enrol, next_token
from tests.claims.factories import PDF
from tests.project.url_world import World

pytestmark = pytest.mark.django_db

TWO_FACTOR = "/accounts/two-factor/"

#: The open addresses, by view name, as the walk finds them: a change to the middleware's
#: list shows up here.
EXPECTED_OPEN = {
    "portal:home",
    "login",
    "logout",
    "two_factor",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "disclosure:home",
    "disclosure:governance",
    "disclosure:governance_meeting",
    "disclosure:finances",
    "disclosure:solvency",
    "disclosure:claims",
    "disclosure:products",
    "disclosure:events",
    "disclosure:basic",
    "disclosure:archive",
    "disclosure:publication",
    "disclosure:attachment",
    "disclosure:feed",
    "set_language",
    "healthz",
    "admin:login",
    "admin:logout",
    "claims:notices",
    "claims:notice",
}


@pytest.fixture
def world(settings, tmp_path):
    return World(settings, tmp_path)


def _open(name: str) -> bool:
    """The middleware's own rule, with the view's full namespace (``disclosure:regulator``
    for the regulator portal: not open, although the public ``disclosure`` is)."""
    return second_factor_exempt(name, name.rpartition(":")[0])


def _refused(response) -> bool:
    """The middleware's answer: to the two-factor page, or 403 saying so."""
    if response.status_code == 302:
        return response["Location"].startswith(f"{TWO_FACTOR}?next=")
    if response.status_code != 403:
        return False
    if response["Content-Type"].startswith("application/json"):
        return response.json()["error"]["code"] == "second_factor_required"
    return "accounts/second_factor_required.html" in [t.name for t in response.templates]


STAFF = [role.slug for role in ROLES] + ["superuser", "staff_status_only", "permission_only"]


def _staff_person(make_user, kind: str):
    if kind == "superuser":
        return get_user_model().objects.create_superuser("root", password="x-long-password-9")
    if kind == "staff_status_only":
        return make_user("clerk", is_staff=True)
    if kind == "permission_only":
        # The claim documents' permission given to a person without staff status or role.
        user = make_user("helper")
        app_label, codename = DOCUMENTS_PERM.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
        return user
    return make_user(f"staff-{kind}", roles=(kind,), is_staff=True)


@pytest.mark.parametrize("kind", STAFF)
def test_staff_without_an_authenticator_get_nothing_but_the_open_pages(
    client, make_user, world, kind
):
    """With the society's rule on, a staff person signed in with a password only is sent
    to set up an authenticator from every address but the sign-in and public pages: the
    portal, claim documents, the admin and its exports, the API."""
    Society.objects.filter(pk=1).update(require_staff_two_factor=True)
    client.force_login(_staff_person(make_user, kind))
    addresses = world.addresses()
    assert len(addresses) > 300

    served = [
        (path, response.status_code)
        for name, path in addresses
        if not _open(name) and not _refused(response := client.get(path))
    ]

    assert served == []
    assert {name for name, _path in addresses if _open(name)} == EXPECTED_OPEN
    # the regulator portal sits inside /disclosure/ and is walked, but is not open
    assert any(name.startswith("disclosure:regulator:") for name, _path in addresses)
    document = client.get(f"/claims/documents/{world.document.pk}/")
    assert document.status_code == 302
    assert document["Location"] == (
        f"{TWO_FACTOR}?next=%2Fclaims%2Fdocuments%2F{world.document.pk}%2F"
    )


def test_no_form_is_taken_without_the_second_factor(client, make_user, world):
    """The same walk with POST: every address but the open ones refuses (403), so that no
    change is made by a session that owes its second factor."""
    Society.objects.filter(pk=1).update(require_staff_two_factor=True)
    client.force_login(_staff_person(make_user, "superuser"))

    taken = [
        (path, response.status_code)
        for name, path in world.addresses()
        if not _open(name) and not _refused(response := client.post(path))
    ]

    assert taken == []


def test_a_claims_handler_signed_in_by_password_gets_no_claim_document(
    client, make_user, world, password
):
    """The defect as reported: a claims handler without an authenticator signs in at
    /accounts/login/ with the password only; the claim document is not served, and the
    sign-in itself leads to setting up the authenticator."""
    Society.objects.filter(pk=1).update(require_staff_two_factor=True)
    make_user("handler", roles=("claims_handler",), is_staff=True)

    login = client.post("/accounts/login/", {"username": "handler", "password": password})
    document = client.get(f"/claims/documents/{world.document.pk}/")

    assert login.status_code == 302
    assert login["Location"] == f"{TWO_FACTOR}?next=%2F"
    assert document.status_code == 302
    assert document["Location"].startswith(TWO_FACTOR)
    assert b"%PDF" not in document.content


def _gate_only(monkeypatch) -> None:
    """Requests stop right after the second-factor check: "passed" when it let them
    through. The views themselves (hundreds of admin pages) are not run."""
    from django.http import HttpResponse

    from accounts.middleware import SecondFactorMiddleware

    check = SecondFactorMiddleware.process_view

    def process_view(self, request, view_func, view_args, view_kwargs):
        refused = check(self, request, view_func, view_args, view_kwargs)
        return refused or HttpResponse("passed")

    monkeypatch.setattr(SecondFactorMiddleware, "process_view", process_view)


@pytest.mark.parametrize("kind", ["claims_handler", "permission_only", "superuser"])
def test_after_setting_up_the_authenticator_every_address_answers(
    client, make_user, world, kind, monkeypatch
):
    """The same person, once they have set up their authenticator (which verifies this
    session), passes the check at every address; and the claim document is served."""
    Society.objects.filter(pk=1).update(require_staff_two_factor=True)
    user = _staff_person(make_user, kind)
    client.force_login(user)
    pending = services.totp_device_start(user=user)
    document_path = f"/claims/documents/{world.document.pk}/"
    setup = client.post(TWO_FACTOR, {"token": next_token(pending), "next": document_path})
    assert setup.status_code == 302
    assert setup["Location"] == document_path
    document = client.get(document_path)

    with monkeypatch.context() as patch:
        _gate_only(patch)
        gated = Client()  # a new client loads the patched middleware; same session
        gated.cookies = client.cookies
        refused = [
            path
            for name, path in world.addresses()
            if not _open(name) and gated.get(path).content != b"passed"
        ]

    assert refused == []
    if user.has_perm(DOCUMENTS_PERM):
        assert document.status_code == 200
        assert document["Content-Type"] == "application/pdf"
        assert b"".join(document.streaming_content) == PDF
    else:
        assert document.status_code == 404  # not theirs to see, as without the rule


def test_a_session_that_skipped_its_authenticator_enters_the_code_and_goes_on(
    client, make_user, world
):
    """Whoever has an authenticator but has not used it in this session is sent to enter
    the code, and after it to the page they asked for."""
    handler = make_user("handler", roles=("claims_handler",), is_staff=True)
    device = enrol(handler)
    client.force_login(handler)
    document_path = f"/claims/documents/{world.document.pk}/"

    asked = client.get(document_path)
    page = client.get(asked["Location"])
    entered = client.post(TWO_FACTOR, {"token": next_token(device), "next": document_path})

    assert asked.status_code == 302
    assert page.status_code == 200
    assert page.context["state"] == "verify"
    assert entered.status_code == 302
    assert entered["Location"] == document_path
    assert client.get(document_path).status_code == 200


def test_a_form_sent_without_the_second_factor_gets_the_page_saying_what_to_do(
    client, make_user, world
):
    """A POST is not redirected (it would be lost) but refused with a page that links to
    the set-up; nothing changes."""
    Society.objects.filter(pk=1).update(require_staff_two_factor=True)
    secretary = make_user("secretary", roles=("board_secretary",), is_staff=True)
    client.force_login(secretary)

    response = client.post("/admin/common/society/1/change/", {"name": "Renamed"})

    assert response.status_code == 403
    assert "accounts/second_factor_required.html" in [t.name for t in response.templates]
    assert f'href="{TWO_FACTOR}?next=' in response.content.decode()
    assert Society.objects.get(pk=1).name != "Renamed"


def test_a_member_without_an_authenticator_is_not_affected(client, world):
    """The rule is the staff's: a member with no staff power and no authenticator uses the
    portal and opens their own claim document with the password alone."""
    Society.objects.filter(pk=1).update(require_staff_two_factor=True)
    client.force_login(world.member.user)

    assert client.get("/me/").status_code == 200
    assert client.get(f"/claims/{world.claim.pk}/").status_code == 200
    assert client.get(f"/claims/documents/{world.document.pk}/").status_code == 200


def test_without_the_society_rule_staff_without_an_authenticator_are_not_affected(
    client, make_user, world
):
    """The rule is the society's choice: off, a claims handler opens documents with the
    password alone."""
    handler = make_user("handler", roles=("claims_handler",), is_staff=True)
    client.force_login(handler)

    assert client.get(f"/claims/documents/{world.document.pk}/").status_code == 200
