"""The tally service over real ballots: one GROUP BY, fed to the pure tally, declared."""

from __future__ import annotations

from fractions import Fraction

import pytest

from governance.models import Matter, Motion
from governance.services.meetings import meeting_declare_results
from governance.services.tally import motion_counts, motion_tally
from governance.services.voting import ballot_cast
from mutualsociety.common.exceptions import NotAllowed
from tests.governance.factories import meeting_closed, meeting_voting, members_make

pytestmark = pytest.mark.django_db


def _run(choices, *, matter=Matter.GENERAL, extra_voters=0):
    voters = members_make(len(choices) + extra_voters)
    meeting = meeting_voting(motions=((matter, None),))
    motion = meeting.motions.get()
    for voter, choice in zip(voters, choices, strict=False):
        ballot_cast(motion=motion, voter=voter, choice=choice)
    meeting = meeting_closed(meeting)
    meeting_declare_results(meeting=meeting)
    motion.refresh_from_db()
    return motion


@pytest.mark.parametrize(
    ("choices", "matter", "outcome"),
    [
        (["for", "for", "against", "against"], Matter.GENERAL, "rejected"),  # exactly half
        (["for", "for", "against"], Matter.GENERAL, "adopted"),
        (["for", "for", "against"], Matter.AMEND_ARTICLES, "adopted"),  # exactly two thirds
        (["for", "against"], Matter.AMEND_ARTICLES, "rejected"),
        (["for", "against", "abstain"], Matter.GENERAL, "rejected"),  # 1 of 2: half
        (["for", "for", "against", "abstain"], Matter.GENERAL, "adopted"),  # abstention left out
    ],
)
def test_outcomes_on_the_edges(articles, choices, matter, outcome):
    motion = _run(choices, matter=matter)
    assert motion.outcome == outcome
    assert motion.participants == len(choices)


def test_abstentions_count_when_the_articles_say_so(articles):
    articles.abstentions_count = True
    articles.save()
    motion = _run(["for", "for", "against", "abstain"])  # 2 of 4 cast: exactly half
    assert motion.votes_cast == 4
    assert motion.outcome == "rejected"


def test_quorum_missed_by_one(articles):
    """Quorum 1/2 of a roll of 4: one ballot short of two is no quorum."""
    articles.quorum_members_num, articles.quorum_members_den = 1, 2
    articles.save()
    motion = _run(["for"], extra_voters=3)
    assert motion.eligible == 4
    assert motion.quorum_met is False
    assert motion.outcome == Motion.Outcome.NO_QUORUM


def test_quorum_met_exactly(articles):
    articles.quorum_members_num, articles.quorum_members_den = 1, 2
    articles.save()
    motion = _run(["for", "for"], extra_voters=2)
    assert motion.quorum_met is True
    assert motion.outcome == "adopted"


def test_superseded_ballots_are_not_counted(articles):
    voters = members_make(2)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    ballot_cast(motion=motion, voter=voters[0], choice="against")
    ballot_cast(motion=motion, voter=voters[0], choice="for")
    ballot_cast(motion=motion, voter=voters[1], choice="for")
    meeting = meeting_closed(meeting)
    assert motion_counts(motion) == {"for": 2}
    result = motion_tally(motion=motion, meeting=meeting).result
    assert result.turnout == Fraction(1)
    assert result.adopted


def test_the_count_is_one_query(articles, django_assert_num_queries):
    voters = members_make(3)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    for voter in voters:
        ballot_cast(motion=motion, voter=voter, choice="for")
    with django_assert_num_queries(1):
        assert motion_counts(motion) == {"for": 3}


def test_no_count_before_the_close(articles):
    members_make(1)
    meeting = meeting_voting()
    with pytest.raises(NotAllowed, match="after voting closes"):
        motion_tally(motion=meeting.motions.get())
