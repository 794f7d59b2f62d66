"""The members daily jobs under change: a member who changed between the job's query and
its lock is left alone, and one refused member or coverage does not stop the run."""

from __future__ import annotations

import datetime as dt
import logging
from unittest import mock

import pytest
from django.utils import timezone

from members import tasks
from members.models import ContributionDue, Member
from members.services import billing, contributions, jobs, lifecycle
from members.services.enrolment import coverage_open
from members.services.lifecycle import (
    coverages_expire,
    member_suspend,
    memberships_enforce_grace,
    withdrawals_complete,
)
from members.transitions import MEMBER
from mutualsociety.common.exceptions import InvalidInput, TransitionNotAllowed
from tests.members.factories import member_make, mutual_aid_plan_make, pay, premium_plan_make
from tests.members.services.test_tasks import run_twice

pytestmark = pytest.mark.django_db


def before_first_lock(action):
    """Patch the jobs' batch lock so that ``action(member_id)`` runs once, for the first
    candidate, just before the first batch is locked: what another request could do
    after the job chose its candidates."""
    real = jobs.members_lock
    done: list[int] = []

    def lock(members):
        if not done:
            member_id = members.order_by("pk").values_list("pk", flat=True).first()
            done.append(member_id)
            action(member_id)
        return real(members)

    return mock.patch.object(jobs, "members_lock", lock)


def test_a_member_who_paid_after_the_query_is_not_suspended(premium):
    member = member_make(premium)
    due = member.dues.get()
    day = due.grace_ends_on + dt.timedelta(days=1)

    with before_first_lock(lambda _id: pay(member, "30.00")):
        result = memberships_enforce_grace(today=day)

    assert result == {"suspended": 0, "lapsed": 0, "failed": 0}
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE


def test_a_member_reinstated_after_the_query_does_not_lapse(premium):
    member = member_make(premium)
    member_suspend(member=member, reason="Test.")
    member.refresh_from_db()

    with before_first_lock(
        lambda member_id: Member.objects.filter(pk=member_id).update(
            status=Member.Status.ACTIVE, lapses_on=None
        )
    ):
        result = memberships_enforce_grace(today=member.lapses_on)

    assert result == {"suspended": 0, "lapsed": 0, "failed": 0}
    member.refresh_from_db()
    assert member.status == Member.Status.ACTIVE


def test_a_refused_suspension_is_logged_and_the_others_still_suspended(premium, caplog):
    first, second = member_make(premium), member_make(premium)
    day = first.dues.get().grace_ends_on + dt.timedelta(days=1)
    real = MEMBER.check
    calls: list[str] = []

    def check(old, new):
        calls.append(new)
        if len(calls) == 1:
            raise TransitionNotAllowed("Withdrawn meanwhile.")
        return real(old, new)

    with (
        mock.patch.object(MEMBER, "check", check),
        caplog.at_level(logging.WARNING, logger="members.services.jobs"),
    ):
        # One member per batch: the refusal is the first batch's, the second is moved.
        result = memberships_enforce_grace(today=day, batch_size=1)

    assert result == {"suspended": 1, "lapsed": 0, "failed": 1}
    statuses = set(
        Member.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == {Member.Status.ACTIVE, Member.Status.SUSPENDED}
    assert "Withdrawn meanwhile." in caplog.text


def test_a_coverage_that_cannot_be_billed_does_not_stop_the_others(premium, caplog):
    """Billing is set-based by batches of members: a batch refused (here its ledger entry,
    one batch per member) is rolled back and logged with its first coverage; the others
    are billed, and the next run bills what the failed one left out."""
    members = [member_make(premium) for _ in range(3)]
    real = billing.entry_post
    calls: list[int] = []

    def entry_post(**kwargs):
        calls.append(int(kwargs["source_id"]))
        if len(calls) == 1:
            raise InvalidInput("Poisoned.")
        return real(**kwargs)

    next_month = timezone.localdate() + dt.timedelta(days=31)
    with (
        mock.patch.object(billing, "entry_post", entry_post),
        caplog.at_level(logging.WARNING, logger="members.services.billing"),
    ):
        result = contributions.premiums_bill(today=next_month, batch_size=1)

    assert result == {"billed": 2, "failed": 1}
    assert f"coverage {calls[0]}" in caplog.text
    assert ContributionDue.objects.filter(member__in=members).count() == 5
    # The next run bills what the failed one left out.
    assert contributions.premiums_bill(today=next_month) == {"billed": 1, "failed": 0}


def test_a_withdrawal_already_completed_after_the_query_is_not_repeated(premium):
    member = member_make(mutual_aid_plan_make(withdrawal_notice_days=10))
    lifecycle.member_withdraw_request(member=member)
    member.refresh_from_db()
    effective = member.withdrawal_effective_on

    with before_first_lock(
        lambda member_id: Member.objects.filter(pk=member_id).update(status=Member.Status.WITHDRAWN)
    ):
        assert withdrawals_complete(today=effective) == {"withdrawn": 0, "failed": 0}


def test_expire_coverages_twice_ends_once(documents):
    """The task ends cover past a term that does not renew; the second run changes nothing."""
    version = premium_plan_make(auto_renew=False, policy_term_months=1)
    member = member_make(mutual_aid_plan_make())
    coverage_open(
        member=member,
        version=version,
        frequency="monthly",
        start=timezone.localdate() - dt.timedelta(days=70),
    )

    assert run_twice(tasks.expire_coverages) == (
        {"ended": 1, "failed": 0},
        {"ended": 0, "failed": 0},
    )
    assert coverages_expire() == {"ended": 0, "failed": 0}


def test_the_tasks_take_the_day_they_run_for(premium):
    """A task given a day (an ISO date, as JSON) runs the service for that day."""
    member = member_make(premium)
    grace_over = member.dues.get().grace_ends_on + dt.timedelta(days=1)

    assert run_twice(tasks.enforce_grace, grace_over.isoformat())[0] == {
        "suspended": 1,
        "lapsed": 0,
        "failed": 0,
    }
    member.refresh_from_db()
    assert member.suspended_on == grace_over
    first, second = run_twice(tasks.bill_premiums, grace_over.isoformat())
    assert first["billed"] >= 1
    assert second == {"billed": 0, "failed": 0}


def test_the_grace_job_sets_each_lapse_date_by_the_longest_period_of_the_cover_in_force():
    """Suspended by the daily job, a member lapses after the longest lapse period of their
    cover in force (730 days by default; a plan may set its own)."""
    short = premium_plan_make(lapse_after_days=365)
    long = premium_plan_make(lapse_after_days=900)
    on_default, on_short, on_both = member_make(), member_make(short), member_make(short)
    coverage_open(
        member=on_both,
        version=long,
        frequency="monthly",
        start=on_both.coverages.get().start_date,
    )
    day = max(d.grace_ends_on for d in ContributionDue.objects.all()) + dt.timedelta(days=1)

    assert memberships_enforce_grace(today=day, batch_size=2) == {
        "suspended": 3,
        "lapsed": 0,
        "failed": 0,
    }
    lapses = dict(Member.objects.values_list("pk", "lapses_on"))
    assert lapses == {
        on_default.pk: day + dt.timedelta(days=730),
        on_short.pk: day + dt.timedelta(days=365),
        on_both.pk: day + dt.timedelta(days=900),
    }
    assert set(Member.objects.values_list("suspended_on", flat=True)) == {day}
