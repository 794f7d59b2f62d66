"""Who took part (for staff, never with a choice) and the receipts (a code → its choice,
after the close, never with a voter)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from ..models import Ballot, BallotSelection, Meeting, Motion, Participation
from ..transitions import CLOSED


def participations_visible() -> QuerySet[Participation]:
    """The participation rows staff may see. On a secret ballot only the counted row of
    each voter: a retired row (a changed vote) would pair that voter with a superseded
    ballot by its timing, and so with their earlier choice."""
    return Participation.objects.exclude(counted=False, motion__meeting__secret_ballot=True)


def meeting_participation(meeting: Meeting) -> QuerySet[Participation]:
    """Who took part in which motion, how and when: for staff. No choice is reachable
    from these rows (the ballot link is sealed); on a secret ballot only counted rows,
    and never when a vote was superseded."""
    return (
        participations_visible()
        .filter(motion__meeting=meeting)
        .select_related("voter", "cast_by", "motion", "recorded_by")
        .only(
            "motion__number",
            "motion__title",
            "voter__member_number",
            "voter__legal_name",
            "cast_by__member_number",
            "cast_by__legal_name",
            "recorded_by__username",
            "channel",
            "at",
            "counted",
        )  # fmt: skip
        .order_by("motion__number", "at")
    )


@dataclass(frozen=True)
class PublishedBallot:
    receipt: str
    choice: str
    candidates: tuple[str, ...]
    counted: bool


def motion_receipts(motion: Motion) -> list[PublishedBallot]:
    """After the close: every counted ballot of a motion as receipt code → choice,
    ordered by code. Before the close: nothing (no interim results).

    Superseded ballots (a changed vote) are never published: with the list of who changed
    a vote, a published "replaced" ballot would tell staff that voter's earlier choice.
    The voter holding a superseded receipt still learns it was replaced from
    ``receipt_verify``."""
    if motion.meeting.status not in CLOSED:
        return []
    ballots = Ballot.objects.filter(motion=motion, counted=True).order_by("receipt")
    names: dict = {}
    if motion.is_election:
        for ballot_id, name in BallotSelection.objects.filter(
            ballot__motion=motion, ballot__counted=True
        ).values_list("ballot_id", "candidate__member__legal_name"):
            names.setdefault(ballot_id, []).append(name)
    return [
        PublishedBallot(
            receipt=b.receipt,
            choice=b.choice,
            candidates=tuple(sorted(names.get(b.pk, ()))),
            counted=b.counted,
        )
        for b in ballots.only("id", "receipt", "choice", "counted")
    ]


@dataclass(frozen=True)
class ReceiptCheck:
    motion: Motion
    counted: bool
    choice: str | None  # None until the close
    candidates: tuple[str, ...]


def receipt_verify(code: str) -> ReceiptCheck | None:
    """What a receipt code shows: the motion and whether the ballot counts; after the
    close also its choice (the published list says the same)."""
    code = (code or "").strip().upper()
    ballot = (
        Ballot.objects.filter(receipt=code)
        .select_related("motion", "motion__meeting")
        .only("id", "choice", "counted", "motion")
        .first()
    )
    if ballot is None:
        return None
    closed = ballot.motion.meeting.status in CLOSED
    names: tuple[str, ...] = ()
    if closed and ballot.motion.is_election:
        names = tuple(
            sorted(
                BallotSelection.objects.filter(ballot=ballot).values_list(
                    "candidate__member__legal_name", flat=True
                )
            )
        )
    return ReceiptCheck(
        motion=ballot.motion,
        counted=ballot.counted,
        choice=ballot.choice if closed else None,
        candidates=names,
    )
