"""members.services.lifecycle: suspension after the grace period, reinstatement, lapse,
withdrawal (PRC Insurance Law arts. 36 and 37; the plan's withdrawal rules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ledger.models import JournalEntry
from members.calculations import add_months
from members.models import ContributionDue, Coverage, Member, MemberEvent
from members.services.contributions import coverage_bill
from members.services.enrolment import coverage_open
from members.services.lifecycle import (
    member_lapse,
    member_mark_deceased,
    member_reinstate,
    member_suspend,
    member_withdraw_request,
    memberships_enforce_grace,
    withdrawals_complete,
)
from mutualsociety.common.exceptions import InvalidInput, TransitionNotAllowed
from tests.members.factories import enrol, member_make, mutual_aid_plan_make, pay

pytestmark = pytest.mark.django_db


def status(member: Member) -> tuple[str, list[str]]:
    member.refresh_from_db()
    return member.status, list(member.coverages.values_list("status", flat=True))


def history() -> tuple[int, int]:
    return MemberEvent.objects.count(), JournalEntry.objects.count()


@pytest.fixture
def in_arrears(premium) -> Member:
    """A member (with mutual aid cover too) whose premium cover started 90 days ago and
    who never paid: the first premium is past its 60-day grace period today, the later
    ones are not."""
    member = member_make(mutual_aid_plan_make())
    today = timezone.localdate()
    coverage = coverage_open(
        member=member, version=premium, frequency="monthly", start=today - dt.timedelta(days=90)
    )
    coverage_bill(coverage=coverage, until=today)
    first = member.dues.order_by("due_date").first()
    assert first.grace_ends_on < today
    return member


# --- Grace period, suspension, reinstatement, lapse ---


def test_an_unpaid_premium_suspends_the_day_after_the_grace_period(premium):
    member = member_make(premium)
    due = member.dues.get()

    assert memberships_enforce_grace(today=due.grace_ends_on) == {
        "suspended": 0,
        "lapsed": 0,
        "failed": 0,
    }
    assert status(member) == (Member.Status.ACTIVE, [Coverage.Status.IN_FORCE])

    result = memberships_enforce_grace(today=due.grace_ends_on + dt.timedelta(days=1))

    assert result == {"suspended": 1, "lapsed": 0, "failed": 0}
    assert status(member) == (Member.Status.SUSPENDED, [Coverage.Status.SUSPENDED])
    # The job's day, not the calendar's: a late or replayed run dates it as its day.
    assert member.suspended_on == due.grace_ends_on + dt.timedelta(days=1)
    assert member.lapses_on == member.suspended_on + dt.timedelta(days=730)
    event = member.events.filter(type=MemberEvent.Type.STATUS).first()
    assert (event.old_value, event.new_value) == ("active", "suspended")
    assert "grace period" in event.reason


def test_enforcing_grace_twice_changes_nothing_the_second_time(in_arrears):
    assert memberships_enforce_grace() == {"suspended": 1, "lapsed": 0, "failed": 0}
    before = history()

    assert memberships_enforce_grace() == {"suspended": 0, "lapsed": 0, "failed": 0}

    assert history() == before
    assert status(in_arrears)[0] == Member.Status.SUSPENDED


def test_a_paid_premium_does_not_suspend(premium):
    member = member_make(premium)
    due = member.dues.get()
    pay(member, "30.00")

    assert memberships_enforce_grace(today=due.grace_ends_on + dt.timedelta(days=1)) == {
        "suspended": 0,
        "lapsed": 0,
        "failed": 0,
    }


def test_paying_the_arrears_reinstates(in_arrears):
    """Part of the arrears keeps the membership suspended; the rest reinstates it and its
    cover (art. 37), and the suspension dates are cleared."""
    memberships_enforce_grace()

    pay(in_arrears, "29.99")
    assert status(in_arrears) == (Member.Status.SUSPENDED, [Coverage.Status.SUSPENDED] * 2)

    pay(in_arrears, "0.01")

    assert status(in_arrears) == (Member.Status.ACTIVE, [Coverage.Status.IN_FORCE] * 2)
    assert (in_arrears.suspended_on, in_arrears.lapses_on) == (None, None)
    assert in_arrears.events.filter(
        type=MemberEvent.Type.STATUS, new_value="active", reason="Arrears paid."
    ).exists()


def test_reinstating_by_hand_needs_the_arrears_paid(in_arrears):
    memberships_enforce_grace()

    with pytest.raises(InvalidInput, match="still overdue"):
        member_reinstate(member=in_arrears, reason="Asked nicely.")

    assert status(in_arrears)[0] == Member.Status.SUSPENDED


def test_only_a_suspended_membership_is_reinstated(premium):
    with pytest.raises(TransitionNotAllowed):
        member_reinstate(member=member_make(premium), reason="No.")


def test_a_suspension_not_reinstated_in_time_lapses(in_arrears):
    memberships_enforce_grace()
    in_arrears.refresh_from_db()
    lapses_on = in_arrears.lapses_on

    assert memberships_enforce_grace(today=lapses_on - dt.timedelta(days=1)) == {
        "suspended": 0,
        "lapsed": 0,
        "failed": 0,
    }
    assert memberships_enforce_grace(today=lapses_on) == {"suspended": 0, "lapsed": 1, "failed": 0}

    assert status(in_arrears) == (Member.Status.LAPSED, [Coverage.Status.LAPSED] * 2)
    # Cover ends on the lapse date, whatever day the job runs.
    assert set(in_arrears.coverages.values_list("end_date", flat=True)) == {lapses_on}
    before = history()
    assert memberships_enforce_grace(today=lapses_on) == {"suspended": 0, "lapsed": 0, "failed": 0}
    assert history() == before


def test_a_lapsed_membership_is_not_reinstated_by_paying(in_arrears):
    memberships_enforce_grace()
    member_lapse(member=in_arrears, reason="Test.")

    pay(in_arrears, "90.00")

    assert status(in_arrears)[0] == Member.Status.LAPSED
    with pytest.raises(TransitionNotAllowed):
        member_reinstate(member=in_arrears, reason="Too late.")


def test_a_suspension_past_its_lapse_date_cannot_be_reinstated(in_arrears):
    memberships_enforce_grace()
    Member.objects.filter(pk=in_arrears.pk).update(lapses_on=timezone.localdate())

    with pytest.raises(TransitionNotAllowed, match="lapse period ended"):
        member_reinstate(member=in_arrears, reason="Too late.")


def test_transitions_outside_the_table_are_refused(premium):
    applicant = enrol(premium, yes=("refer",)).member

    with pytest.raises(TransitionNotAllowed):
        member_suspend(member=applicant, reason="No.")
    with pytest.raises(TransitionNotAllowed):
        member_lapse(member=member_make(premium), reason="Active members do not lapse.")


def test_a_death_needs_how_it_was_established_and_ends_cover(premium, make_user):
    member = member_make(premium)
    clerk = make_user("clerk", is_staff=True)

    with pytest.raises(InvalidInput):
        member_mark_deceased(member=member, actor=clerk, reason=" ")
    member_mark_deceased(member=member, actor=clerk, reason="Death certificate seen.")

    assert status(member) == (Member.Status.DECEASED, [Coverage.Status.ENDED])


@pytest.mark.parametrize("died_on", [dt.date(1, 1, 1), "the day before joining"])
def test_a_date_of_death_before_the_member_joined_is_refused(premium, make_user, died_on):
    """A date of death cancels every premium of a period from that day on and ends cover
    then: 0001-01-01 (a mistyped year) turned every premium the member had paid into an
    advance for the estate, reversed the premium income of past years and ended the cover
    before it began. A death before the membership began is refused on ``died_on``, and
    nothing changes."""
    member = member_make(premium)
    pay(member, "30.00")
    if not isinstance(died_on, dt.date):
        died_on = member.joined_on - dt.timedelta(days=1)
    dues_before = list(member.dues.values_list("pk", "status", "paid_amount"))
    before = history()

    with pytest.raises(InvalidInput) as refused:
        member_mark_deceased(
            member=member,
            actor=make_user("clerk", is_staff=True),
            reason="Death certificate seen.",
            died_on=died_on,
        )

    assert set(refused.value.fields) == {"died_on"}
    assert f"before {member.joined_on.isoformat()}, when the member joined" in (
        refused.value.message
    )
    assert status(member) == (Member.Status.ACTIVE, [Coverage.Status.IN_FORCE])
    assert list(member.dues.values_list("pk", "status", "paid_amount")) == dues_before
    assert history() == before


# --- Withdrawal ---


def test_a_withdrawal_takes_effect_after_the_paid_period(premium):
    """With the month paid for, the withdrawal takes effect the day after it; the daily
    job withdraws the member on that day, and a second run does nothing."""
    member = member_make(premium)
    pay(member, "30.00")
    paid_to = member.dues.get().period_end

    member_withdraw_request(member=member, actor=member.user, reason="Moving abroad.")

    member.refresh_from_db()
    assert member.withdrawal_effective_on == paid_to + dt.timedelta(days=1)
    assert member.status == Member.Status.ACTIVE
    assert member.events.filter(type=MemberEvent.Type.WITHDRAWAL).exists()
    assert withdrawals_complete(today=paid_to) == {"withdrawn": 0, "failed": 0}
    assert status(member)[0] == Member.Status.ACTIVE

    assert withdrawals_complete(today=member.withdrawal_effective_on) == {
        "withdrawn": 1,
        "failed": 0,
    }

    assert status(member) == (Member.Status.WITHDRAWN, [Coverage.Status.ENDED])
    before = history()
    assert withdrawals_complete(today=member.withdrawal_effective_on) == {
        "withdrawn": 0,
        "failed": 0,
    }
    assert history() == before


def test_a_withdrawal_waits_for_the_plans_notice(documents):
    version = mutual_aid_plan_make(withdrawal_notice_days=30)
    member = member_make(version)

    member_withdraw_request(member=member)

    member.refresh_from_db()
    assert member.withdrawal_effective_on == timezone.localdate() + dt.timedelta(days=30)
    assert member.status == Member.Status.ACTIVE


def test_without_notice_or_a_paid_period_the_withdrawal_is_immediate(aid):
    member = member_make(aid)

    member_withdraw_request(member=member, reason="No longer needed.")

    assert status(member) == (Member.Status.WITHDRAWN, [Coverage.Status.ENDED])
    assert member.withdrawal_effective_on == timezone.localdate()


def test_withdrawal_is_asked_once_and_only_by_a_member(premium, aid):
    member = member_make(premium)
    pay(member, "30.00")
    member_withdraw_request(member=member)

    with pytest.raises(InvalidInput, match="already"):
        member_withdraw_request(member=member)
    with pytest.raises(TransitionNotAllowed):
        member_withdraw_request(member=enrol(aid, yes=("refer",)).member)


def test_premiums_for_periods_after_the_cover_ends_are_cancelled_and_reversed(premium):
    """Billed ahead, the premiums of the periods from the day the withdrawal takes effect
    are cancelled, and their ledger entries reversed so that nothing stays receivable."""
    member = member_make(premium)
    pay(member, "30.00")
    coverage = member.coverages.get()
    coverage_bill(coverage=coverage, until=add_months(timezone.localdate(), 2))
    member_withdraw_request(member=member)
    member.refresh_from_db()

    withdrawals_complete(today=member.withdrawal_effective_on)

    dues = list(member.dues.order_by("due_date"))
    assert [d.status for d in dues] == ["paid", "cancelled", "cancelled"]
    receivable = sum(
        JournalEntry.objects.filter(postings__account__code="1122").values_list(
            "postings__amount", flat=True
        ),
        Decimal("0.00"),
    )
    assert receivable == Decimal("0.00")
    for due in dues[1:]:
        assert JournalEntry.objects.filter(reverses=due.ledger_entry).exists()


def test_a_premium_for_a_period_starting_the_day_cover_ends_is_not_owed(premium):
    """Withdrawing at once with nothing paid: cover ends today, so the premium billed for
    the period starting today is cancelled and reversed (whatever order the daily jobs
    ran in)."""
    member = member_make(premium)
    due = member.dues.get()
    assert due.period_start == timezone.localdate()

    member_withdraw_request(member=member)

    due.refresh_from_db()
    assert status(member) == (Member.Status.WITHDRAWN, [Coverage.Status.ENDED])
    assert due.status == ContributionDue.Status.CANCELLED
    reversal = JournalEntry.objects.get(reverses=due.ledger_entry)
    assert sorted(reversal.postings.values_list("account__code", "amount")) == [
        ("1122", Decimal("-30.00")),
        ("6031", Decimal("30.00")),
    ]


def test_a_lapse_writes_off_the_unpaid_premiums(in_arrears):
    """Premiums a lapsed membership never paid will not be collected (PRC Insurance Law
    art. 38): they are cancelled and the receivable written off (Dr 6031 / Cr 1122)."""
    memberships_enforce_grace()
    owed = list(in_arrears.dues.filter(status="open").values_list("pk", flat=True))
    assert owed

    member_lapse(member=in_arrears, reason="Test.")

    assert set(in_arrears.dues.filter(pk__in=owed).values_list("status", flat=True)) == {
        ContributionDue.Status.CANCELLED
    }
    receivable = sum(
        JournalEntry.objects.filter(postings__account__code="1122").values_list(
            "postings__amount", flat=True
        ),
        Decimal("0.00"),
    )
    assert receivable == Decimal("0.00")


def test_a_mutual_aid_member_who_leaves_still_owes_shares_on_notice(aid):
    """Shares of claims already apportioned stay owed after a withdrawal."""
    from members.services.contributions import due_create

    member = member_make(aid)
    today = timezone.localdate()
    share, _created = due_create(
        coverage=member.coverages.get(),
        kind=ContributionDue.Kind.SHARE,
        period_start=today,
        period_end=today,
        due_date=today,
        amount=Decimal("1.23"),
    )

    member_withdraw_request(member=member)

    share.refresh_from_db()
    assert status(member)[0] == Member.Status.WITHDRAWN
    assert share.status == ContributionDue.Status.OPEN
    assert not JournalEntry.objects.filter(reverses__isnull=False).exists()
