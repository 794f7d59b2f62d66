"""Wrong authenticator codes lock the person out, as wrong passwords do (django-axes).

SECOND_FACTOR_FAILURE_LIMIT wrong codes in a row lock every code of that person out for
SECOND_FACTOR_LOCKOUT_TIME, on the portal's sign-in, the admin's and the two-factor page;
django-otp's throttle makes them wait between wrong codes.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import formats, timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import SecondFactorAttempts
from accounts.services import SecondFactorLocked
from mutualsociety.common.exceptions import DomainError, InvalidInput, NotAllowed
from tests.accounts.factories import enrol, next_token, wrong_token

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN = "/admin/"
ADMIN_LOGIN = "/admin/login/"
TWO_FACTOR = "/accounts/two-factor/"
LIMIT = settings.SECOND_FACTOR_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def staff(make_user):
    return make_user("staff", is_staff=True, roles=("finance",))


@pytest.fixture
def device(staff) -> TOTPDevice:
    return enrol(staff)


def sign_in(client, url: str, password: str, code: str):
    return client.post(url, {"username": "staff", "password": password, "otp_token": code})


def wrong_codes(client, device, password, times: int, url: str = LOGIN) -> list:
    return [
        sign_in(client, url, password, wrong_token(device)).context["form"].errors["otp_token"]
        for _ in range(times)
    ]


def attempts(user) -> SecondFactorAttempts:
    return SecondFactorAttempts.objects.get(user=user)


def test_repeated_wrong_codes_lock_out_and_the_right_code_is_refused(
    client, staff, device, password
):
    """After the limit of wrong codes, the right password with the right code is refused,
    nobody is signed in, and the message says when to try again."""
    errors = wrong_codes(client, device, password, LIMIT)

    response = sign_in(client, LOGIN, password, next_token(device))

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    until = attempts(staff).locked_until
    assert until is not None
    expected = timezone.now() + settings.SECOND_FACTOR_LOCKOUT_TIME
    assert abs((until - expected).total_seconds()) < 60
    message = response.context["form"].errors["otp_token"][0]
    local_until = timezone.localtime(until)
    # A lock that ends on another day (one taken after 23:30 here) says the day too.
    time = (
        local_until.strftime("%H:%M")
        if local_until.date() == timezone.localdate()
        else formats.date_format(local_until, "SHORT_DATETIME_FORMAT")
    )
    assert message == (
        "Too many wrong authenticator codes. To protect the account, codes are refused "
        f"until {time}; try again then."
    )
    assert errors[-1] == [message]  # the wrong code that reaches the limit says so too
    assert attempts(staff).lockouts == 1


def test_the_admin_sign_in_cannot_be_used_to_get_round_the_lock(client, staff, device, password):
    """Locked out through the portal's sign-in, the admin's refuses the right code too."""
    wrong_codes(client, device, password, LIMIT)

    response = sign_in(client, ADMIN_LOGIN, password, next_token(device))

    assert response.status_code == 200
    assert "Too many wrong authenticator codes" in response.context["form"].errors["otp_token"][0]
    assert client.get(ADMIN).status_code == 302
    assert SESSION_KEY not in client.session


def test_wrong_codes_at_the_admin_sign_in_count_too(client, staff, device, password):
    """The admin's sign-in form counts towards the same lock."""
    wrong_codes(client, device, password, LIMIT, url=ADMIN_LOGIN)

    response = sign_in(client, LOGIN, password, next_token(device))

    assert SESSION_KEY not in client.session
    assert "Too many wrong authenticator codes" in response.context["form"].errors["otp_token"][0]


def test_the_two_factor_page_and_the_api_refuse_a_locked_person(client, staff, device, password):
    """A session signed in before the lock (without its code) cannot verify on the
    two-factor page during the lock, and the API stays closed to it."""
    wrong_codes(client, device, password, LIMIT)
    client.force_login(staff)

    page = client.post(TWO_FACTOR, {"token": next_token(device)})
    api = client.get("/api/v1/ledger/accounts/")

    assert page.status_code == 200
    assert "Too many wrong authenticator codes" in page.context["form"].errors["token"][0]
    assert page.context["locked_until"] == attempts(staff).locked_until
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "second_factor_required"


