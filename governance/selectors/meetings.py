"""What a member sees of the meetings: which ones, their agenda and motions, what they
may do and have done (never a choice), nominations, proposals to co-sign."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from members.models import Member

from ..models import (
    AgendaItem,
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
from ..transitions import BEFORE_VOTING, CLOSED, UPCOMING
from .eligibility import RollAbsence, eligible_members, roll_absence

S = Meeting.Status


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
    # Before the freeze, eligible as the proxy and ballot services judge it: a suspended
    # member sees the convened meeting, but is offered neither a proxy nor a ballot.
    on_roll = (
        RollEntry.objects.filter(meeting=meeting, member=member).exists()
        if meeting.roll_frozen
        else meeting.status in UPCOMING
        and eligible_members(meeting.body, meeting.record_date or timezone.localdate())
        .filter(pk=member.pk)
        .exists()
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


def open_proposals() -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(status=Proposal.Status.DRAFT)
        .select_related("author")
        .annotate(signed=Count("signatures"))
        .order_by("-created_at")
    )


def proposals_signed_by(member: Member) -> set[int]:
    return set(Proposal.objects.filter(signatures__member=member).values_list("pk", flat=True))


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
