"""members.tasks: each daily job, run twice, changes nothing the second time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ledger.models import JournalEntry
from members import tasks
from members.models import ContributionDue, Member, MemberEvent
from members.services.enrolment import coverage_open
from members.services.lifecycle import member_withdraw_request
from tests.members.factories import member_make, mutual_aid_plan_make

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    return (
        list(Member.objects.order_by("pk").values_list("pk", "status", "welcome_sent_at")),
        list(ContributionDue.objects.order_by("pk").values_list("pk", "status", "paid_amount")),
        MemberEvent.objects.count(),
        JournalEntry.objects.count(),
        len(mail.outbox),
    )


def run_twice(task, *args):
    first = task.delay(*args).get()
    before = snapshot()
    second = task.delay(*args).get()
    assert snapshot() == before
    return first, second


@pytest.fixture
def behind(premium) -> Member:
    """A member whose premium cover started 90 days ago, billed only for its first period
    and never paid."""
    member = member_make(mutual_aid_plan_make())
    coverage_open(
        member=member,
        version=premium,
        frequency="monthly",
        start=timezone.localdate() - dt.timedelta(days=90),
    )
    return member


def test_send_welcome_twice_sends_one_email(premium):
    member = member_make(premium)  # on_commit is not run here: nothing sent yet

    assert run_twice(tasks.send_welcome, member.pk) == (True, False)
    assert len(mail.outbox) == 1


def test_bill_premiums_twice_bills_once(behind):
    first, second = run_twice(tasks.bill_premiums)

    assert first["billed"] >= 2
    assert second == {"billed": 0, "failed": 0}


def test_enforce_grace_twice_suspends_once(behind):
    assert run_twice(tasks.enforce_grace) == (
        {"suspended": 1, "lapsed": 0, "failed": 0},
        {"suspended": 0, "lapsed": 0, "failed": 0},
    )
    behind.refresh_from_db()
    assert behind.status == Member.Status.SUSPENDED


def test_complete_withdrawals_twice_withdraws_once(aid):
    member = member_make(mutual_aid_plan_make(withdrawal_notice_days=10))
    member_withdraw_request(member=member)
    # Ten days later: the date has come.
    Member.objects.filter(pk=member.pk).update(withdrawal_effective_on=timezone.localdate())

    assert run_twice(tasks.complete_withdrawals) == (
        {"withdrawn": 1, "failed": 0},
        {"withdrawn": 0, "failed": 0},
    )
    member.refresh_from_db()
    assert member.status == Member.Status.WITHDRAWN
