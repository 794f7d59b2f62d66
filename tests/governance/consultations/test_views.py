"""The consultation pages: a member answers, changes, is refused after the close; bad
input names the field and saves nothing; another member never sees one's answers;
comments, moderation shown; anonymous visitors are sent to sign in."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Consultation, ConsultationComment, ConsultationResponse
from governance.services import consultations as services
from tests.governance.factories import consultation_answers, consultation_make, members_make

pytestmark = pytest.mark.django_db


def _post(consultation, answers: dict) -> dict:
    data: dict = {}
    for pk, value in answers.items():
        if value in (None, "", []):
            continue
        data[f"question_{pk}"] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def _url(name: str, consultation) -> str:
    return reverse(f"governance:{name}", args=[consultation.pk])


def test_anonymous_visitors_are_sent_to_sign_in(client, secretary, articles):
    consultation = consultation_make(actor=secretary)
    for name in ("consultation", "consultation_answer", "consultation_comment"):
        response = client.get(_url(name, consultation))
        assert response.status_code == 302 and "login" in response["Location"]
    response = client.get(reverse("governance:consultations"))
    assert response.status_code == 302 and "login" in response["Location"]
    response = client.post(_url("consultation_answer", consultation), {})
    assert response.status_code == 302 and "login" in response["Location"]
    assert ConsultationResponse.objects.count() == 0


def test_a_member_answers_changes_and_sees_only_their_answers(client, secretary, articles):
    a, b = members_make(2)
    consultation = consultation_make(actor=secretary)
    client.force_login(a.user)
    listing = client.get(reverse("governance:consultations"))
    assert listing.status_code == 200
    assert listing.context["open"] == [consultation]
    page = client.get(_url("consultation", consultation))
    assert page.status_code == 200
    body = page.content.decode()
    assert consultation.title in body and "Send my answers" in body

    first = consultation_answers(
        consultation, single="A", multiple=["X", "Y"], scale=4, text="Mine"
    )
    response = client.post(_url("consultation_answer", consultation), _post(consultation, first))
    assert response.status_code == 302
    again = client.post(_url("consultation_answer", consultation), _post(consultation, first))
    assert again.status_code == 302  # the double submit: one response, no change
    response_row = ConsultationResponse.objects.get()
    assert (response_row.member, response_row.changes) == (a, 0)

    second = consultation_answers(consultation, single="C", multiple=["Z"], scale=1)
    client.post(_url("consultation_answer", consultation), _post(consultation, second))
    response_row.refresh_from_db()
    assert response_row.changes == 1
    page = client.get(_url("consultation", consultation))
    form = page.context["answer_form"]
    assert "Change my answers" in page.content.decode()
    q1 = consultation.questions.order_by("order").first()
    assert form.initial[f"question_{q1.pk}"] == second[q1.pk]

    # The other member sees a blank form and none of a's answers.
    client.force_login(b.user)
    page = client.get(_url("consultation", consultation))
    assert page.context["own"].response is None
    assert page.context["answer_form"].initial == {}
    assert "Mine" not in page.content.decode()
    assert page.context["results"] is None  # no results while it is open


def test_bad_input_names_the_field_and_saves_nothing(client, secretary, articles):
    (member,) = members_make(1)
    consultation = consultation_make(actor=secretary)
    q1, q2, q3, _q4 = consultation.questions.order_by("order")
    client.force_login(member.user)
    response = client.post(
        _url("consultation_answer", consultation),
        {f"question_{q1.pk}": "999999", f"question_{q2.pk}": "abc", f"question_{q3.pk}": "7"},
    )
    assert response.status_code == 400
    errors = response.context["answer_form"].errors
    assert {f"question_{q1.pk}", f"question_{q2.pk}", f"question_{q3.pk}"} <= set(errors)
    assert "There is a problem" in response.content.decode()
    assert ConsultationResponse.objects.count() == 0

    empty = client.post(_url("consultation_comment", consultation), {"body": "  "})
    assert empty.status_code == 400
    assert "body" in empty.context["comment_form"].errors
    assert ConsultationComment.objects.count() == 0


def test_after_the_close_answers_are_refused_and_the_results_shown(client, secretary, articles):
    a, b = members_make(2)
    consultation = consultation_make(actor=secretary)
    answers = consultation_answers(consultation, single="B", multiple=["X"], scale=5)
    services.consultation_respond(consultation=consultation, member=a, answers=answers)
    # Past its close and not yet closed by the job: the page closes it first.
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now())
    client.force_login(a.user)
    page = client.get(_url("consultation", consultation))
    assert page.status_code == 200
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.PUBLISHED
    assert page.context["answer_form"] is None
    results = page.context["results"]
    assert (results.respondents, results.eligible) == (1, 2)
    assert "answers are final" in page.content.decode()
    assert "<dd>X</dd>" in page.content.decode()  # their own answers, read-only
    assert "<svg" in page.content.decode()

    late = consultation_answers(consultation, single="A", multiple=["Y"], scale=1)
    refused = client.post(_url("consultation_answer", consultation), _post(consultation, late))
    assert refused.status_code == 409
    row = ConsultationResponse.objects.get()
    assert row.changes == 0
    assert row.answers.filter(option__text="B").exists()
    comment = client.post(_url("consultation_comment", consultation), {"body": "Too late?"})
    assert comment.status_code == 409
    assert ConsultationComment.objects.count() == 0


def test_a_member_not_consulted_gets_a_404(client, secretary, articles):
    from members.models import Member

    (member,) = members_make(1)
    consultation = consultation_make(actor=secretary)
    draft = consultation_make(actor=secretary, open_=False)
    Member.objects.filter(pk=member.pk).update(status=Member.Status.LAPSED)
    client.force_login(member.user)
    assert client.get(_url("consultation", consultation)).status_code == 404
    assert client.post(_url("consultation_answer", consultation), {}).status_code == 404
    Member.objects.filter(pk=member.pk).update(status=Member.Status.ACTIVE)
    assert client.get(_url("consultation", draft)).status_code == 404


def test_comments_post_once_and_a_hidden_one_shows_the_reason(client, secretary, articles):
    author, other = members_make(2)
    consultation = consultation_make(actor=secretary)
    client.force_login(author.user)
    page = client.get(_url("consultation", consultation))
    key = page.context["comment_form"].initial["key"]
    data = {"body": "Nonsense, all of it", "key": key}
    assert client.post(_url("consultation_comment", consultation), data).status_code == 302
    assert client.post(_url("consultation_comment", consultation), data).status_code == 302
    comment = ConsultationComment.objects.get()  # the double submit posted one comment
    services.comment_hide(comment=comment, reason="Off topic", actor=secretary)

    page = client.get(_url("consultation", consultation)).content.decode()
    assert "Hidden by a moderator: Off topic" in page
    assert "Nonsense, all of it" in page  # the author still reads it
    client.force_login(other.user)
    page = client.get(_url("consultation", consultation)).content.decode()
    assert "Hidden by a moderator: Off topic" in page
    assert "Nonsense, all of it" not in page

    reply = client.post(
        _url("consultation_comment", consultation),
        {"body": "I agree with the moderator", "reply_to": str(comment.pk), "key": "k2"},
    )
    assert reply.status_code == 302
    assert ConsultationComment.objects.get(author=other).reply_to == comment


def test_the_meeting_page_shows_the_consultation_and_its_results(client, secretary, articles):
    from tests.governance.factories import meeting_voting

    (member,) = members_make(1)
    meeting = meeting_voting()
    consultation = consultation_make(actor=secretary, meeting=meeting, audience="voters")
    client.force_login(member.user)
    page = client.get(reverse("governance:meeting", args=[meeting.pk]))
    assert page.context["open_consultations"] == [consultation]
    services.consultation_respond(
        consultation=consultation,
        member=member,
        answers=consultation_answers(consultation, single="A", multiple=["X"], scale=3),
    )
    services.consultation_close(consultation=consultation, actor=secretary)
    page = client.get(reverse("governance:meeting", args=[meeting.pk]))
    (results,) = page.context["consultations"]
    assert results.respondents == 1
    assert consultation.title in page.content.decode()
