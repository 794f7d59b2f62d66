"""The set-based daily jobs against each other and against a payment (PostgreSQL).

A batch locks its members, then reads their condition again in a new statement, so two
runs at once act once (the second waits on the first's locks, then finds the members
moved), and a member whose payment commits while the job waits is not suspended.
"""

from __future__ import annotations

import datetime as dt

import pytest

from members.models import Member, MemberEvent
from members.services.jobs import memberships_enforce_grace
from tests.members.factories import consent_documents_make, member_make, pay, premium_plan_make
from tests.members.services.test_billing_concurrency import hold_then_run

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("chart_of_accounts")]


@pytest.fixture
def members():
    consent_documents_make()
    version = premium_plan_make()
    return [member_make(version), member_make(version)]


def _day_after_grace(member: Member) -> dt.date:
    return member.dues.get().grace_ends_on + dt.timedelta(days=1)


def test_two_runs_at_once_suspend_each_member_once(members):
    day = _day_after_grace(members[0])
    results: list[dict[str, int]] = []

    errors = hold_then_run(
        lambda: results.append(memberships_enforce_grace(today=day)),
        lambda: results.append(memberships_enforce_grace(today=day)),
    )

    assert errors == []
    assert sorted(r["suspended"] for r in results) == [0, 2]
    for member in members:
        member.refresh_from_db()
        assert (member.status, member.suspended_on) == (Member.Status.SUSPENDED, day)
        assert (
            member.events.filter(type=MemberEvent.Type.STATUS, new_value="suspended").count() == 1
        )


def test_a_payment_committed_while_the_job_waits_keeps_the_member_active(members):
    payer, other = members
    day = _day_after_grace(payer)
    results: list[dict[str, int]] = []

    errors = hold_then_run(
        lambda: pay(payer, "30.00"),
        lambda: results.append(memberships_enforce_grace(today=day)),
    )

    assert errors == []
    assert results == [{"suspended": 1, "lapsed": 0, "failed": 0}]
    payer.refresh_from_db()
    other.refresh_from_db()
    assert (payer.status, other.status) == (Member.Status.ACTIVE, Member.Status.SUSPENDED)
