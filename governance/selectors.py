"""Reads of governance shared by the portal, the API, the admin and the disclosure pages.

Who may see what lives here:
- a member sees the meetings of the bodies they may vote in, whether they took part in
  each motion (never another member's choice);
- staff see who took part (``meeting_participation``), never a secret ballot's choice
  joined to a voter: no selector here returns both;
- anyone sees the receipt list of a closed motion (receipt code → choice) and the
  results and minutes of published meetings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from members.selectors import members_in_good_standing_on
from mutualsociety.common.exceptions import NotFound

from .models import (
    AgendaItem,
    Articles,
    Ballot,
    BallotSelection,
    Body,
    Candidate,
    Mandate,
    Meeting,
    Motion,
    Participation,
    Proposal,
    Proxy,
    RollEntry,
    Seconding,
)
from .transitions import BEFORE_VOTING, CLOSED, DECLARED, UPCOMING

S = Meeting.Status


# --- The articles and who may vote ---------------------------------------------------


def articles_in_force(on: dt.date | None = None) -> Articles:
    """The articles of association in force on a day (latest effective version)."""
    on = on or timezone.localdate()
    articles = Articles.objects.filter(effective_from__lte=on).order_by("-effective_from", "-id")
    found = articles.first()
    if found is None:
        raise NotFound(_("No articles of association are in force; staff must enter them first."))
    return found


def eligible_members(body: Body, on: dt.date) -> QuerySet[Member]:
    """Who may vote at a meeting of ``body``: every active member for the general
    assembly; for any other body, the members sitting on it on the day."""
    if body.is_all_members:
        return Member.objects.filter(status=Member.Status.ACTIVE)
    sitting = Mandate.objects.filter(body=body, starts_on__lte=on, ends_on__gt=on)
    return Member.objects.filter(pk__in=sitting.values("member_id"), status=Member.Status.ACTIVE)


def eligible_members_on(body: Body, day: dt.date) -> QuerySet[Member]:
    """Who was eligible at the end of a past ``day`` (a record date the freeze missed):
    the members in good standing that day, rebuilt from the membership log
    (``members.selectors.members_in_good_standing_on``); for a body other than the
    general assembly, those of them whose mandate ran that day. One query, set-based.

    What cannot be rebuilt: a status set without a logged change (see the members
    selector), and mandates deleted since (the admin no longer deletes them: a mandate is
    ended with ``mandate_end``, from today on)."""
    members = members_in_good_standing_on(day)
    if not body.is_all_members:
        sitting = Mandate.objects.filter(body=body, starts_on__lte=day, ends_on__gt=day)
        members = members.filter(pk__in=sitting.values("member_id"))
    return members


def live_proxy(meeting: Meeting, principal: Member) -> Proxy | None:
    """The proxy ``principal`` has appointed for the meeting and not revoked, if any."""
    return Proxy.objects.filter(
        meeting=meeting, principal=principal, revoked_at__isnull=True
    ).first()


# --- What a member sees ------------------------------------------------------------------


def meetings_for_member(member: Member) -> QuerySet[Meeting]:
    """Convened meetings a member may take part in (on the frozen roll, or eligible
    before the freeze: any active member for the general assembly, a sitting seat
    holder otherwise) and the meetings published since, newest first."""
    today = timezone.localdate()
    sitting = Mandate.objects.filter(member=member, starts_on__lte=today, ends_on__gt=today)
    mine = (
        Q(roll__member=member)
        | Q(roll_hash="", body__kind=Body.Kind.GENERAL_ASSEMBLY)
        | Q(roll_hash="", body__in=sitting.values("body_id"))
    )
    return (
        Meeting.objects.filter(
            (Q(status__in=UPCOMING) & mine)
            | Q(status__in=CLOSED, roll__member=member)
            | Q(status=S.PUBLISHED)
        )
        .select_related("body")
        .distinct()
        .order_by("-voting_opens_at")
    )


def meetings_announced_to_member(member: Member) -> QuerySet[Meeting]:
    """Convened meetings a member is told about although they cannot vote in them: the
    voter roll was frozen on the record date without them (they joined after it, were
    not in good standing on it, or took their seat after it). The assembly pages list
    these with the reason (``roll_absence``) instead of saying that no meeting is
    convened. For members (active or suspended) of the general assembly, and of the
    bodies they sit on today; newest first."""
    if member.status not in (Member.Status.ACTIVE, Member.Status.SUSPENDED):
        return Meeting.objects.none()
    today = timezone.localdate()
    sitting = Mandate.objects.filter(member=member, starts_on__lte=today, ends_on__gt=today)
    return (
        Meeting.objects.filter(status__in=UPCOMING)
        .exclude(roll_hash="")
        .filter(Q(body__kind=Body.Kind.GENERAL_ASSEMBLY) | Q(body__in=sitting.values("body_id")))
        .exclude(roll__member=member)
        .select_related("body")
        .order_by("-voting_opens_at")
    )


@dataclass(frozen=True)
class RollAbsence:
    """Why a member is not on a meeting's frozen voter roll, for the page to say."""

    JOINED_AFTER = "joined_after"  # became a member on or after the record date
    NO_SEAT = "no_seat"  # held no seat on the body on the record date
    NOT_IN_GOOD_STANDING = "not_in_good_standing"  # a member, but not active, that day

    reason: str
    record_date: dt.date
    joined_on: dt.date | None = None
    body: Body | None = None


