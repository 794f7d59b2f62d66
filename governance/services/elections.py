"""Elections: nominations with seconders and candidate statements; representative
constituencies per region with seats proportional to members; term limits.

Plurality with each voter marking up to N candidates is counted in ``tally``; ties are
broken by ``calculations.draw_key`` over the seed recorded at the close.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from members.regions import PROVINCES
from mutualsociety.common.exceptions import InvalidInput, NotAllowed

from ..calculations import apportion
from ..events import meeting_event
from ..models import Body, Candidate, Mandate, Matter, Meeting, MeetingEvent, Motion, Seconding
from ..selectors import articles_in_force
from ..transitions import BEFORE_VOTING, CANDIDATE
from .motions import motion_add

S = Meeting.Status


# Terms are back-to-back when the next begins less than a year after the previous ended:
# the assembly meets yearly, so a seat whose term ends before the annual assembly is filled
# there; a gap of a full cycle or more is a break.
CONSECUTIVE_GAP = dt.timedelta(days=366)


def consecutive_terms(body: Body, member: Member, on: dt.date) -> int:
    """How many back-to-back terms the member has held on the body up to a new term
    starting the day after ``on``. Only the unbroken run that reaches the new term counts:
    a term that ended a cycle or more before it (or before the next older one's successor
    began) is not consecutive, nor is anything older than that."""
    terms = (
        Mandate.objects.filter(body=body, member=member, starts_on__lte=on)
        .order_by("-starts_on")
        .values_list("starts_on", "ends_on")
    )
    count, next_start = 0, on + dt.timedelta(days=1)
    for starts_on, ends_on in terms:
        if ends_on + CONSECUTIVE_GAP < next_start:
            break
        count += 1
        next_start = min(next_start, starts_on)
    return count


@transaction.atomic
def candidate_nominate(*, motion: Motion, member: Member, nominated_by: Member,
                       statement: str = "", actor=None) -> Candidate:  # fmt: skip
    """Nominate a candidate for an election, before voting opens.

    Refused: not an election; voting already open; a candidate or nominator who is not
    an active member; a candidate from outside the constituency; a candidate who would
    exceed the articles' term limit on the body.
    """
    motion = Motion.objects.select_related("meeting", "elects_to").get(pk=motion.pk)
    if not motion.is_election:
        raise InvalidInput(_("Candidates stand in elections only."), field="motion")
    if motion.meeting.status not in BEFORE_VOTING:
        raise NotAllowed(_("Nominations close when voting opens."))
    for who, field in ((member, "member"), (nominated_by, "nominated_by")):
        if who.status != Member.Status.ACTIVE:
            raise NotAllowed(_("%(name)s is not an active member.") % {"name": who.legal_name},
                             field=field)  # fmt: skip
    if motion.constituency and member.region != motion.constituency:
        raise InvalidInput(
            _("This election is for the members of constituency %(region)s.")
            % {"region": motion.get_constituency_display()},
            field="member",
        )
    articles = motion.meeting.articles or articles_in_force()
    if motion.elects_to is None:  # motion_add refuses an election that names no body
        raise ValueError(f"Election motion #{motion.pk} names no body to fill.")
    held = consecutive_terms(
        motion.elects_to, member, timezone.localdate(motion.meeting.voting_closes_at)
    )
    if held >= articles.term_limit:
        raise InvalidInput(
            _("%(name)s has served %(n)s consecutive terms, the limit in the articles.")
            % {"name": member.legal_name, "n": held},
            field="member",
        )
    try:
        with transaction.atomic():
            candidate = Candidate.objects.create(
                motion=motion, member=member, nominated_by=nominated_by, statement=statement.strip()
            )
    except IntegrityError:
        raise InvalidInput(_("This member is already a candidate."), field="member") from None
    meeting_event(meeting=motion.meeting, type=MeetingEvent.Type.NOMINATION, actor=actor,
                  data={"motion": motion.number, "candidate": member.member_number})  # fmt: skip
    return candidate


@transaction.atomic
def candidate_second(*, candidate: Candidate, member: Member, actor=None) -> Candidate:
    """Second a nomination; a seconded candidate stands (is on the ballot)."""
    candidate = (
        Candidate.objects.select_for_update().select_related("motion__meeting").get(pk=candidate.pk)
    )
    if candidate.motion.meeting.status not in BEFORE_VOTING:
        raise NotAllowed(_("Nominations close when voting opens."))
    if member.status != Member.Status.ACTIVE:
        raise NotAllowed(_("Only active members can second a nomination."))
    if member.pk in (candidate.member_id, candidate.nominated_by_id):
        raise InvalidInput(
            _("A nomination is seconded by someone other than the candidate and the nominator.")
        )
    try:
        with transaction.atomic():
            Seconding.objects.create(candidate=candidate, member=member)
    except IntegrityError:
        raise InvalidInput(_("You have already seconded this nomination.")) from None
    if candidate.status == Candidate.Status.NOMINATED:  # the first seconder puts them on
        CANDIDATE.move(candidate, Candidate.Status.STANDING)
        candidate.save(update_fields=["status"])
    return candidate


def constituency_seats(*, seats: int) -> dict[str, int]:
    """Representative seats per region, proportional to the active members (largest
    remainder), from one GROUP BY over members."""
    populations = dict(
        Member.objects.filter(status=Member.Status.ACTIVE)
        .values_list("region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return apportion(seats=seats, populations=populations)


def seats_up_for_election(body: Body, on: dt.date) -> int:
    """The body's seats not held by a mandate that continues after ``on``: with staggered
    terms, about half of them each cycle."""
    continuing = Mandate.objects.filter(body=body, starts_on__lte=on, ends_on__gt=on).count()
    return max(body.seats - continuing, 0)


@transaction.atomic
def representative_elections_add(*, meeting: Meeting, body: Body, seats: int | None = None,
                                 actor=None) -> list[Motion]:  # fmt: skip
    """One election per region for the representatives' seats up for election (or
    ``seats``), apportioned to the active members of each region by largest remainder."""
    if body.kind != Body.Kind.REPRESENTATIVE_ASSEMBLY:
        raise InvalidInput(_("Constituencies elect representatives."), field="body")
    if meeting.status not in BEFORE_VOTING:
        raise InvalidInput(_("Elections are added before voting opens."), field="meeting")
    if meeting.motions.filter(kind=Motion.Kind.ELECTION, elects_to=body).exists():
        raise InvalidInput(_("This meeting already elects these representatives."))
    if seats is None:
        seats = seats_up_for_election(body, timezone.localdate(meeting.voting_closes_at))
    if seats < 1:
        raise InvalidInput(_("No seat of this body is up for election."), field="seats")
    motions = []
    for region, n in sorted(constituency_seats(seats=seats).items()):
        if n == 0:
            continue
        motion = motion_add(
            meeting=meeting,
            title=_("Election of representatives · %(region)s")
            % {"region": PROVINCES.get(region, region)},
            text="",
            matter=Matter.ELECTION,
            seats=n,
            elects_to=body,
            constituency=region,
            actor=actor,
        )
        motions.append(motion)
    return motions
