"""members.selectors.members_in_good_standing_on: a member's status at the end of a past
day is the ``from`` of their first logged status change after it (status now if none),
whatever changed later — the voter roll of a late freeze, the stress tests' member count
and the members in force all read it."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from members.models import Member
from members.selectors import members_in_force_count, members_in_good_standing_on
from members.services.lifecycle import member_suspend
from members.services.locks import member_lock
from members.services.membership import member_status_set
from tests.claims import factories as claims_factories
from tests.members.factories import premium_plan_make

pytestmark = pytest.mark.django_db


@contextmanager
def at(day: dt.date, hour: int = 9):
    """The services run as at ``hour`` on ``day`` (the society's time), every call at the
    same instant."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def premium():
    with at(days_ago(500)):
        return premium_plan_make()


def covered_member(version):
    """A member admitted and covered 400 days ago, through the services on that day."""
    with at(days_ago(400)):
        return claims_factories.covered_member(version, days_ago=0)


def member_reinstate(*, member: Member, reason: str) -> None:
    """Back to active, logged as the reinstatement service logs it (its check that no
    premium is overdue is not the point here)."""
    with transaction.atomic():
        member_status_set(
            member_lock(member, no_key=True), Member.Status.ACTIVE, actor=None, reason=reason
        )


def standing(day: dt.date) -> set[int]:
    return set(members_in_good_standing_on(day).values_list("pk", flat=True))


def test_the_first_change_after_the_day_decides_not_a_later_one(premium):
    """Suspended 20 days ago and reinstated 10 days ago: active 30 days ago and today,
    not in between; a later suspension does not reach back."""
    member = covered_member(premium)
    with at(days_ago(20)):
        member_suspend(member=member, reason="Unpaid past the grace period.")
    with at(days_ago(10)):
        member_reinstate(member=member, reason="Paid.")
    with at(days_ago(5)):
        member_suspend(member=member, reason="Unpaid again.")
    assert member.pk in standing(days_ago(30))
    assert member.pk not in standing(days_ago(15))
    assert member.pk in standing(days_ago(7))
    assert member.pk not in standing(days_ago(0))
    assert members_in_force_count(as_of=days_ago(7)) == 1
    assert members_in_force_count(as_of=days_ago(15)) == 0


def test_changes_at_the_same_instant_are_taken_in_the_order_they_were_logged(premium):
    """Suspended and reinstated at the same instant after the day: the first logged (the
    suspension, from active) says what the member was that day."""
    member = covered_member(premium)
    with at(days_ago(3)):
        member_suspend(member=member, reason="Unpaid past the grace period.")
        member_reinstate(member=member, reason="Paid the same minute.")
    assert member.pk in standing(days_ago(4))
    assert members_in_force_count(as_of=days_ago(4)) == 1


def test_a_member_with_no_change_since_counts_by_the_status_now(premium):
    active, suspended = covered_member(premium), covered_member(premium)
    with at(days_ago(50)):
        member_suspend(member=suspended, reason="Unpaid past the grace period.")
    assert standing(days_ago(40)) == {active.pk}
    assert standing(days_ago(60)) == {active.pk, suspended.pk}