def test_wrong_codes_on_the_two_factor_page_count(client, staff, device):
    """Entering the code on the two-factor page counts wrong codes like the sign-in."""
    client.force_login(staff)

    for _ in range(LIMIT):
        client.post(TWO_FACTOR, {"token": wrong_token(device)})

    assert attempts(staff).locked_until is not None
    with pytest.raises(SecondFactorLocked):
        services.second_factor_verify(user=staff, token=next_token(device))


def test_wrong_codes_when_removing_the_authenticator_count(staff, device):
    """Removing the authenticator asks for its code; wrong ones count, and during the
    lock the authenticator stays."""
    for _ in range(LIMIT - 1):
        with pytest.raises(InvalidInput):
            services.totp_device_remove(user=staff, token=wrong_token(device))
    with pytest.raises(SecondFactorLocked):
        services.totp_device_remove(user=staff, token=wrong_token(device))
    with pytest.raises(SecondFactorLocked):
        services.totp_device_remove(user=staff, token=next_token(device))

    assert TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_below_the_limit_the_right_code_signs_in_and_clears_the_count(
    client, staff, device, password
):
    """One wrong code short of the limit, the right code works and the count starts over.
    (A code sent while django-otp's throttle asks to wait is refused and counts.)"""
    wrong_codes(client, device, password, LIMIT - 1)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)

    response = sign_in(client, LOGIN, password, next_token(device))

    assert response.status_code == 302
    assert SESSION_KEY in client.session
    assert attempts(staff).failures == 0
    assert attempts(staff).locked_until is None


def test_between_wrong_codes_the_throttle_asks_to_wait(staff, device):
    """django-otp's throttle: right after a wrong code, the next code is refused with how
    long to wait, whatever it is, and counts as wrong."""
    with pytest.raises(InvalidInput):
        services.second_factor_verify(user=staff, token=wrong_token(device))

    with pytest.raises(InvalidInput) as refused:
        services.second_factor_verify(user=staff, token=next_token(device))

    assert refused.value.message == "Too many wrong codes: wait 1 second, then try again."
    assert attempts(staff).failures == 2


def test_after_the_lock_time_the_right_code_works_again(client, staff, device, password):
    """When the lock has run out, the right code signs in and the count is cleared."""
    wrong_codes(client, device, password, LIMIT)
    past = timezone.now() - dt.timedelta(seconds=1)
    SecondFactorAttempts.objects.filter(user=staff).update(locked_until=past)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)

    response = sign_in(client, LOGIN, password, next_token(device))

    assert response.status_code == 302
    assert SESSION_KEY in client.session
    assert attempts(staff).locked_until is None


def test_wrong_codes_older_than_the_lock_time_do_not_count(staff, device):
    """Like axes' cool-off: a wrong code long after the last one starts the count over."""
    for _ in range(LIMIT - 1):
        with pytest.raises(InvalidInput):
            services.second_factor_verify(user=staff, token=wrong_token(device))
    long_ago = timezone.now() - settings.SECOND_FACTOR_LOCKOUT_TIME - dt.timedelta(minutes=1)
    SecondFactorAttempts.objects.filter(user=staff).update(last_failure_at=long_ago)

    with pytest.raises(InvalidInput):
        services.second_factor_verify(user=staff, token=wrong_token(device))

    assert attempts(staff).failures == 1
    assert attempts(staff).locked_until is None


def test_the_limit_and_the_lock_time_are_settings(settings, staff, device):
    """SECOND_FACTOR_FAILURE_LIMIT and SECOND_FACTOR_LOCKOUT_TIME decide."""
    settings.SECOND_FACTOR_FAILURE_LIMIT = 2
    settings.SECOND_FACTOR_LOCKOUT_TIME = dt.timedelta(minutes=5)

    with pytest.raises(InvalidInput):
        services.second_factor_verify(user=staff, token=wrong_token(device))
    with pytest.raises(SecondFactorLocked) as locked:
        services.second_factor_verify(user=staff, token=wrong_token(device))

    remaining = locked.value.locked_until - timezone.now()
    assert dt.timedelta(minutes=4) < remaining <= dt.timedelta(minutes=5)


