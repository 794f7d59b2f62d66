"""Counting: one GROUP BY over the counted ballots of a motion, fed to the pure ``tally``.

The quorum is measured against the frozen roll's size (``Meeting.roll_size``); the
majority the motion's kind needs and whether abstentions count come from the articles
the meeting was convened under.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import NotAllowed

from ..calculations import (
    ORDINARY,
    SPECIAL,
    ElectionResult,
    TallyResult,
    election_rank,
    staggered_term_years,
    tally,
)
from ..events import mandate_event, meeting_event
from ..events import term as event_term
from ..models import (
    Ballot,
    BallotSelection,
    Body,
    Candidate,
    Mandate,
    MandateEvent,
    Meeting,
    MeetingEvent,
    Motion,
)
from ..selectors import meeting_articles
from ..transitions import CANDIDATE, CLOSED, MOTION

S = Meeting.Status


def motion_counts(motion: Motion) -> dict[str, int]:
    """{choice: counted ballots} in one aggregate query."""
    rows = (
        Ballot.objects.filter(motion=motion, counted=True)
        .values_list("choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def election_counts(motion: Motion) -> dict[int, int]:
    """{candidate id: votes} over the counted ballots, in one aggregate query; standing
    candidates without a vote are listed with 0."""
    votes = dict(
        BallotSelection.objects.filter(ballot__motion=motion, ballot__counted=True)
        .values_list("candidate_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for cid in motion.candidates.filter(
        status__in=(
            Candidate.Status.STANDING,
            Candidate.Status.ELECTED,
            Candidate.Status.NOT_ELECTED,
        )
    ).values_list("pk", flat=True):
        votes.setdefault(cid, 0)
    return votes


@dataclass(frozen=True)
class MotionTally:
    result: TallyResult
    election: ElectionResult | None = None


class TermPlan:
    """Staggered terms across all the elections of one meeting for each body.

    Whether a body is elected for the first time (no mandate running past the start of
    the new terms) is decided once, before any mandate of the meeting is created; then
    half the seats of the whole body get a short term: within each election its lower
    half, and the odd seat of every second election with an odd number of elected (so
    one-seat regions alternate short and full)."""

    def __init__(self, meeting: Meeting):
        self.start = timezone.localdate(meeting.voting_closed_at) + dt.timedelta(days=1)
        self.years = meeting_articles(meeting).term_years
        bodies = set(
            meeting.motions.filter(kind=Motion.Kind.ELECTION).values_list("elects_to_id", flat=True)
        )
        running = set(
            Mandate.objects.filter(body_id__in=bodies, ends_on__gt=self.start).values_list(
                "body_id", flat=True
            )
        )
        self.first = {b for b in bodies if b not in running}
        self.odd_seen: dict[int, int] = {}

    def terms(self, body_id: int, seats: int) -> list[int]:
        if body_id not in self.first:
            return [self.years] * seats
        odd_short = False
        if seats % 2:
            seen = self.odd_seen.get(body_id, 0)
            odd_short = seen % 2 == 1
            self.odd_seen[body_id] = seen + 1
        return staggered_term_years(seats=seats, term_years=self.years, odd_short=odd_short)


def motion_tally(
    *,
    motion: Motion,
    meeting: Meeting | None = None,
    declare: bool = False,
    terms: TermPlan | None = None,
) -> MotionTally:
    """Tally a motion after the close; with ``declare`` store the result (and, for an
    election, the elected candidates and their mandates; ``terms`` is the meeting's plan
    of staggered terms, shared by all its elections)."""
    meeting = meeting or motion.meeting
    if meeting.status not in CLOSED:
        raise NotAllowed(_("Ballots are counted after voting closes."))
    articles = meeting_articles(meeting)
    counts = motion_counts(motion)
    participants = sum(counts.values())
    if motion.is_election:
        # Each ballot takes part; the choice among candidates is plurality below.
        result = tally(
            eligible=meeting.roll_size or 0, votes_for=participants - counts.get("abstain", 0),
            votes_against=0, abstentions=counts.get("abstain", 0),
            quorum=articles.quorum_for(meeting.body.kind), majority=ORDINARY,
            abstentions_count=False,
        )  # fmt: skip
    else:
        result = tally(
            eligible=meeting.roll_size or 0,
            votes_for=counts.get(Ballot.Choice.FOR, 0),
            votes_against=counts.get(Ballot.Choice.AGAINST, 0),
            abstentions=counts.get(Ballot.Choice.ABSTAIN, 0),
            quorum=articles.quorum_for(meeting.body.kind),
            majority=SPECIAL if motion.kind == Motion.Kind.SPECIAL else ORDINARY,
            abstentions_count=articles.abstentions_count,
            ordinary_share=articles.ordinary_majority,
            special_share=articles.special_majority,
        )
    election = None
    if motion.is_election:
        election = election_rank(
            votes=election_counts(motion), seats=motion.seats, seed=motion.draw_seed or "-"
        )
    if declare:
        _declare(motion, meeting, result, election, terms or TermPlan(meeting))
    return MotionTally(result=result, election=election)


def _declare(
    motion: Motion, meeting: Meeting, result: TallyResult, election, terms: TermPlan
) -> None:
    motion.eligible = result.eligible
    motion.participants = result.participants
    motion.votes_for = result.votes_for
    motion.votes_against = result.votes_against
    motion.abstentions = result.abstentions
    motion.votes_cast = result.votes_cast
    motion.quorum_met = result.quorum_met
    if not result.quorum_met:
        outcome = Motion.Outcome.NO_QUORUM
    elif motion.is_election:
        outcome = Motion.Outcome.ELECTED
    else:
        outcome = Motion.Outcome.ADOPTED if result.adopted else Motion.Outcome.REJECTED
    MOTION.move(motion, outcome)
    motion.save(
        update_fields=[
            "eligible", "participants", "votes_for", "votes_against", "abstentions",
            "votes_cast", "quorum_met", "outcome",
        ]
    )  # fmt: skip
    if election is None:
        return
    elected = set(election.elected) if result.quorum_met else set()
    by_id = Candidate.objects.select_for_update().in_bulk([cid for cid, _n, _k in election.ranking])
    for cid, votes, key in election.ranking:
        candidate = by_id[cid]
        candidate.votes = votes
        candidate.draw_rank = key
        CANDIDATE.move(
            candidate, Candidate.Status.ELECTED if cid in elected else Candidate.Status.NOT_ELECTED
        )
        candidate.save(update_fields=["votes", "draw_rank", "status"])
    if election.tie_broken and result.quorum_met:
        meeting_event(
            meeting=meeting,
            type=MeetingEvent.Type.DRAW,
            data={"motion": motion.number, "seed": motion.draw_seed,
                  "order": [cid for cid, _n, _k in election.ranking]},
        )  # fmt: skip
    if elected:
        _mandates_for(motion, [cid for cid in election.elected if cid in elected], by_id, terms)


def _mandates_for(motion: Motion, elected: list[int], by_id, plan: TermPlan) -> None:
    """Mandates for the elected, from the day after the close. On a body's first
    election half its seats get a half-length term (staggered: half renewed each cycle),
    spread over all the meeting's elections to that body (``TermPlan``)."""
    body = motion.elects_to
    if body is None:  # motion_add refuses an election that names no body
        raise ValueError(f"Election motion #{motion.pk} names no body to fill.")
    start = plan.start
    terms = plan.terms(body.pk, len(elected))
    role = (
        Mandate.Role.REPRESENTATIVE
        if body.kind == Body.Kind.REPRESENTATIVE_ASSEMBLY
        else Mandate.Role.MEMBER
    )
    mandates = Mandate.objects.bulk_create(
        Mandate(
            body=body,
            member_id=by_id[cid].member_id,
            role=role,
            region=motion.constituency,
            starts_on=start,
            ends_on=_years_after(start, term),
            elected_by=motion,
        )
        for cid, term in zip(elected, terms, strict=True)
    )
    for mandate in mandates:
        mandate_event(
            mandate=mandate,
            type=MandateEvent.Type.ELECTED,
            new_value=event_term(mandate.starts_on, mandate.ends_on),
            data={"motion": motion.pk, "meeting": motion.meeting_id, "role": role,
                  "region": motion.constituency},
        )  # fmt: skip


def _years_after(day, years: int):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
