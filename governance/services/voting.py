"""Casting ballots and appointing proxies.

One member, one vote: exactly one counted ballot per voter per motion. The
``one_counted_ballot_per_voter`` partial unique constraint on ``Participation`` enforces
it in the database; the service serialises a voter's submissions by locking their roll
entry, so concurrent submissions queue instead of failing.

When the articles allow a change of vote, the latest ballot before the close counts; the
earlier ballot stays in the table, marked not counted (superseded), and its participation
row stays in the log with ``superseded_at``.
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
from ..models import (
    Ballot,
    BallotSelection,
    Candidate,
    Meeting,
    MeetingEvent,
    Motion,
    Participation,
    Proxy,
    RollEntry,
)
from ..selectors import eligible_members, live_proxy
from ..transitions import BEFORE_VOTING
from . import sealing

S = Meeting.Status


class NotEligible(DomainError):
    code = "not_eligible"
    http_status = 403


class AlreadyVoted(DomainError):
    code = "already_voted"
    http_status = 409


class VotingClosed(DomainError):
    code = "voting_closed"
    http_status = 409


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
    articles = meeting.articles
    _window_check(meeting, at)
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

    previous = (
        Participation.objects.select_for_update()
        .filter(motion=motion, voter=voter, counted=True)
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
                    results.append(ballot_cast(motion=motion, voter=voter, candidates=value,
                                               holder=holder, actor=actor))  # fmt: skip
                else:
                    results.append(ballot_cast(motion=motion, voter=voter, choice=value,
                                               holder=holder, actor=actor))  # fmt: skip
            except DomainError as error:
                error.motion_id = motion.pk  # which motion the refusal is about, for the face
                raise
    return results


# --- Proxies ---------------------------------------------------------------------------


@transaction.atomic
def proxy_appoint(*, meeting: Meeting, principal: Member, holder: Member, actor=None) -> Proxy:
    """Appoint another eligible voter as proxy for one meeting, before voting opens.

    Refused: proxies not allowed by the articles; oneself; a holder who is not eligible;
    a holder already carrying the most proxies the articles allow; a principal who
    already has a proxy (revoke it first); a chain either way — a holder who gave their
    own vote to a proxy, or a principal who holds proxies. The meeting row is locked, so
    appointments and revocations of one meeting run one at a time.
    """
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("articles", "body")
        .get(pk=meeting.pk)
    )
    if meeting.status != S.CONVENED:
        raise NotAllowed(_("Proxies are appointed between convening and the opening of the vote."))
    articles = meeting.articles
    if not articles.proxies_allowed:
        raise NotAllowed(_("The articles do not allow voting by proxy."))
    if holder.pk == principal.pk:
        raise InvalidInput(_("You cannot appoint yourself as your proxy."), field="holder")
    on = meeting.record_date or timezone.localdate()
    if meeting.roll_frozen:
        on_roll = set(
            RollEntry.objects.filter(meeting=meeting, member__in=[principal, holder]).values_list(
                "member_id", flat=True
            )
        )
    else:
        on_roll = set(
            eligible_members(meeting.body, on)
            .filter(pk__in=[principal.pk, holder.pk])
            .values_list("pk", flat=True)
        )
    if principal.pk not in on_roll:
        raise NotEligible(_("Only an eligible voter can appoint a proxy."), field="principal")
    if holder.pk not in on_roll:
        raise NotEligible(
            _("%(name)s is not an eligible voter at this meeting and cannot hold a proxy.")
            % {"name": holder.legal_name},
            field="holder",
        )
    # Lock the holder's live proxies so two appointments cannot both take the last slot.
    carried = list(
        Proxy.objects.select_for_update()
        .filter(meeting=meeting, holder=holder, revoked_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if len(carried) >= articles.proxies_max_per_holder:
        raise InvalidInput(
            _("%(name)s already holds %(n)s proxies, the most the articles allow.")
            % {"name": holder.legal_name, "n": articles.proxies_max_per_holder},
            field="holder",
        )
    if live_proxy(meeting, principal) is not None:
        raise InvalidInput(
            _("You already have a proxy for this meeting; revoke it first."), field="holder"
        )
    if live_proxy(meeting, holder) is not None:
        raise InvalidInput(
            _("%(name)s has given their own vote to a proxy and cannot hold one.")
            % {"name": holder.legal_name},
            field="holder",
        )
    # No chains, whichever is appointed first: a member holding proxies keeps their own
    # vote (their principals relied on them voting), so they cannot give it away.
    if Proxy.objects.filter(meeting=meeting, holder=principal, revoked_at__isnull=True).exists():
        raise InvalidInput(
            _(
                "You hold proxies of other members for this meeting, so you cannot give "
                "your own vote to a proxy."
            ),
            field="holder",
        )
    proxy = Proxy.objects.create(meeting=meeting, principal=principal, holder=holder)
    meeting_event(
        meeting=meeting,
        type=MeetingEvent.Type.PROXY,
        actor=actor,
        data={"principal": principal.member_number, "holder": holder.member_number},
    )
    return proxy


@transaction.atomic
def proxy_revoke(*, proxy: Proxy, principal: Member, actor=None) -> Proxy:
    """Revoke a proxy, before voting opens. Locks the meeting row first (as
    ``proxy_appoint`` and the opening of the vote do), so a revocation cannot slip in
    while voting opens: it waits, then sees the vote open and is refused."""
    meeting_id = Proxy.objects.filter(pk=proxy.pk).values_list("meeting_id", flat=True).first()
    if meeting_id is None:
        raise NotFound(_("There is no such proxy of yours."))
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting_id)
    proxy = Proxy.objects.select_for_update().get(pk=proxy.pk)
    proxy.meeting = meeting
    if proxy.principal_id != principal.pk:
        raise NotFound(_("There is no such proxy of yours."))
    if proxy.revoked_at is not None:
        return proxy
    if proxy.meeting.status != S.CONVENED:
        raise NotAllowed(_("A proxy can be revoked only before voting opens."))
    proxy.revoked_at = timezone.now()
    proxy.save(update_fields=["revoked_at"])
    meeting_event(
        meeting=proxy.meeting,
        type=MeetingEvent.Type.PROXY_REVOKED,
        actor=actor,
        data={"principal": principal.member_number},
    )
    return proxy
