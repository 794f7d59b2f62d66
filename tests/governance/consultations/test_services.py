"""Consultations through the services: drafting, opening (who may, what members are
told), answering once and changing until the close, comments and moderation, closing
and publishing (the job, twice)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from governance.exceptions import NotEligible, VotingClosed
from governance.models import (
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    ConsultationEvent,
    ConsultationResponse,
)
from governance.services import consultations as services
from governance.signals import consultation_published
from governance.tasks import close_consultations
from governance.transitions import CONSULTATION
from members.models import Member, Notification, Topic
from mutualsociety.common.exceptions import (
    ImmutableRecord,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
)
from tests.governance.factories import (
    consultation_answers,
    consultation_make,
    meeting_make,
    members_make,
)

pytestmark = pytest.mark.django_db

S = Consultation.Status


def test_the_transition_table_allows_only_forward_moves():
    """draft → open → closed → published; nothing goes back or skips."""
    allowed = {(a, b) for a in S.values for b in S.values if CONSULTATION.allowed(a, b)}
    assert allowed == {(S.DRAFT, S.OPEN), (S.OPEN, S.CLOSED), (S.CLOSED, S.PUBLISHED)}


def test_a_consultation_is_about_exactly_one_meeting_or_proposal(secretary, articles):
    meeting = meeting_make()
    now = timezone.now()
    window = {"opens_at": now, "closes_at": now + dt.timedelta(days=1)}
    with pytest.raises(InvalidInput) as both:
        services.consultation_draft(title="T", meeting=meeting, proposal=object(), **window)
    assert "meeting" in both.value.fields
    with pytest.raises(InvalidInput):
        services.consultation_draft(title="T", **window)
    with pytest.raises(InvalidInput) as order:
        services.consultation_draft(
            title="T", meeting=meeting, opens_at=now, closes_at=now - dt.timedelta(hours=1)
        )
    assert "closes_at" in order.value.fields
    assert Consultation.objects.count() == 0


def test_the_database_refuses_a_consultation_with_two_subjects(articles):
    """The check constraint stands behind the service."""
    from django.db import IntegrityError, transaction

    from governance.services.proposals import proposal_draft

    meeting = meeting_make()
    (author,) = members_make(1)
    proposal = proposal_draft(author=author, title="P", text="T", matter="general")
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(
            title="T", meeting=meeting, proposal=proposal, opens_at=now,
            closes_at=now + dt.timedelta(days=1),
        )  # fmt: skip


def test_opening_needs_the_board_and_tells_every_member_consulted(secretary, make_user, articles):
    members = members_make(3)
    consultation = consultation_make(actor=secretary, open_=False)
    clerk = make_user("clerk", is_staff=True)
    with pytest.raises(NotAllowed):
        services.consultation_open(consultation=consultation, actor=clerk)
    with pytest.raises(NotAllowed):
        services.consultation_open(consultation=consultation, actor=None)
    consultation.refresh_from_db()
    assert consultation.status == S.DRAFT
    told = Notification.objects.filter(key__startswith=f"governance.consultation:{consultation.pk}")
    assert told.count() == 0

    opened = services.consultation_open(consultation=consultation, actor=secretary)
    assert opened.status == S.OPEN and opened.opened_at is not None
    assert set(told.values_list("topic", flat=True)) == {Topic.MEETINGS}
    assert set(told.values_list("member_id", flat=True)) == {m.pk for m in members}
    assert all(n.link.endswith(f"/consultations/{consultation.pk}/") for n in told)
    event = ConsultationEvent.objects.get(consultation=consultation, type="opened")
    assert (event.actor, event.old_value, event.new_value) == (secretary, "draft", "open")
    with pytest.raises(TransitionNotAllowed):
        services.consultation_open(consultation=consultation, actor=secretary)
    assert told.count() == 3  # a second opening is refused and tells nobody again


def test_whoever_holds_the_open_permission_may_open(make_user, secretary, articles):
    """Directors are a read-only role; a board member who opens consultations is given
    ``governance.open_consultation`` by name (in the admin), and may then open one."""
    from django.contrib.auth.models import Permission

    director = make_user("director", roles=("director",), is_staff=True)
    consultation = consultation_make(actor=secretary, open_=False)
    with pytest.raises(NotAllowed):
        services.consultation_open(consultation=consultation, actor=director)
    director.user_permissions.add(Permission.objects.get(codename="open_consultation"))
    director = type(director).objects.get(pk=director.pk)  # the permission cache
    assert services.consultation_open(consultation=consultation, actor=director).status == S.OPEN


def test_opening_refuses_a_choice_without_options_and_an_empty_consultation(secretary, articles):
    empty = consultation_make(actor=secretary, open_=False, questions=[("?", "text", [], False)])
    empty.questions.all().delete()
    empty.description = ""
    empty.save()
    with pytest.raises(InvalidInput) as error:
        services.consultation_open(consultation=empty, actor=secretary)
    assert "questions" in error.value.fields
    draft = consultation_make(actor=secretary, open_=False, questions=[])
    with pytest.raises(InvalidInput) as one:
        services.consultation_question_add(
            consultation=draft, text="Q", kind="single", options=["only"]
        )
    assert "options" in one.value.fields


def test_a_member_answers_once_then_changes_until_the_close(secretary, articles):
    (member,) = members_make(1)
    consultation = consultation_make(actor=secretary)
    first = consultation_answers(consultation, single="A", multiple=["X", "Z"], scale=4)
    done = services.consultation_respond(consultation=consultation, member=member, answers=first)
    assert (done.created, done.changed) == (True, True)
    assert ConsultationAnswer.objects.filter(response=done.response).count() == 4

    again = services.consultation_respond(consultation=consultation, member=member, answers=first)
    assert (again.created, again.changed) == (False, False)  # the same answers: no effect
    response = ConsultationResponse.objects.get()
    assert response.changes == 0

    second = consultation_answers(consultation, single="B", multiple=["Y"], scale=2, text="ok")
    changed = services.consultation_respond(
        consultation=consultation, member=member, answers=second
    )
    assert (changed.created, changed.changed) == (False, True)
    response.refresh_from_db()
    assert response.changes == 1 and response.updated_at >= response.created_at
    assert ConsultationResponse.objects.count() == 1
    rows = ConsultationAnswer.objects.filter(response=response).select_related("option")
    assert {(a.option.text if a.option else None, a.scale, a.text) for a in rows} == {
        ("B", None, ""),
        ("Y", None, ""),
        (None, 2, ""),
        (None, None, "ok"),
    }  # the earlier answers are replaced, not kept

    services.consultation_close(consultation=consultation, actor=secretary)
    with pytest.raises(VotingClosed):
        services.consultation_respond(consultation=consultation, member=member, answers=first)
    assert ConsultationAnswer.objects.filter(response=response, option__text="B").exists()


def test_bad_answers_are_refused_on_their_question_and_nothing_is_saved(secretary, articles):
    (member,) = members_make(1)
    consultation = consultation_make(actor=secretary)
    q1, q2, q3, q4 = consultation.questions.order_by("order")
    other = consultation_make(actor=secretary)
    foreign_option = other.questions.order_by("order").first().options.first()
    with pytest.raises(InvalidInput) as error:
        services.consultation_respond(
            consultation=consultation,
            member=member,
            answers={q1.pk: foreign_option.pk, q2.pk: [], q3.pk: 9, q4.pk: "x" * 2001},
        )
    assert set(error.value.fields) == {
        f"question_{q1.pk}",
        f"question_{q2.pk}",
        f"question_{q3.pk}",
        f"question_{q4.pk}",
    }
    assert ConsultationResponse.objects.count() == 0
    assert ConsultationAnswer.objects.count() == 0


def test_a_member_not_consulted_is_refused(secretary, articles):
    """A voters' consultation: only those on the meeting's voter roll (or eligible before
    the freeze) take part; a lapsed member does not take part in a members' one."""
    (member,) = members_make(1)
    consultation = consultation_make(actor=secretary)
    Member.objects.filter(pk=member.pk).update(status=Member.Status.LAPSED)
    member.refresh_from_db()
    answers = consultation_answers(consultation, single="A", multiple=["X"], scale=3)
    with pytest.raises(NotEligible):
        services.consultation_respond(consultation=consultation, member=member, answers=answers)
    assert ConsultationResponse.objects.count() == 0


