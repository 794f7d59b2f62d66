"""Every step of the transition table with who, when and why; illegal steps refused with
nothing changed; the one extension; the one escalation within the window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from governance.models import Body, Mandate
from members.models import Notification, Topic
from mutualsociety.common.exceptions import (
    ImmutableRecord,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
)
from support.models import Complaint, ComplaintEvent
from support.services import (
    complaint_acknowledge,
    complaint_close,
    complaint_escalate,
    complaint_extend,
    complaint_investigate,
    complaint_may_escalate,
    complaint_resolve,
)
from support.transitions import COMPLAINT
from tests.claims.factories import covered_member
from tests.support.factories import file_for, handler_make, resolved, staff_in

pytestmark = pytest.mark.django_db
S = Complaint.Status
T = ComplaintEvent.Type


@pytest.fixture
def member(aid):
    return covered_member(aid)


@pytest.fixture
def handler(db):
    return handler_make(email="handler@example.com")


def _steps(complaint):
    return list(
        complaint.events.order_by("at", "id").values_list(
            "type", "actor__username", "old_value", "new_value", "reason"
        )
    )


def test_the_whole_way_with_who_when_and_why(member, handler):
    complaint = file_for(member)
    complaint_acknowledge(complaint=complaint, actor=handler, note="We are looking into it.")
    complaint_investigate(complaint=complaint, actor=handler)
    complaint_resolve(
        complaint=complaint, outcome=S.PARTLY_UPHELD, answer="Partly right.", actor=handler
    )
    complaint_escalate(complaint=complaint, reason="Not enough.", actor=member.user)
    complaint_close(complaint=complaint, reason="The board confirmed.", actor=handler)

    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED
    assert complaint.resolution == S.PARTLY_UPHELD  # kept after escalation and closing
    who = member.user.username
    assert _steps(complaint) == [
        (T.FILED, who, "", "received", ""),
        (T.ACKNOWLEDGED, handler.username, "received", "acknowledged", "We are looking into it."),
        (T.INVESTIGATING, handler.username, "acknowledged", "investigating", ""),
        (T.RESOLVED, handler.username, "investigating", "partly_upheld", "Partly right."),
        (T.ESCALATED, who, "partly_upheld", "escalated", "Not enough."),
        (T.CLOSED, handler.username, "escalated", "closed", "The board confirmed."),
    ]
    assert all(e.at is not None for e in complaint.events.all())
    # the member was told of every step in the notification centre
    assert Notification.objects.filter(member=member, topic=Topic.COMPLAINTS).count() == 6


def test_events_cannot_be_changed_or_deleted(member):
    event = file_for(member).events.get()
    with pytest.raises(ImmutableRecord):
        event.save()
    with pytest.raises(ImmutableRecord):
        ComplaintEvent.objects.all().delete()


@pytest.mark.parametrize("status", S.values)
def test_every_move_outside_the_table_is_refused(status):
    for new in S.values:
        allowed = COMPLAINT.allowed(status, new)
        if not allowed:
            with pytest.raises(TransitionNotAllowed):
                COMPLAINT.check(status, new)


def test_an_illegal_step_is_refused_and_changes_nothing(member, handler):
    complaint = file_for(member)
    with pytest.raises(TransitionNotAllowed):
        complaint_resolve(complaint=complaint, outcome=S.UPHELD, answer="Yes.", actor=handler)
    with pytest.raises(TransitionNotAllowed):
        complaint_close(complaint=complaint, reason="Done.", actor=handler)

    complaint_acknowledge(complaint=complaint, actor=handler)
    with pytest.raises(TransitionNotAllowed):  # a double click: one effect
        complaint_acknowledge(complaint=complaint, actor=handler)

    complaint.refresh_from_db()
    assert complaint.status == S.ACKNOWLEDGED
    assert complaint.resolved_on is None
    assert complaint.events.count() == 2


def test_only_complaints_staff_take_steps(member):
    complaint = file_for(member)
    for user in (member.user, staff_in("supervisor"), staff_in("claims_handler")):
        with pytest.raises(NotAllowed):
            complaint_acknowledge(complaint=complaint, actor=user)
    assert complaint.events.count() == 1


def test_the_outcome_needs_an_answer_and_a_known_outcome(member, handler):
    complaint = file_for(member)
    complaint_acknowledge(complaint=complaint, actor=handler)
    with pytest.raises(InvalidInput) as error:
        complaint_resolve(complaint=complaint, outcome=S.UPHELD, answer=" ", actor=handler)
    assert set(error.value.fields) == {"answer"}
    with pytest.raises(InvalidInput) as error:
        complaint_resolve(complaint=complaint, outcome=S.CLOSED, answer="x", actor=handler)
    assert set(error.value.fields) == {"outcome"}


def test_the_deadline_is_extended_once_with_a_reason(member, handler):
    complaint = file_for(member)
    first = complaint.resolve_by

    with pytest.raises(InvalidInput) as error:
        complaint_extend(complaint=complaint, reason="", actor=handler)
    assert set(error.value.fields) == {"reason"}

    complaint_extend(complaint=complaint, reason="We need the hospital's file.", actor=handler)
    complaint.refresh_from_db()
    assert complaint.resolve_by == first + dt.timedelta(days=15)
    event = complaint.events.get(type=T.EXTENDED)
    assert (event.old_value, event.new_value) == (
        first.isoformat(),
        complaint.resolve_by.isoformat(),
    )
    assert event.reason == "We need the hospital's file."

    with pytest.raises(InvalidInput, match="once already"):
        complaint_extend(complaint=complaint, reason="Again.", actor=handler)
    complaint.refresh_from_db()
    assert complaint.resolve_by == first + dt.timedelta(days=15)


def test_a_resolved_complaint_is_no_longer_extended(member, handler):
    complaint = resolved(member, handler)
    with pytest.raises(TransitionNotAllowed):
        complaint_extend(complaint=complaint, reason="Late.", actor=handler)


def test_escalation_once_within_the_window_tells_the_supervisory_board(
    member, handler, aid, django_capture_on_commit_callbacks
):
    """The complainant escalates once in the 30 days after the outcome: the members
    sitting on the supervisory board are told, the supervisors e-mailed; a second
    escalation is refused."""
    today = timezone.localdate()
    board = Body.objects.create(kind=Body.Kind.SUPERVISORY_BOARD, name="监事会", seats=3)
    sitting = covered_member(aid)
    Mandate.objects.create(
        body=board,
        member=sitting,
        role=Mandate.Role.SECRETARY,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=300),
    )
    staff_in("supervisor", email="supervisor@example.com")
    complaint = resolved(member, handler, today=today)
    assert complaint.escalation_until == today + dt.timedelta(days=30)

    with django_capture_on_commit_callbacks(execute=True):
        complaint_escalate(complaint=complaint, reason="I disagree.", actor=member.user)

    complaint.refresh_from_db()
    assert (complaint.status, complaint.escalated_on) == (S.ESCALATED, today)
    assert Notification.objects.filter(member=sitting, topic=Topic.COMPLAINTS).exists()
    assert any(m.to == ["supervisor@example.com"] for m in mail.outbox)
    with pytest.raises(TransitionNotAllowed):
        complaint_escalate(complaint=complaint, reason="Again.", actor=member.user)
    assert complaint.events.filter(type=T.ESCALATED).count() == 1


def test_escalation_after_the_window_is_refused(member, handler):
    today = timezone.localdate()
    complaint = resolved(member, handler, today=today - dt.timedelta(days=31))

    assert not complaint_may_escalate(complaint, today=today)
    with pytest.raises(InvalidInput, match="ended"):
        complaint_escalate(complaint=complaint, reason="Late.", actor=member.user, today=today)
    complaint.refresh_from_db()
    assert complaint.status == S.UPHELD
    # the last day of the window is still in it
    assert complaint_may_escalate(complaint, today=complaint.escalation_until)
