"""members.selectors: the members in force on a day, in all and by plan (the disclosure
pages' count), rebuilt from the membership log and the coverages' dates, in one query
whatever the number of members."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.utils import timezone

from members.selectors import (
    members_in_force,
    members_in_force_by_plan,
    members_in_force_count,
)
from members.services.enrolment import coverage_apply
from members.services.lifecycle import member_mark_deceased, member_suspend
from tests.claims import factories as claims_factories
from tests.members.factories import (
    answers_for,
    enrol,
    mutual_aid_plan_make,
    premium_plan_make,
)

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@contextmanager
def on_day(day: dt.date):
    """Run the services as on ``day`` (at 09:00 in the society's time): they date the
    cover, the joining and the membership log by the clock."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def covered_member(version, *, days: int = 400):
    """A member admitted and covered ``days`` ago, through the services on that day."""
    with on_day(days_ago(days)):
        return claims_factories.covered_member(version, days_ago=0)


@pytest.fixture
def plans():
    with on_day(days_ago(500)):
        return premium_plan_make(), mutual_aid_plan_make()


@pytest.fixture
def society(plans, make_user):
    """alice: premium cover for 400 days. bob: premium cover for 400 days and mutual aid
    cover from today. carol: suspended today. dave: died yesterday (cover ended then).
    erin: joined 10 days ago. frank: an application referred, not a member yet."""
    premium, aid = plans
    alice = covered_member(premium)
    bob = covered_member(premium)
    coverage_apply(member=bob, plan=aid.plan.code, answers=answers_for(aid), actor=bob.user)
    carol = covered_member(premium)
    member_suspend(member=carol, reason="Premium unpaid past the grace period.")
    dave = covered_member(premium)
    staff = make_user("registrar", is_staff=True)
    member_mark_deceased(member=dave, actor=staff, reason="Death certificate.", died_on=days_ago(1))
    erin = covered_member(premium, days=10)
    enrol(premium, yes=("refer",))
    return {"alice": alice, "bob": bob, "carol": carol, "dave": dave, "erin": erin}


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (0, {"alice", "bob", "erin"}),
        (1, {"alice", "bob", "carol", "erin"}),  # dave's cover ended yesterday
        (2, {"alice", "bob", "carol", "dave", "erin"}),
        (20, {"alice", "bob", "carol", "dave"}),  # erin joined 10 days ago
    ],
)
def test_who_is_in_force_on_a_day(society, ago, expected):
    """Active that day by the membership log (a suspended member's cover is
    suspended) and covered that day by the coverages' dates; each member once."""
    day = days_ago(ago)
    names = {name for name, m in society.items() if members_in_force(as_of=day).filter(pk=m.pk)}
    assert names == expected
    assert members_in_force_count(as_of=day) == len(expected)


def test_by_plan_counts_each_plan_a_member_is_covered_by(society, plans):
    """bob counts under both plans; a plan with nobody in force is listed with 0."""
    premium, aid = plans
    today = {r["plan_code"]: r["members"] for r in members_in_force_by_plan(as_of=days_ago(0))}
    assert today == {premium.plan.code: 3, aid.plan.code: 1}
    before = {r["plan_code"]: r for r in members_in_force_by_plan(as_of=days_ago(20))}
    assert before[premium.plan.code]["members"] == 4
    assert before[aid.plan.code]["members"] == 0  # bob's mutual aid cover starts today
    assert before[aid.plan.code]["plan_kind"] == "mutual_aid"
    assert before[aid.plan.code]["plan_name"] == aid.plan.display_name


def test_nobody_in_force(plans):
    assert members_in_force_count(as_of=days_ago(0)) == 0
    assert {r["members"] for r in members_in_force_by_plan(as_of=days_ago(0))} == {0}


def test_one_query_whatever_the_number_of_members(plans, django_assert_num_queries):
    premium, aid = plans
    covered_member(premium)
    with django_assert_num_queries(1):
        assert members_in_force_count(as_of=days_ago(0)) == 1
    with django_assert_num_queries(1):
        members_in_force_by_plan(as_of=days_ago(0))
    for _ in range(4):
        covered_member(aid)
    member_suspend(member=covered_member(premium), reason="Unpaid.")
    with django_assert_num_queries(1):
        assert members_in_force_count(as_of=days_ago(0)) == 5
    with django_assert_num_queries(1):
        rows = members_in_force_by_plan(as_of=days_ago(0))
    assert sum(r["members"] for r in rows) == 5
