"""The tally of a motion: a pure function over the frozen roll and the ballots cast.

No database here; the tally service counts ballots set-based and passes the counts in.
Arithmetic is on integers and exact fractions, so "exactly half" and "exactly two thirds"
are decided exactly, never by a rounded percentage.

Rules (defaults in the articles of association, DESIGN.md):
- quorum: the share of the eligible voters who took part (cast any ballot, abstention
  included) must be at least the articles' quorum (members' assembly 10%, representative
  assembly 2/3);
- ordinary majority: more than half of the votes cast;
- special majority: at least two thirds of the votes cast (amending the articles, merger,
  division, dissolution, change of legal form, repayment of the initial operating fund,
  distribution of surplus);
- whether abstentions count toward the votes cast is the articles' choice: when they do,
  an abstention works like a vote against.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

ORDINARY = "ordinary"
SPECIAL = "special"

MAJORITIES = {
    ORDINARY: (Fraction(1, 2), False),  # more than half
    SPECIAL: (Fraction(2, 3), True),  # at least two thirds
}


@dataclass(frozen=True)
class TallyResult:
    eligible: int
    participants: int
    votes_for: int
    votes_against: int
    abstentions: int
    votes_cast: int
    quorum_met: bool
    majority_met: bool

    @property
    def adopted(self) -> bool:
        return self.quorum_met and self.majority_met

    @property
    def turnout(self) -> Fraction:
        return Fraction(self.participants, self.eligible) if self.eligible else Fraction(0)


def tally(
    *,
    eligible: int,
    votes_for: int,
    votes_against: int,
    abstentions: int,
    quorum: Fraction,
    majority: str,
    abstentions_count: bool,
) -> TallyResult:
    """Decide a motion from the counts of the frozen roll and its ballots."""
    if min(eligible, votes_for, votes_against, abstentions) < 0:
        raise ValueError("Counts cannot be negative.")
    participants = votes_for + votes_against + abstentions
    if participants > eligible:
        raise ValueError("More ballots than eligible voters.")
    if not Fraction(0) <= quorum <= Fraction(1):
        raise ValueError("The quorum is a share between 0 and 1.")
    try:
        threshold, inclusive = MAJORITIES[majority]
    except KeyError:
        raise ValueError(f"Unknown majority {majority!r}.") from None
    votes_cast = votes_for + votes_against + (abstentions if abstentions_count else 0)
    quorum_met = eligible > 0 and Fraction(participants, eligible) >= quorum
    if votes_cast == 0:
        majority_met = False
    else:
        share = Fraction(votes_for, votes_cast)
        majority_met = share >= threshold if inclusive else share > threshold
    return TallyResult(
        eligible=eligible,
        participants=participants,
        votes_for=votes_for,
        votes_against=votes_against,
        abstentions=abstentions,
        votes_cast=votes_cast,
        quorum_met=quorum_met,
        majority_met=majority_met,
    )