def test_answers_are_taken_only_within_the_window(secretary, articles):
    (member,) = members_make(1)
    consultation = consultation_make(actor=secretary)
    answers = consultation_answers(consultation, single="A", multiple=["X"], scale=3)
    with pytest.raises(VotingClosed):
        services.consultation_respond(
            consultation=consultation, member=member, answers=answers,
            at=consultation.opens_at - dt.timedelta(minutes=1),
        )  # fmt: skip
    with pytest.raises(VotingClosed):
        services.consultation_respond(
            consultation=consultation, member=member, answers=answers, at=consultation.closes_at
        )
    assert ConsultationResponse.objects.count() == 0


def test_a_comment_is_posted_once_per_submission_and_replies_stay_in_the_thread(
    secretary, articles
):
    a, b = members_make(2)
    consultation = consultation_make(actor=secretary)
    first = services.consultation_comment(
        consultation=consultation, member=a, body="I agree", key="k1"
    )
    same = services.consultation_comment(
        consultation=consultation, member=a, body="I agree", key="k1"
    )
    assert same.pk == first.pk
    reply = services.consultation_comment(
        consultation=consultation, member=b, body="Why?", reply_to=first.pk, key="k1"
    )
    assert reply.reply_to == first
    assert ConsultationComment.objects.count() == 2
    other = consultation_make(actor=secretary)
    with pytest.raises(InvalidInput) as error:
        services.consultation_comment(consultation=other, member=b, body="x", reply_to=first.pk)
    assert "reply_to" in error.value.fields
    with pytest.raises(InvalidInput) as empty:
        services.consultation_comment(consultation=consultation, member=b, body="   ")
    assert "body" in empty.value.fields
    assert ConsultationComment.objects.count() == 2


