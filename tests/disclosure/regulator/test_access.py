"""Who may read the regulator portal: the regulator, the supervisory board, the
compliance officer and superusers, each with their authenticator used in the session;
anonymous visitors are sent to sign in, everyone else signed in gets the 403 page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from accounts.middleware import second_factor_exempt
from mutualsociety.common.models import Society
from tests.accounts.factories import enrol

from .conftest import TWO_FACTOR, sign_in_with_second_factor

pytestmark = pytest.mark.django_db

HOME = "/disclosure/regulator/"
PAGES = ["solvency", "ledger", "claims", "governance", "events"]


def test_the_portal_lives_under_disclosure_regulator():
    assert reverse("disclosure:regulator:home") == HOME
    assert reverse("disclosure:regulator:ledger-export", args=["trial-balance", "csv"]) == (
        "/disclosure/regulator/ledger/export/trial-balance.csv"
    )


def test_the_public_disclosure_pages_are_open_and_the_portal_is_not():
    """The middleware's one rule: the public namespace is open without the second factor,
    the portal's nested namespace is not."""
    assert second_factor_exempt("disclosure:home", "disclosure")
    assert not second_factor_exempt("disclosure:regulator:home", "disclosure:regulator")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for name in ["home", *PAGES]:
        url = reverse(f"disclosure:regulator:{name}")
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", ["finance", "director", "actuary", "claims_handler"])
def test_other_staff_get_the_403_page_even_with_their_authenticator(client, make_user, role):
    user = make_user(f"staff-{role}", roles=(role,), is_staff=True)
    sign_in_with_second_factor(client, user)
    for name in ["home", *PAGES]:
        response = client.get(reverse(f"disclosure:regulator:{name}"))
        assert response.status_code == 403, name


def test_a_member_gets_the_403_page(client, plain_user):
    client.force_login(plain_user)
    assert client.get(HOME).status_code == 403
    assert client.get(HOME + "ledger/export/trial-balance.csv").status_code == 403


def test_a_regulator_without_an_authenticator_is_sent_to_set_one_up(client, regulator):
    """Even when the society does not require two-factor sign-in of staff, the portal
    does: the regulator is sent to set up an authenticator, then comes back."""
    assert not Society.objects.get(pk=1).require_staff_two_factor
    client.force_login(regulator)
    for name in ["home", *PAGES]:
        url = reverse(f"disclosure:regulator:{name}")
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{TWO_FACTOR}?next=")
    export = client.get(HOME + "ledger/export/trial-balance.csv")
    assert export.status_code == 302 and b"," not in export.content


def test_a_regulator_who_has_not_entered_the_code_this_session_is_asked_for_it(client, regulator):
    enrol(regulator)
    client.force_login(regulator)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{TWO_FACTOR}?next=%2Fdisclosure%2Fregulator%2F"
    page = client.get(response["Location"])
    assert page.context["state"] == "verify"


@pytest.mark.parametrize("kind", ["regulator", "supervisor", "compliance_officer", "superuser"])
def test_the_oversight_roles_read_the_portal_with_their_second_factor(client, make_user, kind):
    if kind == "superuser":
        user = get_user_model().objects.create_superuser("root", password="x-long-password-9")
    else:
        user = make_user(f"staff-{kind}", roles=(kind,), is_staff=True)
    sign_in_with_second_factor(client, user)
    for name in ["home", *PAGES]:
        assert client.get(reverse(f"disclosure:regulator:{name}")).status_code == 200, name


def test_the_portal_takes_no_form(client, make_user, regulator_client):
    """Read-only: every page answers GET only (405 to the supervisor), and the regulator's
    account is refused any write before the page is reached (403)."""
    supervisor = make_user("supervisor", roles=("supervisor",), is_staff=True)
    supervisor_client = sign_in_with_second_factor(Client(), supervisor)
    for name in ["home", *PAGES]:
        url = reverse(f"disclosure:regulator:{name}")
        for method in ("post", "put", "patch", "delete"):
            assert getattr(supervisor_client, method)(url).status_code == 405, (name, method)
            assert getattr(regulator_client, method)(url).status_code == 403, (name, method)
        assert supervisor_client.options(url).status_code == 405
