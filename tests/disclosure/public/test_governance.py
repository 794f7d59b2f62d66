"""The governance page: bodies with the members sitting on them, the published
meetings; each meeting with its votes, turnout, voter-roll fingerprint, receipt list
and minutes. An unknown or unpublished meeting is a 404 page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Body, Mandate
from governance.services.meetings import (
    meeting_approve_minutes,
    meeting_declare_results,
    meeting_draft_minutes,
    meeting_publish,
)
from governance.services.voting import ballot_cast
from tests.governance.factories import body_get, meeting_closed, meeting_voting, members_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(db):
    from tests.governance.factories import articles_make

    return articles_make()


def published_meeting(secretary, voters):
    meeting = meeting_voting()
    motion = meeting.motions.get()
    receipts = [
        ballot_cast(motion=motion, voter=v, choice=c).receipt
        for v, c in zip(voters, ["for", "for", "against"], strict=False)
    ]
    meeting = meeting_closed(meeting)
    meeting = meeting_declare_results(meeting=meeting, actor=secretary)
    meeting_draft_minutes(meeting=meeting, text="会议纪要：议案一通过。", actor=secretary)
    meeting = meeting_approve_minutes(meeting=meeting, actor=secretary)
    return meeting_publish(meeting=meeting, actor=secretary), receipts


def test_bodies_and_the_members_sitting_on_them(client, articles):
    board = body_get(Body.Kind.BOARD)
    (chair, director) = members_make(2)
    today = timezone.localdate()
    for member, role in ((director, "member"), (chair, "chair")):
        Mandate.objects.create(body=board, member=member, role=role,
                               starts_on=today - dt.timedelta(days=10),
                               ends_on=today + dt.timedelta(days=700))  # fmt: skip
    response = client.get(reverse("disclosure:governance"))
    html = response.content.decode()
    assert board.display_name in html and chair.legal_name in html and "Chair" in html
    sitting = dict(response.context["bodies"])[board]
    assert [(m.member, m.role) for m in sitting] == [(chair, "chair"), (director, "member")]


def test_a_published_meeting_with_votes_turnout_receipts_and_minutes(client, articles, secretary):
    voters = members_make(4)
    meeting, receipts = published_meeting(secretary, voters)
    listing = client.get(reverse("disclosure:governance")).content.decode()
    url = reverse("disclosure:governance_meeting", args=[meeting.pk])
    assert url in listing
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert meeting.roll_hash in html
    assert "会议纪要：议案一通过。" in html
    assert all(receipt in html for receipt in receipts)
    assert "75.00%" in html  # 3 of the 4 on the roll took part
    assert reverse("governance:receipt") in html
    assert not any(v.legal_name in html for v in voters)  # never who voted


def test_an_unknown_or_unpublished_meeting_is_a_404_page(client, articles, secretary):
    members_make(1)
    meeting = meeting_voting()
    for pk in (meeting.pk, meeting.pk + 1000):
        response = client.get(reverse("disclosure:governance_meeting", args=[pk]))
        assert response.status_code == 404
        assert 'class="subnav"' in response.content.decode()


def test_nothing_published_yet(client):
    html = client.get(reverse("disclosure:governance")).content.decode()
    assert "No meeting's results have been published yet." in html
    html_zh = client.get(
        reverse("disclosure:governance"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "治理" in html_zh
