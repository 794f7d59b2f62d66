"""Selectors: what each person sees, in a fixed number of queries."""

from __future__ import annotations

import pytest

from governance import selectors
from governance.models import AgendaDocument, AgendaItem
from governance.services.meetings import meeting_declare_results
from governance.services.voting import ballot_cast
from tests.governance.factories import meeting_closed, meeting_voting, members_make

pytestmark = pytest.mark.django_db


def test_agenda_queries_do_not_grow_with_items(articles, django_assert_num_queries):
    members_make(1)
    meeting = meeting_voting()
    for i in range(4):
        item = AgendaItem.objects.create(meeting=meeting, order=i, title=f"item {i}")
        AgendaDocument.objects.create(item=item, title="doc", body="text")
    with django_assert_num_queries(3):
        agenda = selectors.meeting_agenda(meeting)
        for item in agenda:
            list(item.documents.all())
            list(item.motions.all())


def test_receipt_list_queries_do_not_grow_with_ballots(articles, django_assert_num_queries):
    voters = members_make(4)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    for voter in voters:
        ballot_cast(motion=motion, voter=voter, choice="for")
    meeting = meeting_closed(meeting)
    motion.meeting = meeting
    with django_assert_num_queries(1):
        rows = selectors.motion_receipts(motion)
    assert len(rows) == 4


def test_results_and_minutes_wait_for_their_milestones(articles):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    ballot_cast(motion=meeting.motions.get(), voter=voter, choice="for")
    assert selectors.meeting_results(meeting) == []
    meeting = meeting_declare_results(meeting=meeting_closed(meeting))
    assert [m.outcome for m in selectors.meeting_results(meeting)] == ["adopted"]
    assert selectors.meeting_minutes(meeting) is None
    assert not selectors.published_meetings().exists()


def test_a_member_sees_the_meetings_they_may_vote_in(articles):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    (late,) = members_make(1)
    assert list(selectors.meetings_for_member(voter)) == [meeting]
    assert list(selectors.meetings_for_member(late)) == []
    view = selectors.voter_view(meeting, voter)
    assert view.on_roll and view.voted_motion_ids == set()


def test_the_articles_of_a_meeting_are_those_fixed_at_convening(articles):
    """A convened meeting applies the articles fixed when it was convened; a draft has
    none yet, and asking for them is refused by name (not an AttributeError on None)."""
    from governance.services.meetings import meeting_convene
    from tests.governance.factories import meeting_make

    meeting = meeting_make()
    with pytest.raises(ValueError, match="never convened"):
        selectors.meeting_articles(meeting)
    meeting = meeting_convene(meeting=meeting)
    assert meeting.articles == articles
    assert selectors.meeting_articles(meeting) == articles
