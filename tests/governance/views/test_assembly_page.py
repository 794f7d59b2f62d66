"""/assembly/ as a new member and in both languages (issue 10, pages):

- a member who joined after a meeting's record date is told that the meeting is
  convened and why they cannot vote in it, not that no meeting is convened;
- a body's name shows in the page's language, not both at once.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from governance import selectors
from governance.models import Body
from tests.governance.factories import body_get, meeting_voting, members_make

pytestmark = pytest.mark.django_db

NONE_CONVENED = {"en": "No meeting is convened at the moment.", "zh-hans": "目前没有已召集的会议。"}


@pytest.fixture
def assembly(db):
    body = body_get(Body.Kind.GENERAL_ASSEMBLY)
    body.name, body.name_en = "会员大会", "General assembly"
    body.save()
    return body


def _page(client, member, language: str, url: str | None = None) -> str:
    client.force_login(member.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    response = client.get(url or reverse("governance:meetings"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_member_who_joined_after_the_record_date_is_told_the_meeting_exists(
    client, articles, assembly, language
):
    members_make(1)
    meeting = meeting_voting(body=assembly)
    (newcomer,) = members_make(1, since=None)  # joins today, after the record date
    html = _page(client, newcomer, language)
    assert meeting.title in html
    assert NONE_CONVENED[language] not in html
    assert 'class="note note-warning roll-absence"' in html
    if language == "en":
        assert "after the voter roll of this meeting was fixed on its record date" in html
        assert "You cannot vote at this meeting" in html
    # Listed, not opened: the meeting's own page stays for its voters.
    assert reverse("governance:meeting", args=[meeting.pk]) not in html


def test_the_reason_names_what_kept_the_member_off_the_roll(articles, assembly):
    from members.models import Member

    (voter,) = members_make(1)
    meeting = meeting_voting(body=assembly)
    (newcomer,) = members_make(1, since=None)
    absence = selectors.roll_absence(meeting, newcomer)
    assert (absence.reason, absence.joined_on) == ("joined_after", newcomer.joined_on)
    assert absence.record_date == meeting.record_date
    assert selectors.roll_absence(meeting, voter) is None
    (old_member,) = members_make(1)  # joined long ago, but added after the freeze
    assert selectors.roll_absence(meeting, old_member).reason == "not_in_good_standing"
    assert list(selectors.meetings_announced_to_member(newcomer)) == [meeting]
    assert list(selectors.meetings_announced_to_member(voter)) == []
    Member.objects.filter(pk=newcomer.pk).update(status=Member.Status.WITHDRAWN)
    newcomer.refresh_from_db()
    assert list(selectors.meetings_announced_to_member(newcomer)) == []


def test_a_voter_still_sees_no_such_note(client, articles, assembly):
    (voter,) = members_make(1)
    meeting = meeting_voting(body=assembly)
    html = _page(client, voter, "en")
    assert meeting.title in html and "roll-absence" not in html


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "General assembly", "会员大会"), ("zh-hans", "会员大会", "General assembly")],
)
def test_the_body_is_named_in_the_language_of_the_page(client, articles, assembly, language,
                                                        shown, hidden):  # fmt: skip
    from governance.models import Meeting

    (voter,) = members_make(1)
    meeting = meeting_voting(body=assembly)
    Meeting.objects.filter(pk=meeting.pk).update(title="AGM 2026")  # a title in neither
    for url in (reverse("governance:meetings"), reverse("governance:meeting", args=[meeting.pk])):
        html = _page(client, voter, language, url)
        assert shown in html, url
        assert hidden not in html, url


def test_a_body_without_an_english_name_shows_its_name(articles):
    from django.utils import translation

    body = Body(kind=Body.Kind.BOARD, name="董事会")
    with translation.override("en"):
        assert body.display_name == "董事会"
    body.name_en = "Board of directors"
    with translation.override("en"):
        assert str(body) == "Board of directors"
    with translation.override("zh-hans"):
        assert str(body) == "董事会"


def test_the_migration_splits_a_name_holding_both_languages():
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    ((_key, migration),) = [
        item for item in loader.disk_migrations.items()
        if item[0][0] == "governance" and item[0][1].endswith("body_name_in_english")
    ]  # fmt: skip
    module = __import__(type(migration).__module__, fromlist=["split_names"])
    kept = Body.objects.create(kind=Body.Kind.BOARD, name="Board", seats=3)
    both = Body.objects.create(kind=Body.Kind.SUPERVISORY_BOARD, name="监事会 Supervisory board")
    module.split_names(apps, None)
    both.refresh_from_db()
    kept.refresh_from_db()
    assert (both.name, both.name_en) == ("监事会", "Supervisory board")
    assert (kept.name, kept.name_en) == ("Board", "")


def test_a_published_meeting_tells_a_later_member_why_they_were_not_on_its_roll(
    client, articles, assembly, secretary
):
    from governance.services.meetings import (
        meeting_approve_minutes,
        meeting_declare_results,
        meeting_draft_minutes,
        meeting_publish,
    )
    from tests.governance.factories import meeting_closed

    members_make(1)
    meeting = meeting_declare_results(meeting=meeting_closed(meeting_voting(body=assembly)))
    meeting_draft_minutes(meeting=meeting, text="Minutes", actor=secretary)
    meeting_publish(meeting=meeting_approve_minutes(meeting=meeting, actor=secretary))
    (newcomer,) = members_make(1, since=None)
    html = _page(client, newcomer, "en", reverse("governance:meeting", args=[meeting.pk]))
    assert "after the voter roll of this meeting was fixed on its record date" in html
    assert "You are not on the voter roll of this meeting." not in html
