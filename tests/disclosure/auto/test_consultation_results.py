"""A consultation's results are published with its meeting: in the meeting's RESOLUTIONS
when the meeting is published after the consultation closed, as a new version of them
when the consultation closes after the meeting's publication; and on the public meeting
page. Never a name nor a written answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from disclosure.models import Publication
from disclosure.tasks import publish_consultation
from governance.services import consultations as services
from governance.services.meetings import (
    meeting_approve_minutes,
    meeting_declare_results,
    meeting_draft_minutes,
    meeting_publish,
)
from mutualsociety.common.models import OutboxTask
from tests.disclosure.auto.world import published_meeting
from tests.governance.factories import (
    consultation_answers,
    consultation_make,
    meeting_closed,
    meeting_voting,
    members_make,
)

pytestmark = pytest.mark.django_db


def _answer(consultation, members, singles, texts=()):
    for i, (member, single) in enumerate(zip(members, singles, strict=False)):
        services.consultation_respond(
            consultation=consultation, member=member,
            answers=consultation_answers(consultation, single=single, multiple=["X"], scale=4,
                                         text=texts[i] if i < len(texts) else ""),
        )  # fmt: skip


def test_the_meeting_publication_carries_the_consultation_results(
    articles, secretary, client, django_capture_on_commit_callbacks
):
    voters = members_make(4)
    meeting = meeting_voting(actor=secretary)
    consultation = consultation_make(actor=secretary, meeting=meeting, audience="voters")
    _answer(consultation, voters[:3], "AAB", texts=("A private opinion",))
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_close(consultation=consultation, actor=secretary)
    # The meeting is not published yet: nothing public about the consultation.
    assert not Publication.objects.filter(key=f"resolutions:meeting-{meeting.pk}").exists()

    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_closed(meeting, actor=secretary)
        meeting = meeting_declare_results(meeting=meeting, actor=secretary)
        meeting_draft_minutes(meeting=meeting, text="Minutes", actor=secretary)
        meeting = meeting_approve_minutes(meeting=meeting, actor=secretary)
        meeting_publish(meeting=meeting, actor=secretary)

    resolutions = Publication.objects.get(key=f"resolutions:meeting-{meeting.pk}")
    (published,) = resolutions.content["consultations"]
    assert (published["respondents"], published["eligible"]) == (3, 4)
    assert published["turnout"] == "0.750000"
    single = published["questions"][0]
    assert [(o["label"], o["count"], o["share"]) for o in single["options"]] == [
        ("A", 2, "0.666667"),
        ("B", 1, "0.333333"),
        ("C", 0, "0.000000"),
    ]
    assert published["questions"][2]["mean"] == "4.00"
    assert "3 answered out of 4 consulted; turnout 75%" in resolutions.body_en
    assert "A private opinion" not in str(resolutions.content) + resolutions.body_en
    for voter in voters:
        assert voter.legal_name not in str(resolutions.content)

    page = client.get(reverse("disclosure:governance_meeting", args=[meeting.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert consultation.title in body and "<svg" in body
    assert "A private opinion" not in body


def test_a_consultation_closed_after_the_meeting_publishes_a_new_version(
    articles, secretary, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = published_meeting(secretary)
    first = Publication.objects.get(key=f"resolutions:meeting-{meeting.pk}")
    assert "consultations" not in first.content  # a meeting without any: as before
    voters = list(meeting.roll.values_list("member", flat=True))
    consultation = consultation_make(actor=secretary, meeting=meeting)
    from members.models import Member

    _answer(consultation, list(Member.objects.filter(pk__in=voters)), "C")
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_close(consultation=consultation, actor=secretary)
    assert OutboxTask.objects.filter(
        key=f"disclosure.publish_consultation:{consultation.pk}"
    ).exists()
    latest = Publication.objects.filter(key=f"resolutions:meeting-{meeting.pk}").order_by(
        "-version"
    )
    assert latest.count() == 2
    assert latest.first().content["consultations"][0]["respondents"] == 1
    # The task run again finds the same figures: no third version.
    publish_consultation.apply(args=[consultation.pk])
    assert latest.count() == 2


def test_a_consultation_on_an_unpublished_meeting_publishes_nothing_yet(articles, secretary):
    members_make(1)
    consultation = consultation_make(actor=secretary)
    services.consultation_close(consultation=consultation, actor=secretary)
    assert publish_consultation.apply(args=[consultation.pk]).get() == []
    assert not Publication.objects.filter(kind="resolutions").exists()
