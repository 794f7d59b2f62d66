"""The secretary's admin for consultations: drafted with inline questions through the
services, opened and closed by actions, a comment hidden only with a reason, the
results page with its bars and the written answers without names."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from governance.models import (
    Consultation,
    ConsultationComment,
    ConsultationEvent,
    ConsultationQuestion,
)
from governance.services import consultations as services
from tests.governance.factories import (
    consultation_answers,
    consultation_make,
    meeting_make,
    members_make,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:governance_consultation_changelist"


def _split(name: str, value: dt.datetime) -> dict:
    local = timezone.localtime(value)
    return {f"{name}_0": local.date().isoformat(), f"{name}_1": local.strftime("%H:%M:%S")}


def test_the_secretary_drafts_a_consultation_with_inline_questions(client, secretary, articles):
    meeting = meeting_make()
    now = timezone.now()
    client.force_login(secretary)
    data = {
        "title": "Budget 2027",
        "description": "Your views on the budget.",
        "meeting": meeting.pk,
        "proposal": "",
        "audience": "members",
        **_split("opens_at", now),
        **_split("closes_at", now + dt.timedelta(days=5)),
        "questions-TOTAL_FORMS": 2,
        "questions-INITIAL_FORMS": 0,
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
        "questions-0-order": 1,
        "questions-0-text": "Which option?",
        "questions-0-kind": "single",
        "questions-0-required": "on",
        "questions-0-options_text": "Keep\nRaise\n",
        "questions-1-order": 2,
        "questions-1-text": "Satisfaction",
        "questions-1-kind": "scale",
        "questions-1-options_text": "",
    }
    response = client.post(reverse("admin:governance_consultation_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    consultation = Consultation.objects.get()
    assert consultation.status == "draft"
    q1, q2 = consultation.questions.order_by("order")
    assert [o.text for o in q1.options.order_by("order")] == ["Keep", "Raise"]
    assert (q2.kind, q2.required, q2.options.count()) == ("scale", False, 0)
    assert ConsultationEvent.objects.get(type="drafted").actor == secretary


def test_a_choice_question_with_one_option_is_refused_and_nothing_saved(
    client, secretary, articles
):
    meeting = meeting_make()
    now = timezone.now()
    client.force_login(secretary)
    data = {
        "title": "Budget", "meeting": meeting.pk, "audience": "members",
        **_split("opens_at", now), **_split("closes_at", now + dt.timedelta(days=5)),
        "questions-TOTAL_FORMS": 1, "questions-INITIAL_FORMS": 0,
        "questions-0-order": 1, "questions-0-text": "Which?", "questions-0-kind": "single",
        "questions-0-options_text": "Only one",
    }  # fmt: skip
    response = client.post(reverse("admin:governance_consultation_add"), data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("at least two options" in m for m in messages), messages
    assert Consultation.objects.count() == 0
    assert ConsultationQuestion.objects.count() == 0


def test_the_open_and_close_actions_call_the_services(client, secretary, articles):
    members_make(2)
    consultation = consultation_make(actor=secretary, open_=False)
    client.force_login(secretary)
    url = reverse(CHANGELIST)
    client.post(url, {"action": "open", ACTION_CHECKBOX_NAME: [consultation.pk]})
    consultation.refresh_from_db()
    assert consultation.status == "open"
    client.post(url, {"action": "close", ACTION_CHECKBOX_NAME: [consultation.pk]})
    consultation.refresh_from_db()
    assert consultation.status == "published" and consultation.eligible_count == 2
    # Once opened, the consultation's page changes nothing.
    page = client.get(reverse("admin:governance_consultation_change", args=[consultation.pk]))
    assert "title" not in page.context["adminform"].form.fields


def test_staff_without_the_permission_get_no_open_action(client, make_user, secretary, articles):
    consultation = consultation_make(actor=secretary, open_=False)
    reader = make_user("reader", roles=("supervisor",), is_staff=True)
    client.force_login(reader)
    page = client.get(reverse(CHANGELIST))
    assert page.status_code == 200
    assert page.context["action_form"] is None  # no action it may run
    client.post(reverse(CHANGELIST), {"action": "open", ACTION_CHECKBOX_NAME: [consultation.pk]})
    consultation.refresh_from_db()
    assert consultation.status == "draft"


def test_hiding_a_comment_asks_for_the_reason_and_records_it(client, secretary, articles):
    (member,) = members_make(1)
    consultation = consultation_make(actor=secretary)
    comment = services.consultation_comment(consultation=consultation, member=member, body="Spam")
    client.force_login(secretary)
    url = reverse("admin:governance_consultationcomment_changelist")
    ask = client.post(url, {"action": "hide", ACTION_CHECKBOX_NAME: [comment.pk]})
    assert ask.status_code == 200 and "reason" in ask.context["form"].fields
    empty = client.post(
        url, {"action": "hide", ACTION_CHECKBOX_NAME: [comment.pk], "apply": "1", "reason": ""}
    )
    assert empty.status_code == 200 and "reason" in empty.context["form"].errors
    comment.refresh_from_db()
    assert not comment.hidden
    client.post(
        url,
        {"action": "hide", ACTION_CHECKBOX_NAME: [comment.pk], "apply": "1", "reason": "Spam"},
    )
    comment.refresh_from_db()
    assert (comment.hidden_by, comment.hidden_reason) == (secretary, "Spam")
    event = ConsultationEvent.objects.get(type="comment_hidden")
    assert (event.comment_id, event.actor, event.reason) == (comment.pk, secretary, "Spam")
    assert ConsultationComment.objects.count() == 1


def test_the_results_page_shows_the_counts_bars_and_texts_without_names(
    client, secretary, articles
):
    a, b = members_make(2)
    consultation = consultation_make(actor=secretary)
    for member, text in ((a, "Lower the fees"), (b, "")):
        services.consultation_respond(
            consultation=consultation, member=member,
            answers=consultation_answers(consultation, single="A", multiple=["X"], scale=4,
                                         text=text),
        )  # fmt: skip
    client.force_login(secretary)
    page = client.get(reverse("admin:governance_consultation_results", args=[consultation.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "Lower the fees" in body and "Respondent 1" in body
    assert a.legal_name not in body and b.legal_name not in body
    assert page.context["results"].respondents == 2
