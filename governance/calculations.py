"""The tally of a motion: a pure function over the frozen roll and the ballots cast.

No database here; the tally service counts ballots set-based and passes the counts in.
Arithmetic is on integers and exact fractions, so "exactly half" and "exactly two thirds"
are decided exactly, never by a rounded percentage.

Rules (defaults in the articles of association, docs/defaults.md):
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

import hashlib
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
    ordinary_share: Fraction = Fraction(1, 2),
    special_share: Fraction = Fraction(2, 3),
) -> TallyResult:
    """Decide a motion from the counts of the frozen roll and its ballots.

    ``ordinary_share`` / ``special_share`` are the articles' majorities: an ordinary motion
    needs MORE than its share of the votes cast, a special one AT LEAST its share.
    """
    if min(eligible, votes_for, votes_against, abstentions) < 0:
        raise ValueError("Counts cannot be negative.")
    participants = votes_for + votes_against + abstentions
    if participants > eligible:
        raise ValueError("More ballots than eligible voters.")
    if not Fraction(0) <= quorum <= Fraction(1):
        raise ValueError("The quorum is a share between 0 and 1.")
    if majority not in MAJORITIES:
        raise ValueError(f"Unknown majority {majority!r}.")
    inclusive = MAJORITIES[majority][1]
    threshold = special_share if majority == SPECIAL else ordinary_share
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


# --- Elections --------------------------------------------------------------------------


def draw_key(seed: str, candidate_id: int) -> str:
    """The reproducible tie-break key of a candidate: sha256(seed ‖ ":" ‖ id), hex.

    Anyone holding the published seed recomputes the order; a lower key wins the tie.
    """
    return hashlib.sha256(f"{seed}:{candidate_id}".encode()).hexdigest()


@dataclass(frozen=True)
class ElectionResult:
    ranking: list[tuple[int, int, str]]  # (candidate id, votes, draw key), best first
    elected: list[int]
    tie_broken: bool


def election_rank(*, votes: dict[int, int], seats: int, seed: str) -> ElectionResult:
    """Plurality: the ``seats`` candidates with the most votes are elected.

    Ties are ordered by ``draw_key(seed, id)``; ``tie_broken`` says whether that order
    decided who took the last seat (a tie across the cut).
    """
    if seats < 1:
        raise ValueError("An election fills at least one seat.")
    ranking = sorted(
        ((cid, n, draw_key(seed, cid)) for cid, n in votes.items()),
        key=lambda row: (-row[1], row[2]),
    )
    elected = [cid for cid, _n, _k in ranking[:seats]]
    tie_broken = len(ranking) > seats and ranking[seats - 1][1] == ranking[seats][1]
    return ElectionResult(ranking=ranking, elected=elected, tie_broken=tie_broken)


def apportion(*, seats: int, populations: dict[str, int]) -> dict[str, int]:
    """Seats per constituency proportional to members: largest remainder (Hare quota).

    Each region gets floor(seats × members / total); the seats left go one each to the
    largest remainders, ties by more members, then by region code (reproducible).
    Regions without members get no seat.
    """
    if seats < 0:
        raise ValueError("Seats cannot be negative.")
    if any(n < 0 for n in populations.values()):
        raise ValueError("Populations cannot be negative.")
    total = sum(populations.values())
    if total == 0:
        return dict.fromkeys(populations, 0)
    shares = {region: Fraction(seats * n, total) for region, n in populations.items()}
    out = {region: int(share) for region, share in shares.items()}
    left = seats - sum(out.values())
    order = sorted(populations, key=lambda r: (-(shares[r] - out[r]), -populations[r], r))
    for region in order[:left]:
        out[region] += 1
    return out


def staggered_term_years(*, seats: int, term_years: int, odd_short: bool = False) -> list[int]:
    """Term lengths for the seats filled when a body is first elected: half of them get
    a half-length term so that half the seats are renewed each cycle afterwards.

    When one body is filled by several elections (representatives per region), each
    election's odd seat is short in every other one (``odd_short``), so that across the
    body half the seats are short, one-seat regions included."""
    short = max(1, term_years // 2)
    n_short = seats // 2 + (1 if odd_short and seats % 2 else 0)
    return [short if i < n_short else term_years for i in range(seats)]


def roll_hash(member_numbers: list[str]) -> str:
    """SHA-256 of the frozen voter roll: sorted member numbers, one per line."""
    body = "\n".join(sorted(member_numbers)).encode()
    return hashlib.sha256(body).hexdigest()


def proposal_threshold(*, kind: str, number: int, share_permille: int, active: int) -> int:
    """Co-signatures a member proposal needs: a fixed number, or a share (per mille,
    rounded up) of the active members; never fewer than one."""
    if kind == "share":
        return max(1, -(-share_permille * active // 1000))
    return max(1, number)
