"""The demo staff (accounts/demo.py): someone in every role, and enough people to try the
rules that need two of them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from accounts import demo
from accounts.roles import ROLES
from mutualsociety.common import services
from mutualsociety.common.models import Society

pytestmark = pytest.mark.django_db


def test_every_role_has_a_demo_person_and_a_second_run_adds_none():
    first = demo.seed()
    again = demo.seed()

    users = get_user_model().objects.filter(username__in=[d.username for d in demo.DEMO_STAFF])
    roles = {d.role for d in demo.DEMO_STAFF}
    assert {role.slug for role in ROLES} <= roles
    assert all(created for _d, created in first)
    assert not any(created for _d, created in again)
    assert users.count() == len(demo.DEMO_STAFF)
    assert all(user.check_password(demo.DEMO_PASSWORD) for user in users)


def test_the_administrator_role_is_a_person_of_its_own_not_a_superuser():
    """sysadmin holds the administrator's role: it switches the two-factor rule, and is no
    superuser (the superuser "admin" could do it anyway)."""
    demo.seed()
    sysadmin = get_user_model().objects.get(username="sysadmin")

    assert not sysadmin.is_superuser
    assert sysadmin.has_perm(services.SECURITY_PERM)
    services.society_security_change(
        actor=sysadmin, require_staff_two_factor=True, reason="Tried in the demo."
    )
    assert Society.objects.get(pk=1).require_staff_two_factor is True


def test_two_people_of_finance_can_try_the_bank_account_maker_checker():
    """finance proposes a new bank account and finance2 approves it."""
    demo.seed()
    User = get_user_model()  # noqa: N806
    finance, finance2 = User.objects.get(username="finance"), User.objects.get(username="finance2")

    change = services.society_bank_account_propose(
        actor=finance,
        bank_name="Bank of China",
        bank_account_name="Tongzhou Mutual",
        bank_account_number="6222 0000 1111 2222",
        reason="Tried in the demo.",
    )
    services.society_bank_account_approve(change=change, actor=finance2)

    assert Society.objects.get(pk=1).bank_account_number == "6222 0000 1111 2222"
