"""Guessing protection (django-axes): too many wrong passwords lock the account out."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
LIMIT = settings.AXES_FAILURE_LIMIT


@pytest.fixture
def staff(make_user):
    return make_user("staff", is_staff=True)


def fail(client, url: str, times: int, username: str = "staff") -> list[int]:
    return [
        client.post(url, {"username": username, "password": "wrong"}).status_code
        for _ in range(times)
    ]


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_after_the_failure_limit_even_the_right_password_is_refused(client, staff, password, url):
    """After AXES_FAILURE_LIMIT wrong passwords for a username from one address, the
    right password is refused with the lockout page (429) and nobody is signed in."""
    statuses = fail(client, url, LIMIT)

    response = client.post(url, {"username": "staff", "password": password})

    assert statuses[: LIMIT - 1] == [200] * (LIMIT - 1)  # the form again, with an error
    assert statuses[-1] == 429  # the failure that reaches the limit locks
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    # The attempt with the right password while locked out counts as one more failure.
    assert AccessAttempt.objects.get(username="staff").failures_since_start == LIMIT + 1


def test_below_the_limit_the_right_password_works_and_resets(client, staff, password):
    """One failure short of the limit the right password signs in and clears the count."""
    fail(client, LOGIN, LIMIT - 1)

    response = client.post(LOGIN, {"username": "staff", "password": password})

    assert response.status_code == 302
    assert SESSION_KEY in client.session
    assert not AccessAttempt.objects.filter(username="staff").exists()


def test_the_lockout_is_per_username(client, staff, make_user, password):
    """Another person signing in from the same address is not locked out."""
    make_user("colleague")
    fail(client, LOGIN, LIMIT)

    response = client.post(LOGIN, {"username": "colleague", "password": password})

    assert response.status_code == 302
    assert SESSION_KEY in client.session