def test_a_lock_out_is_per_person(client, staff, device, password, make_user):
    """Another person's codes are not refused because of this one's lock."""
    colleague = make_user("colleague", is_staff=True)
    theirs = enrol(colleague)
    wrong_codes(client, device, password, LIMIT)

    response = client.post(
        LOGIN, {"username": "colleague", "password": password, "otp_token": next_token(theirs)}
    )

    assert response.status_code == 302


def test_wrong_codes_are_not_wrong_passwords(client, staff, device, password):
    """The password lock-out (axes) is not triggered by wrong codes: the two counts are
    separate, and the code's lock does not tell a stranger the password was right."""
    wrong_codes(client, device, password, LIMIT)

    stranger = client.post(LOGIN, {"username": "staff", "password": "wrong"})

    assert "otp_token" not in stranger.context["form"].errors
    assert AccessAttempt.objects.get(username="staff").failures_since_start == 1


def test_staff_lift_a_lock_out(staff, device, make_user):
    """second_factor_unlock lifts a lock (for someone whose identity staff checked): the
    right code is taken at once, without django-otp's wait after the wrong ones; a second
    call has nothing to lift."""
    for _ in range(LIMIT):
        with pytest.raises(DomainError):
            services.second_factor_verify(user=staff, token=wrong_token(device))
    admin = make_user("admin", is_staff=True, is_superuser=True)

    assert services.second_factor_unlock(user=staff, actor=admin) is True
    assert services.second_factor_unlock(user=staff, actor=admin) is False
    assert services.second_factor_verify(user=staff, token=next_token(device)) == device


def test_only_who_may_lift_lock_outs_lifts_one(staff, device, make_user):
    """The service checks the permission itself (not only the admin's action): a person
    of finance is refused and the lock stays."""
    for _ in range(LIMIT):
        with pytest.raises(DomainError):
            services.second_factor_verify(user=staff, token=wrong_token(device))
    colleague = make_user("finance2", is_staff=True, roles=("finance",))

    with pytest.raises(NotAllowed):
        services.second_factor_unlock(user=staff, actor=colleague)
    with pytest.raises(NotAllowed):
        services.second_factor_unlock(user=staff, actor=None)

    assert attempts(staff).locked_until > timezone.now()


def test_the_administrator_lifts_a_lock_out_in_the_admin(client, staff, device, make_user):
    """The administrator role lists the counts and lifts a lock with an admin action; the
    lift shows in the admin's history. Other roles see no such action."""
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.contrib.admin.models import LogEntry
    from django.urls import reverse

    for _ in range(LIMIT):
        with pytest.raises(DomainError):
            services.second_factor_verify(user=staff, token=wrong_token(device))
    url = reverse("admin:accounts_secondfactorattempts_changelist")
    client.force_login(make_user("finance2", is_staff=True, roles=("finance",)))
    assert client.get(url).status_code == 403
    client.force_login(make_user("sysadmin", is_staff=True, roles=("administrator",)))

    response = client.post(url, {"action": "unlock", ACTION_CHECKBOX_NAME: [staff.pk]}, follow=True)

    assert response.status_code == 200
    assert attempts(staff).locked_until is None
    entry = LogEntry.objects.get(object_id=str(staff.pk))
    assert entry.get_change_message() == "Lifted the lock-out."


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_guesses_are_counted_one_after_the_other(make_user):
    """PostgreSQL: twenty codes sent at once are each counted (the person's row is
    locked), so exactly one lock-out follows and no guess slips past the limit."""
    import threading

    from django.db import connection

    staff = make_user("racer", is_staff=True)
    device = enrol(staff)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    code = wrong_token(device)
    barrier = threading.Barrier(20)
    outcomes: list = []
    guard = threading.Lock()

    def guess() -> None:
        try:
            barrier.wait()
            try:
                services.second_factor_verify(user=staff, token=code)
            except DomainError as error:
                with guard:
                    outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    counts = attempts(staff)
    assert len(outcomes) == 20
    assert counts.lockouts == 1
    assert counts.locked_until is not None
    # LIMIT - 1 plain refusals, one that locks, and the rest refused by the lock itself.
    assert outcomes.count("SecondFactorLocked") == 20 - (LIMIT - 1)