def test_hiding_a_comment_needs_a_moderator_and_a_reason_and_is_recorded(
    secretary, make_user, articles
):
    (member,) = members_make(1)
    consultation = consultation_make(actor=secretary)
    comment = services.consultation_comment(
        consultation=consultation, member=member, body="Rude words"
    )
    director = make_user("director", roles=("director",), is_staff=True)
    with pytest.raises(NotAllowed):
        services.comment_hide(comment=comment, reason="Insult", actor=director)
    with pytest.raises(InvalidInput) as error:
        services.comment_hide(comment=comment, reason="  ", actor=secretary)
    assert "reason" in error.value.fields
    comment.refresh_from_db()
    assert not comment.hidden

    services.comment_hide(comment=comment, reason="Insult to a member", actor=secretary)
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_by == secretary
    assert comment.hidden_reason == "Insult to a member"
    event = ConsultationEvent.objects.get(type="comment_hidden")
    assert (event.comment, event.actor, event.reason) == (
        comment,
        secretary,
        "Insult to a member",
    )
    services.comment_hide(comment=comment, reason="again", actor=secretary)
    assert ConsultationEvent.objects.filter(type="comment_hidden").count() == 1
    with pytest.raises(ImmutableRecord):
        event.delete()


def test_closing_counts_the_base_publishes_and_signals_once(secretary, articles):
    members = members_make(4)
    consultation = consultation_make(actor=secretary)
    for member, single in zip(members[:3], "AAB", strict=True):
        services.consultation_respond(
            consultation=consultation, member=member,
            answers=consultation_answers(consultation, single=single, multiple=["X"], scale=5),
        )  # fmt: skip
    sent = []

    def receiver(sender, consultation, **kwargs):
        sent.append(consultation.pk)

    consultation_published.connect(receiver, dispatch_uid="test-consultation-published")
    try:
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            closed = services.consultation_close(consultation=consultation, actor=secretary)
        with TestCase.captureOnCommitCallbacks(execute=True):
            again = services.consultation_close(consultation=consultation, actor=secretary)
    finally:
        consultation_published.disconnect(dispatch_uid="test-consultation-published")
    assert closed.status == S.PUBLISHED and again.status == S.PUBLISHED
    assert closed.eligible_count == 4
    assert sent == [consultation.pk]
    types = list(
        ConsultationEvent.objects.filter(consultation=consultation)
        .order_by("id")
        .values_list("type", flat=True)
    )
    assert types == ["drafted", "opened", "closed", "published"]
    closing = ConsultationEvent.objects.get(type="closed")
    assert closing.data == {"eligible": 4, "respondents": 3, "early": True}


def test_nobody_but_the_board_closes_before_the_announced_time(secretary, make_user, articles):
    consultation = consultation_make(actor=secretary)
    with pytest.raises(NotAllowed):
        services.consultation_close(consultation=consultation)
    clerk = make_user("clerk", is_staff=True)
    with pytest.raises(NotAllowed):
        services.consultation_close(consultation=consultation, actor=clerk)
    consultation.refresh_from_db()
    assert consultation.status == S.OPEN


def test_the_job_closes_what_is_due_and_a_second_run_closes_nothing(secretary, articles):
    due = consultation_make(actor=secretary)
    later = consultation_make(actor=secretary)
    Consultation.objects.filter(pk=due.pk).update(closes_at=timezone.now())
    assert close_consultations() == 1
    assert close_consultations() == 0
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (S.PUBLISHED, S.OPEN)
    assert due.closed_at is not None and due.published_at is not None


def test_questions_are_fixed_once_opened(secretary, articles):
    consultation = consultation_make(actor=secretary)
    with pytest.raises(NotAllowed):
        services.consultation_question_add(
            consultation=consultation, text="Late?", kind="text", actor=secretary
        )
    with pytest.raises(NotAllowed):
        services.consultation_draft_update(
            consultation=consultation, title="New", meeting=consultation.meeting,
            opens_at=consultation.opens_at, closes_at=consultation.closes_at, actor=secretary,
        )  # fmt: skip
    assert consultation.questions.count() == 4
