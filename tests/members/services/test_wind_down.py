"""Starting a mutual aid plan's wind-down: the board's approval recorded, a second person
starts it, new members refused at once (every path), waiting applications declined and
everyone told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from members.models import Application, Member, Notification, Plan, WindDown
from members.services.enrolment import coverage_apply
from members.services.wind_down import (
    plan_wind_down_cancel,
    plan_wind_down_propose,
    plan_wind_down_start,
)
from mutualsociety.common.exceptions import (
    FourEyesViolation,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
)
from tests.members.factories import answers_for, enrol, member_make, user_with_perms

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
PERM = "members.manage_wind_down"

BOARD = {
    "reason": "监管要求停止运营。",
    "board_resolution_reference": "BR-2026-07",
    "board_minutes_reference": "minutes/2026-07.pdf",
}


@pytest.fixture
def secretary(db):
    return user_with_perms("secretary", PERM)


@pytest.fixture
def officer(db):
    return user_with_perms("officer", PERM)


def propose(aid, actor, **changes):
    values = {**BOARD, "board_resolved_on": TODAY() - dt.timedelta(days=2), **changes}
    return plan_wind_down_propose(plan=aid.plan, actor=actor, **values)


def started(aid, secretary, officer) -> WindDown:
    return plan_wind_down_start(wind_down=propose(aid, secretary), actor=officer)


def test_every_field_of_the_board_approval_is_required(aid, secretary):
    with pytest.raises(InvalidInput) as refused:
        plan_wind_down_propose(
            plan=aid.plan,
            reason=" ",
            board_resolution_reference="",
            board_resolved_on=None,
            board_minutes_reference="",
            actor=secretary,
        )
    assert set(refused.value.fields) == {
        "reason",
        "board_resolution_reference",
        "board_resolved_on",
        "board_minutes_reference",
    }
    with pytest.raises(InvalidInput) as future:
        propose(aid, secretary, board_resolved_on=TODAY() + dt.timedelta(days=1))
    assert set(future.value.fields) == {"board_resolved_on"}
    with pytest.raises(InvalidInput) as window:
        propose(aid, secretary, tail_window_days=0)
    assert set(window.value.fields) == {"tail_window_days"}
    assert not WindDown.objects.exists()


def test_the_default_tail_window_is_180_days_and_only_mutual_aid_plans(aid, premium, secretary):
    row = propose(aid, secretary)
    assert (row.status, row.tail_window_days, row.stop_date) == ("proposed", 180, None)
    with pytest.raises(InvalidInput) as premium_refused:
        plan_wind_down_propose(
            plan=premium.plan,
            actor=secretary,
            board_resolved_on=TODAY(),
            **BOARD,
        )
    assert set(premium_refused.value.fields) == {"plan"}
    with pytest.raises(InvalidInput):
        propose(aid, secretary)  # one wind-down per plan


def test_the_person_who_recorded_it_cannot_start_it(aid, secretary, officer):
    row = propose(aid, secretary)

    with pytest.raises(FourEyesViolation):
        plan_wind_down_start(wind_down=row, actor=secretary)
    row.refresh_from_db()
    assert row.status == WindDown.Status.PROPOSED

    row = plan_wind_down_start(wind_down=row, actor=officer)
    assert (row.status, row.stop_date, row.started_by) == ("started", TODAY(), officer)
    assert row.claims_until == TODAY() + dt.timedelta(days=180)
    assert not Plan.objects.get(pk=aid.plan_id).is_open
    assert plan_wind_down_start(wind_down=row, actor=officer).stop_date == TODAY()


def test_without_the_permission_nothing_is_recorded(aid):
    clerk = get_user_model().objects.create_user(username="clerk", password="x", is_staff=True)
    with pytest.raises(NotAllowed):
        propose(aid, clerk)
    assert not WindDown.objects.exists()


def test_a_proposed_wind_down_can_be_cancelled_a_started_one_not(aid, secretary, officer):
    row = propose(aid, secretary)
    assert plan_wind_down_cancel(wind_down=row, actor=officer).status == "cancelled"
    # cancelled: the plan may be proposed again
    again = started(aid, secretary, officer)
    with pytest.raises(TransitionNotAllowed):
        plan_wind_down_cancel(wind_down=again, actor=secretary)


def test_enrolment_is_refused_at_once_with_the_dates(aid, premium, secretary, officer):
    started(aid, secretary, officer)
    members = Member.objects.count()

    with pytest.raises(InvalidInput) as refused:
        enrol(aid)

    message = refused.value.fields["plan"][0]
    assert "is in wind-down since" in message and "takes no new members" in message
    assert "accepted until" in message
    assert Member.objects.count() == members
    # An existing member cannot add it either, even if staff reopen the plan by mistake.
    Plan.objects.filter(pk=aid.plan_id).update(is_open=True)
    member = member_make(premium)
    with pytest.raises(InvalidInput) as add_refused:
        coverage_apply(member=member, plan="aid", answers=answers_for(aid))
    assert "is in wind-down since" in add_refused.value.fields["plan"][0]


def test_waiting_applications_are_declined_and_everyone_is_told(aid, secretary, officer):
    covered = [member_make(aid) for _ in range(3)]
    waiting = enrol(aid, yes=("refer",))
    assert waiting.status == Application.Status.REFERRED

    row = started(aid, secretary, officer)

    waiting.refresh_from_db()
    assert waiting.status == Application.Status.DECLINED
    assert "is in wind-down since" in waiting.reasons[0]
    declined = Notification.objects.filter(key__startswith=f"members.wind-down-declined:{row.pk}")
    assert list(declined.values_list("member_id", flat=True)) == [waiting.member_id]
    told = Notification.objects.filter(key__startswith=f"members.wind-down-started:{row.pk}")
    assert set(told.values_list("member_id", flat=True)) == {m.pk for m in covered}
    assert "BR-2026-07" not in told.first().body  # the reason, not the file number
    assert "监管要求停止运营" in told.first().body or "regulator" in told.first().body.lower()

    plan_wind_down_start(wind_down=row, actor=officer)
    assert told.count() == 3 and declined.count() == 1


def test_an_enrolment_that_read_the_plan_before_the_start_is_refused_under_the_lock(
    aid, secretary, officer, monkeypatch
):
    """The race: an enrolment checked the plan while it was open, then the wind-down
    started before the application was written. The application is written under the
    plan's lock, which sees the wind-down: refused on ``plan``, nothing saved."""
    import members.services.enrolment as enrolment

    read_before = enrolment.plan_for_enrolment("aid")  # the plan as open, its terms
    started(aid, secretary, officer)
    monkeypatch.setattr(enrolment, "plan_for_enrolment", lambda code, errors=None: read_before)
    members, applications = Member.objects.count(), Application.objects.count()

    with pytest.raises(InvalidInput) as refused:
        enrol(aid)

    assert "is in wind-down since" in refused.value.fields["plan"][0]
    assert (Member.objects.count(), Application.objects.count()) == (members, applications)
