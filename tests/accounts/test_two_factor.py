"""Two-factor sign-in: the TOTP code at login, the admin's check, and enrolment."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.forms import LoginForm
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.models import Society
from tests.accounts.factories import enrol, next_token, wrong_token

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN = "/admin/"
ADMIN_LOGIN = "/admin/login/"
TWO_FACTOR = "/accounts/two-factor/"


@pytest.fixture
def member(make_user):
    return make_user("member")


@pytest.fixture
def staff(make_user):
    return make_user("staff", is_staff=True, roles=("finance",))


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


# --- Portal login ------------------------------------------------------------------------


def test_without_an_authenticator_the_password_is_enough(client, member, password):
    """A person without an authenticator signs in with the password alone."""
    response = client.post(LOGIN, {"username": "member", "password": password})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in(client)


def test_with_an_authenticator_the_code_is_required(client, member, password):
    """A person with a confirmed authenticator who gives no code is not signed in; the
    form shows the error on otp_token."""
    enrol(member)

    response = client.post(LOGIN, {"username": "member", "password": password})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["otp_token"]
    assert not signed_in(client)


def test_a_wrong_code_is_refused(client, member, password):
    """A code that is not the current one is refused on otp_token."""
    device = enrol(member)

    response = client.post(
        LOGIN, {"username": "member", "password": password, "otp_token": wrong_token(device)}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["otp_token"]
    assert not signed_in(client)


def test_a_valid_code_signs_in_and_verifies_the_session(client, member, password):
    """Password and current code: signed in, and the session is marked verified with
    the device (django-otp)."""
    device = enrol(member)

    response = client.post(
        LOGIN, {"username": "member", "password": password, "otp_token": next_token(device)}
    )

    assert response.status_code == 302
    assert signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_code_is_accepted_once(rf, member, password):
    """A code already used (here by the login before) is refused when replayed."""
    device = enrol(member)
    token = next_token(device)

    def form_with(code: str) -> LoginForm:
        request = rf.post(LOGIN)
        return LoginForm(request, data={"username": "member", "password": password,
                                        "otp_token": code})  # fmt: skip

    assert form_with(token).is_valid() is True
    replay = form_with(token)
    assert replay.is_valid() is False
    assert list(replay.errors) == ["otp_token"]


def test_a_wrong_password_is_a_password_error_not_a_code_error(client, member):
    """The code is only asked once the password is right."""
    enrol(member)

    response = client.post(LOGIN, {"username": "member", "password": "nope"})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "otp_token" not in errors
    assert "__all__" in errors
    assert not signed_in(client)


def test_an_unconfirmed_authenticator_is_not_asked_for(client, member, password):
    """A device set up but never confirmed does not block the sign-in."""
    services.totp_device_start(user=member)

    response = client.post(LOGIN, {"username": "member", "password": password})

    assert response.status_code == 302
    assert signed_in(client)


# --- The admin ---------------------------------------------------------------------------


def test_the_admin_refuses_staff_whose_session_is_not_verified(client, staff):
    """A staff member with an authenticator signed in without using it is sent to enter
    its code, and comes back to the admin."""
    enrol(staff)
    client.force_login(staff)

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"] == f"{TWO_FACTOR}?next=%2Fadmin%2F"


def test_staff_sign_in_to_the_admin_with_a_code(client, staff, password):
    """Through the admin's login with password and code, the admin opens."""
    device = enrol(staff)

    login = client.post(
        f"{ADMIN_LOGIN}?next={ADMIN}",
        {"username": "staff", "password": password, "otp_token": next_token(device),
         "next": ADMIN},
    )  # fmt: skip

    assert login.status_code == 302
    assert login["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_the_admin_login_without_the_code_is_refused(client, staff, password):
    """The admin's login form also asks for the code of a staff member who has one."""
    enrol(staff)

    response = client.post(ADMIN_LOGIN, {"username": "staff", "password": password})

    assert response.status_code == 200
    assert "otp_token" in response.context["form"].errors
    assert client.get(ADMIN).status_code == 302


def test_staff_without_an_authenticator_use_the_admin_by_default(client, staff):
    """While the society does not require two-factor, the password is enough."""
    client.force_login(staff)

    assert client.get(ADMIN).status_code == 200


def test_the_society_can_require_staff_to_use_two_factor(client, staff):
    """With Society.require_staff_two_factor on, staff without an authenticator cannot
    use the admin."""
    Society.objects.filter(pk=1).update(require_staff_two_factor=True)
    client.force_login(staff)

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"] == f"{TWO_FACTOR}?next=%2Fadmin%2F"


def test_after_enrolling_staff_may_use_the_admin_again(client, staff):
    """Setting up the authenticator on the two-factor page verifies the session, and the
    admin opens under the policy."""
    Society.objects.filter(pk=1).update(require_staff_two_factor=True)
    client.force_login(staff)
    pending = services.totp_device_start(user=staff)

    response = client.post(TWO_FACTOR, {"token": next_token(pending)})

    assert response.status_code == 302
    assert client.get(ADMIN).status_code == 200


# --- Enrolment ---------------------------------------------------------------------------


def test_the_setup_page_shows_a_pending_authenticator(client, member):
    """The page creates one pending device and keeps it across reloads."""
    client.force_login(member)

    first = client.get(TWO_FACTOR)
    again = client.get(TWO_FACTOR)

    assert first.status_code == again.status_code == 200
    device = TOTPDevice.objects.get(user=member)
    assert device.confirmed is False
    assert first.context["pending"] == again.context["pending"] == device


def test_the_setup_page_needs_a_login(client):
    """Anonymous visitors are sent to the login page."""
    response = client.get(TWO_FACTOR)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_valid_code_confirms_the_authenticator(client, member):
    """The current code confirms the pending device and verifies this session."""
    client.force_login(member)
    pending = services.totp_device_start(user=member)

    response = client.post(TWO_FACTOR, {"token": next_token(pending)})

    assert response.status_code == 302
    assert response["Location"] == TWO_FACTOR
    pending.refresh_from_db()
    assert pending.confirmed is True
    assert client.session[DEVICE_ID_SESSION_KEY] == pending.persistent_id


def test_a_wrong_code_does_not_confirm_the_authenticator(client, member):
    """A wrong code is a form error on token; the device stays unconfirmed."""
    client.force_login(member)
    pending = services.totp_device_start(user=member)

    response = client.post(TWO_FACTOR, {"token": wrong_token(pending)})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["token"]
    pending.refresh_from_db()
    assert pending.confirmed is False
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_the_authenticator_is_removed_with_a_current_code(client, member, password):
    """On the same page a confirmed authenticator is removed with a current code."""
    device = enrol(member)
    client.post(LOGIN, {"username": "member", "password": password,
                        "otp_token": next_token(device)})  # fmt: skip

    response = client.post(TWO_FACTOR, {"token": next_token(device)})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()


def test_confirming_without_a_pending_device_is_refused(member):
    """The service refuses to confirm when nothing waits for confirmation."""
    with pytest.raises(InvalidInput) as refused:
        services.totp_device_confirm(user=member, token="123456")

    assert list(refused.value.fields) == ["token"]


def test_starting_twice_returns_the_same_pending_device(member):
    """Replaying the start returns the same device; confirming drops nothing else."""
    first = services.totp_device_start(user=member)

    assert services.totp_device_start(user=member) == first
    assert TOTPDevice.objects.filter(user=member).count() == 1


def test_removing_needs_a_valid_code(member):
    """A wrong code leaves the authenticator in place."""
    device = enrol(member)

    with pytest.raises(InvalidInput):
        services.totp_device_remove(user=member, token=wrong_token(device))

    assert TOTPDevice.objects.filter(user=member, confirmed=True).count() == 1


# --- The API under the same rule ---------------------------------------------------------

API = "/api/v1/ledger/accounts/"


def test_the_api_refuses_staff_the_society_requires_to_use_two_factor(client, staff):
    """The API is no way around the rule the admin enforces: 403 with the error shape."""
    Society.objects.filter(pk=1).update(require_staff_two_factor=True)
    client.force_login(staff)

    response = client.get(API)

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "second_factor_required"
    assert "/accounts/two-factor/" in error["message"]


def test_the_api_refuses_a_session_that_skipped_its_authenticator(client, staff):
    """Whoever has an authenticator must have used it, for the API as for the admin."""
    enrol(staff)
    client.force_login(staff)

    response = client.get(API)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "second_factor_required"


def test_the_api_answers_staff_who_used_their_authenticator(client, staff, password):
    device = enrol(staff)
    Society.objects.filter(pk=1).update(require_staff_two_factor=True)
    client.post(LOGIN, {"username": "staff", "password": password, "otp_token": next_token(device)})

    assert client.get(API).status_code == 200


def test_the_admin_sends_staff_who_must_enrol_to_the_set_up_page(client, staff):
    """Instead of the login form again, the admin's login points to the set-up page."""
    Society.objects.filter(pk=1).update(require_staff_two_factor=True)
    client.force_login(staff)

    response = client.get(ADMIN_LOGIN)

    assert response.status_code == 302
    assert response["Location"] == TWO_FACTOR


def test_the_setup_page_of_an_unknown_authenticator_is_not_found(client, django_user_model):
    """django-otp's admin looked the device up with .get(): an unknown id was a 500."""
    boss = django_user_model.objects.create_superuser("boss2", "boss2@example.com", "x-Pass-2026!")
    client.force_login(boss)
    assert client.get("/admin/otp_totp/totpdevice/999999/config/").status_code == 404
    assert client.get("/admin/otp_totp/totpdevice/999999/qrcode/").status_code == 404
