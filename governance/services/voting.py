"""Casting ballots and appointing proxies.

One member, one vote: exactly one counted ballot per voter per motion. The
``one_counted_ballot_per_voter`` partial unique constraint on ``Participation`` enforces
it in the database; the service serialises a voter's submissions by locking their roll
entry, so concurrent submissions queue instead of failing.

When the articles allow a change of vote, the latest ballot before the close counts; the
earlier ballot stays in the table, marked not counted (superseded), and its participation
row stays in the log with ``superseded_at``.

Proxies are appointed and revoked in ``proxies`` (importable from here as before).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.exceptions import DomainError, InvalidInput, NotAllowed, NotFound

from ..events import meeting_event
from ..exceptions import AlreadyVoted, NotEligible, VotingClosed
from ..models import (
    Ballot,
    BallotSelection,
    Candidate,
    Meeting,
    MeetingEvent,
    Motion,
    Participation,
    RollEntry,
)
from ..selectors import live_proxy, meeting_articles
from ..transitions import BEFORE_VOTING
from . import sealing
from .proxies import proxy_appoint, proxy_revoke  # moved: importable from here as before

S = Meeting.Status


@dataclass(frozen=True)
class CastResult:
    """What the voter is told: the receipt code to check against the published list."""

    motion_id: int
    receipt: str
    changed: bool


MOTION_CHOICES = (Ballot.Choice.FOR, Ballot.Choice.AGAINST, Ballot.Choice.ABSTAIN)


def _motion(motion: Motion | int) -> Motion:
    if isinstance(motion, Motion):
        return motion
    pk = motion
    found = Motion.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no motion #%(id)s.") % {"id": pk}, field="motion")
    return found


def _window_check(meeting: Meeting, at: dt.datetime) -> None:
    if meeting.status != S.VOTING_OPEN or not (
        meeting.voting_opens_at <= at < meeting.voting_closes_at
    ):
        if meeting.status in BEFORE_VOTING or at < meeting.voting_opens_at:
            raise VotingClosed(
                _("Voting on this meeting has not opened yet; it opens at %(time)s.")
                % {"time": timezone.localtime(meeting.voting_opens_at).strftime("%Y-%m-%d %H:%M")}
            )
        raise VotingClosed(_("Voting on this meeting has closed."))


def _meeting_share_lock(meeting_id: int) -> None:
    """Hold the meeting row in SHARE mode for the cast: ballots of different voters do
    not wait for one another, but closing the vote (FOR UPDATE) waits for the ballots in
    flight, and a ballot that starts after the close sees it closed. (SQLite serialises
    writers anyway.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM governance_meeting WHERE id = %s FOR SHARE", [meeting_id])


def _choice_check(motion: Motion, choice: str | None, candidates: Sequence[int] | None):
    """(choice, candidate rows) or InvalidInput naming the field."""
    if motion.is_election:
        ids = list(candidates or [])
        # A candidate id is a database key: anything else (text, a number past the 64-bit
        # key range, which SQLite cannot even bind) marks no standing candidate.
        if any(isinstance(i, bool) or not isinstance(i, int) or not 0 < i < 2**63 for i in ids):
            raise InvalidInput(
                _("Mark only candidates standing in this election."), field="candidates"
            )
        if len(set(ids)) != len(ids):
            raise InvalidInput(_("Mark each candidate once."), field="candidates")
        if len(ids) > motion.seats:
            raise InvalidInput(
                _("Mark at most %(n)s candidates: there are %(n)s seats.") % {"n": motion.seats},
                field="candidates",
            )
        rows = list(
            Candidate.objects.filter(motion=motion, pk__in=ids, status=Candidate.Status.STANDING)
        )
        if len(rows) != len(ids):
            raise InvalidInput(
                _("Mark only candidates standing in this election."), field="candidates"
            )
        return (Ballot.Choice.CANDIDATES if rows else Ballot.Choice.ABSTAIN), rows
    if choice not in MOTION_CHOICES:
        raise InvalidInput(_("Choose for, against or abstain."), field="choice")
    if candidates:
        raise InvalidInput(_("This motion is not an election."), field="candidates")
    return choice, []


def ballot_cast(
    *,
    motion: Motion | int,
    voter: Member,
    choice: str | None = None,
    candidates: Sequence[int] | None = None,
    holder: Member | None = None,
    in_person: bool = False,
    actor=None,
    at: dt.datetime | None = None,
) -> CastResult:
    """Cast ``voter``'s ballot on a motion during the voting window.

    - ``holder``: the proxy holder casting for ``voter`` (the voter's live proxy).
    - ``in_person``: recorded by the board secretary (``actor``) from a paper ballot,
      with an audit event.
    Refused, with nothing recorded: outside the window; a voter not on the frozen roll;
    a voter who appointed a proxy voting themselves; a second ballot when the articles do
    not allow changes; a choice that is not on the ballot.
    """
    at = at or timezone.now()
    try:
        with transaction.atomic():
            return _cast(
                motion=motion, voter=voter, choice=choice, candidates=candidates,
                holder=holder, in_person=in_person, actor=actor, at=at,
            )  # fmt: skip
    except IntegrityError as exc:
        # The constraint is the last word if two submissions ever slipped past the lock.
        raise AlreadyVoted(_("A ballot of this voter on this motion is already counted.")) from exc


def _cast(*, motion, voter, choice, candidates, holder, in_person, actor, at) -> CastResult:
    motion = _motion(motion)
    # Serialise this voter's submissions: every cast for them locks their roll entry.
    entry = (
        RollEntry.objects.select_for_update()
        .filter(meeting_id=motion.meeting_id, member=voter)
        .first()
    )
    _meeting_share_lock(motion.meeting_id)
    meeting = Meeting.objects.select_related("articles").get(pk=motion.meeting_id)
    _window_check(meeting, at)
    articles = meeting_articles(meeting)  # an open vote's meeting was convened
    if entry is None:
        raise NotEligible(
            _("%(name)s is not on the voter roll of this meeting (frozen on %(date)s).")
            % {"name": voter.legal_name, "date": meeting.record_date},
            field="voter",
        )
    proxy = live_proxy(meeting, voter)
    if holder is not None and holder.pk != voter.pk:
        if proxy is None or proxy.holder_id != holder.pk:
            raise NotAllowed(
                _("You do not hold a proxy for %(name)s at this meeting.")
                % {"name": voter.legal_name},
                field="voter",
            )
        if not RollEntry.objects.filter(meeting=meeting, member=holder).exists():
            raise NotEligible(_("A proxy holder must be on the voter roll."), field="voter")
        # Attending in person ends the proxy for the meeting: once the member has voted
        # in person, their holder no longer votes for them (it would overwrite them).
        if Participation.objects.filter(
            motion__meeting=meeting, voter=voter, channel=Participation.Channel.IN_PERSON,
            cast_by__isnull=True,
        ).exists():  # fmt: skip
            raise NotAllowed(
                _("%(name)s voted in person at this meeting: their proxy no longer votes for them.")
                % {"name": voter.legal_name},
                field="voter",
            )
    elif proxy is not None and not in_person:
        raise NotAllowed(
            _("You appointed %(holder)s as your proxy for this meeting: they vote for you.")
            % {"holder": proxy.holder.legal_name},
            field="voter",
        )
    choice, rows = _choice_check(motion, choice, candidates)

    # The participation row only (``of``, and no ordering): the model's default ordering
    # joins the motion and the meeting, and a plain FOR UPDATE would lock those rows too,
    # so that every ballot took the meeting row exclusively: ballots of different voters
    # waited for one another, and two of them, each holding the meeting's SHARE lock and
    # wanting it FOR UPDATE, deadlocked (found by bench/run.py portal-load).
    previous = (
        Participation.objects.select_for_update(of=("self",))
        .filter(motion=motion, voter=voter, counted=True)
        .order_by("pk")
        .first()
    )
    if previous is not None:
        if not articles.vote_changes_allowed:
            raise AlreadyVoted(
                _(
                    "A ballot is already recorded for %(name)s on this motion; "
                    "the articles do not allow changing it."
                )
                % {"name": voter.legal_name},
                field="choice",
            )
        old_id = sealing.unseal(previous.ballot_nonce, previous.ballot_seal)
        Ballot.objects.filter(pk=old_id, motion=motion).update(counted=False)
        previous.counted = False
        previous.superseded_at = at
        previous.save(update_fields=["counted", "superseded_at"])

    ballot = Ballot.objects.create(
        id=uuid.uuid4(),
        motion=motion,
        choice=choice,
        receipt=sealing.receipt_code(),
        voter=None if meeting.secret_ballot else voter,
    )
    if rows:
        BallotSelection.objects.bulk_create(
            BallotSelection(ballot=ballot, candidate=c) for c in rows
        )
    nonce, seal = sealing.seal(ballot.id)
    Participation.objects.create(
        motion=motion,
        voter=voter,
        cast_by=holder if holder is not None and holder.pk != voter.pk else None,
        recorded_by=actor if in_person and getattr(actor, "is_authenticated", False) else None,
        channel=Participation.Channel.IN_PERSON if in_person else Participation.Channel.ONLINE,
        at=at,
        ballot_nonce=nonce,
        ballot_seal=seal,
    )
    data = {"motion": motion.pk, "number": motion.number, "voter": voter.member_number}
    if not meeting.secret_ballot:
        data["choice"] = choice
    if in_person:
        meeting_event(meeting=meeting, type=MeetingEvent.Type.IN_PERSON_VOTE, actor=actor,
                      data=data, at=at)  # fmt: skip
    if previous is not None and not meeting.secret_ballot:
        # On a secret ballot a change is not logged by voter: it would pair the voter
        # with the superseded ballot. (The retired participation row is hidden from
        # staff by ``selectors.participations_visible``.)
        meeting_event(meeting=meeting, type=MeetingEvent.Type.VOTE_CHANGED, actor=actor,
                      data=data, at=at)  # fmt: skip
    return CastResult(motion_id=motion.pk, receipt=ballot.receipt, changed=previous is not None)


def ballots_cast(
    *,
    meeting: Meeting,
    voter: Member,
    choices: dict[int, str | list[int]],
    holder: Member | None = None,
    actor=None,
) -> list[CastResult]:
    """Cast on several motions of one meeting in one transaction (all or nothing). A
    refusal carries ``motion_id``: the motion it is about, so a face can point at it."""
    if not choices:
        raise InvalidInput(_("Mark a choice on at least one motion."), field="choices")
    results = []
    with transaction.atomic():
        motions = Motion.objects.select_related("meeting", "meeting__articles").in_bulk(
            list(choices)
        )
        for motion_id, value in choices.items():
            motion = motions.get(motion_id)
            if motion is None or motion.meeting_id != meeting.pk:
                raise InvalidInput(_("The motion belongs to another meeting."), field="motion")
            try:
                if motion.is_election:
                    if isinstance(value, str):  # a choice where candidates are marked
                        raise InvalidInput(
                            _("Mark only candidates standing in this election."),
                            field="candidates",
                        )
                    results.append(ballot_cast(motion=motion, voter=voter, candidates=value,
                                               holder=holder, actor=actor))  # fmt: skip
                else:
                    if not isinstance(value, str):  # candidates where a choice is marked
                        raise InvalidInput(_("Choose for, against or abstain."), field="choice")
                    results.append(ballot_cast(motion=motion, voter=voter, choice=value,
                                               holder=holder, actor=actor))  # fmt: skip
            except DomainError as error:
                # Which motion the refusal is about, for the face (an attribute of this
                # refusal only, which DomainError does not declare).
                setattr(error, "motion_id", motion.pk)  # noqa: B010
                raise
    return results


__all__ = [
    "AlreadyVoted",
    "CastResult",
    "NotEligible",
    "VotingClosed",
    "ballot_cast",
    "ballots_cast",
    "live_proxy",
    "proxy_appoint",
    "proxy_revoke",
]