def roll_absence(
    meeting: Meeting, member: Member, *, on_roll: bool | None = None
) -> RollAbsence | None:
    """Why ``member`` is not on the meeting's frozen roll; None when they are on it or
    the roll is not frozen yet. ``on_roll`` skips the query when the caller knows.

    The roll holds who was eligible on the record date (``meeting_roll_freeze``): a
    member who joined on or after it (the daily freeze runs first thing that day) is not
    on it; for a board, a seat that started after it does not count; otherwise the member
    was not in good standing that day."""
    if not meeting.roll_frozen or meeting.record_date is None:
        return None
    if on_roll is None:
        on_roll = RollEntry.objects.filter(meeting=meeting, member=member).exists()
    if on_roll:
        return None
    record = meeting.record_date
    if member.joined_on is not None and member.joined_on >= record:
        return RollAbsence(RollAbsence.JOINED_AFTER, record, joined_on=member.joined_on)
    if (
        not meeting.body.is_all_members
        and not Mandate.objects.filter(
            body=meeting.body, member=member, starts_on__lte=record, ends_on__gt=record
        ).exists()
    ):
        return RollAbsence(RollAbsence.NO_SEAT, record, body=meeting.body)
    return RollAbsence(RollAbsence.NOT_IN_GOOD_STANDING, record)


def meeting_visible_to_member(meeting_id: int, member: Member | None) -> Meeting | None:
    """A meeting a member may open (anyone may open a published one). A meeting only
    announced to them (``meetings_announced_to_member``) is listed, not opened."""
    if member is None:
        return (
            Meeting.objects.select_related("body", "articles")
            .filter(pk=meeting_id, status=S.PUBLISHED)
            .first()
        )
    return meetings_for_member(member).select_related("articles").filter(pk=meeting_id).first()


def meeting_agenda(meeting: Meeting) -> list[AgendaItem]:
    """Agenda items with their documents and motions (three queries whatever the size)."""
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .prefetch_related("documents", "motions")
        .order_by("order", "id")
    )


def meeting_motions(meeting: Meeting) -> list[Motion]:
    standing = Candidate.objects.filter(
        status__in=(
            Candidate.Status.STANDING,
            Candidate.Status.ELECTED,
            Candidate.Status.NOT_ELECTED,
        )
    ).select_related("member")
    return list(
        meeting.motions.order_by("number").prefetch_related(
            Prefetch("candidates", queryset=standing, to_attr="ballot_candidates")
        )
    )


@dataclass
class VoterView:
    """What one member may do and has done at a meeting (never a choice)."""

    on_roll: bool
    voted_motion_ids: set[int] = field(default_factory=set)
    proxy_given: Proxy | None = None
    proxies_held: list[Proxy] = field(default_factory=list)
    #: why they are not on the frozen roll, when they are not
    absence: RollAbsence | None = None


def voter_view(meeting: Meeting, member: Member) -> VoterView:
    on_roll = (
        RollEntry.objects.filter(meeting=meeting, member=member).exists()
        if meeting.roll_frozen
        else meeting.status in UPCOMING
    )
    voted = set(
        Participation.objects.filter(
            motion__meeting=meeting, voter=member, counted=True
        ).values_list("motion_id", flat=True)
    )
    live = Proxy.objects.filter(meeting=meeting, revoked_at__isnull=True).select_related(
        "principal", "holder"
    )
    return VoterView(
        on_roll=on_roll,
        absence=None if on_roll else roll_absence(meeting, member, on_roll=False),
        voted_motion_ids=voted,
        proxy_given=live.filter(principal=member).first(),
        proxies_held=list(live.filter(holder=member)),
    )


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


def open_proposals() -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(status=Proposal.Status.DRAFT)
        .select_related("author")
        .annotate(signed=Count("signatures"))
        .order_by("-created_at")
    )


def proposals_signed_by(member: Member) -> set[int]:
    return set(Proposal.objects.filter(signatures__member=member).values_list("pk", flat=True))


# --- Disclosure ------------------------------------------------------------------------


def published_meetings() -> QuerySet[Meeting]:
    """Meetings whose results and approved minutes are published, newest first."""
    return (
        Meeting.objects.filter(status=S.PUBLISHED).select_related("body").order_by("-published_at")
    )


def meeting_results(meeting: Meeting) -> list[Motion]:
    """Declared results of a meeting's motions, with the elected candidates."""
    if meeting.status not in DECLARED:
        return []
    return meeting_motions(meeting)


def meeting_minutes(meeting: Meeting) -> str | None:
    """The approved minutes; None before approval."""
    if meeting.status in (S.MINUTES_APPROVED, S.PUBLISHED):
        return meeting.minutes
    return None


def body_mandates(body: Body, *, on=None) -> QuerySet[Mandate]:
    on = on or timezone.localdate()
    return (
        Mandate.objects.filter(body=body, starts_on__lte=on, ends_on__gt=on)
        .select_related("member")
        .order_by("role", "member__legal_name")
    )


@dataclass
class Nominations:
    """An election's nominations while they are open, for the portal."""

    open: bool
    waiting: dict[int, list] = field(default_factory=dict)  # motion id -> nominated candidates
    seconded: set[int] = field(default_factory=set)  # candidate ids this member seconded


def meeting_nominations(meeting: Meeting, member: Member | None) -> Nominations:
    """Nominations are open until voting opens (``candidate_nominate``); the candidates still
    waiting for a seconder, by election, and those the member has seconded (two queries)."""
    if meeting.status not in BEFORE_VOTING:
        return Nominations(open=False)
    waiting: dict[int, list] = {}
    for candidate in (
        Candidate.objects.filter(motion__meeting=meeting, status=Candidate.Status.NOMINATED)
        .select_related("member")
        .order_by("pk")
    ):
        waiting.setdefault(candidate.motion_id, []).append(candidate)
    seconded = (
        set(
            Seconding.objects.filter(candidate__motion__meeting=meeting, member=member).values_list(
                "candidate_id", flat=True
            )
        )
        if member
        else set()
    )
    return Nominations(open=True, waiting=waiting, seconded=seconded)
