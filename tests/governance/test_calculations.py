"""governance.calculations.tally: quorum and majorities decided exactly, on the edges."""

from __future__ import annotations

from fractions import Fraction

import pytest

from governance.calculations import ORDINARY, SPECIAL, tally

TENTH = Fraction(1, 10)
TWO_THIRDS = Fraction(2, 3)


@pytest.mark.parametrize(
    ("votes_for", "against", "abstain", "counts", "adopted"),
    [
        # Ordinary majority: more than half of the votes cast.
        (50, 50, 0, False, False),  # exactly half is not more than half
        (51, 49, 0, False, True),
        (50, 49, 1, False, True),  # abstention left out: 50 of 99
        (50, 49, 1, True, False),  # abstention counted: 50 of 100 is exactly half
        (1, 0, 99, False, True),  # abstentions left out: 1 of 1
        (1, 0, 99, True, False),
        (0, 0, 100, False, False),  # nothing cast: not adopted
    ],
)
def test_ordinary_majority(votes_for, against, abstain, counts, adopted):
    result = tally(
        eligible=1000, votes_for=votes_for, votes_against=against, abstentions=abstain,
        quorum=TENTH, majority=ORDINARY, abstentions_count=counts,
    )  # fmt: skip
    assert result.quorum_met
    assert result.adopted is adopted


@pytest.mark.parametrize(
    ("votes_for", "against", "abstain", "counts", "adopted"),
    [
        # Special majority: at least two thirds of the votes cast.
        (200, 100, 0, False, True),  # exactly two thirds
        (199, 100, 0, False, False),  # just under
        (200, 100, 1, True, False),  # abstention counted: 200 of 301
        (200, 100, 1, False, True),
        (400, 200, 0, False, True),
        (66, 34, 0, False, False),  # 66% is not two thirds
        (67, 33, 0, False, True),
    ],
)
def test_special_majority(votes_for, against, abstain, counts, adopted):
    result = tally(
        eligible=1000, votes_for=votes_for, votes_against=against, abstentions=abstain,
        quorum=TENTH, majority=SPECIAL, abstentions_count=counts,
    )  # fmt: skip
    assert result.quorum_met
    assert result.adopted is adopted


@pytest.mark.parametrize(
    ("eligible", "participants", "quorum", "met"),
    [
        (1000, 100, TENTH, True),  # exactly 10%
        (1000, 99, TENTH, False),  # missed by one
        (30, 20, TWO_THIRDS, True),  # representatives: exactly two thirds
        (30, 19, TWO_THIRDS, False),  # missed by one
        (31, 21, TWO_THIRDS, True),  # 21/31 > 2/3
        (31, 20, TWO_THIRDS, False),
    ],
)
def test_quorum_counts_everyone_who_took_part(eligible, participants, quorum, met):
    """Abstaining is taking part: the quorum counts every ballot."""
    result = tally(
        eligible=eligible, votes_for=participants - 1, votes_against=0, abstentions=1,
        quorum=quorum, majority=ORDINARY, abstentions_count=False,
    )  # fmt: skip
    assert result.quorum_met is met
    assert result.adopted is met
    assert result.turnout == Fraction(participants, eligible)


def test_a_motion_without_quorum_is_not_adopted_whatever_the_votes():
    result = tally(
        eligible=1000, votes_for=99, votes_against=0, abstentions=0,
        quorum=TENTH, majority=ORDINARY, abstentions_count=False,
    )  # fmt: skip
    assert result.majority_met
    assert not result.quorum_met
    assert not result.adopted


@pytest.mark.parametrize(
    "counts",
    [
        {"eligible": 10, "votes_for": 11, "votes_against": 0, "abstentions": 0},
        {"eligible": 10, "votes_for": -1, "votes_against": 0, "abstentions": 0},
    ],
)
def test_impossible_counts_are_refused(counts):
    with pytest.raises(ValueError, match="ballots|negative"):
        tally(**counts, quorum=TENTH, majority=ORDINARY, abstentions_count=False)


def test_an_unknown_majority_is_refused():
    with pytest.raises(ValueError, match="majority"):
        tally(
            eligible=10, votes_for=1, votes_against=0, abstentions=0,
            quorum=TENTH, majority="unanimous", abstentions_count=False,
        )  # fmt: skip
