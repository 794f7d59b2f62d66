"""Meetings: draft, agenda and motions, convening (notice, frozen roll), voting window,
results, minutes and publication.

Rules and sources:
- Pilot Measures (CBIRC Measures on mutual insurance organisations, 2015): the member
  (representative) assembly is the highest authority; special matters need two thirds.
- Notice period per meeting kind from the articles (docs/defaults.md: 20 days annual, 15 days
  extraordinary, PRC Company Law practice); convening is refused when it cannot be met.
- The voter roll is frozen on the record date (articles: days before voting opens) and
  its SHA-256 recorded; a database trigger refuses any later change (migration 0002).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, NotFound
from mutualsociety.common.services import outbox_enqueue

from ..calculations import roll_hash
from ..models import (
    AgendaItem,
    Articles,
    Body,
    Mandate,
    Matter,
    Meeting,
    MeetingEvent,
    Motion,
    Proposal,
    RollEntry,
)
from ..transitions import meeting_transition_check

S = Meeting.Status
ASSEMBLIES = (Body.Kind.GENERAL_ASSEMBLY, Body.Kind.REPRESENTATIVE_ASSEMBLY)


def meeting_event(
    *, meeting: Meeting, type: str, actor=None, data: dict | None = None, at=None
) -> MeetingEvent:
    """Append to the meeting's audit log (never rewritten)."""
    return MeetingEvent.objects.create(
        meeting=meeting, type=type, actor=_user(actor), data=data or {}, at=at or timezone.now()
    )


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


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
    """Who was eligible at the end of a past ``day`` (a record date the freeze missed).

    A member's status that day is rebuilt from the membership log: the ``from`` of their
    first status change after the day, or their status now if none; members who joined
    after the day are left out; for a body other than the general assembly, the mandates
    running that day. One query (a correlated subquery on the indexed log), set-based.

    What cannot be rebuilt: a status set without a logged change (a member imported with a
    status after the day counts by that status), and mandates deleted since."""
    from django.db.models import OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from members.models import MemberEvent

    after = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    first_change = (
        MemberEvent.objects.filter(
            member=OuterRef("pk"), type=MemberEvent.Type.STATUS, at__gte=after
        )
        .order_by("at", "id")
        .values("old_value")[:1]
    )
    members = (
        Member.objects.annotate(status_then=Coalesce(Subquery(first_change), "status"))
        .filter(status_then=Member.Status.ACTIVE)
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=day))
    )
    if not body.is_all_members:
        sitting = Mandate.objects.filter(body=body, starts_on__lte=day, ends_on__gt=day)
        members = members.filter(pk__in=sitting.values("member_id"))
    return members


def _locked(meeting: Meeting | int) -> Meeting:
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    found = Meeting.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound(_("There is no meeting #%(id)s.") % {"id": pk})
    return found


def _move(meeting: Meeting, target: str, *, stamp: str, at: dt.datetime, fields=()) -> None:
    meeting_transition_check(meeting.status, target)
    meeting.status = target
    setattr(meeting, stamp, at)
    meeting.save(update_fields=["status", stamp, *fields])


# --- Drafting --------------------------------------------------------------------------


def _draft_check(*, body: Body, kind: str, title: str, voting_opens_at: dt.datetime,
                 voting_closes_at: dt.datetime) -> str:  # fmt: skip
    """The rules of a draft meeting; returns the cleaned title."""
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the meeting a title."), field="title")
    if kind not in Meeting.Kind.values:
        raise InvalidInput(_("Choose the kind of meeting."), field="kind")
    if (kind == Meeting.Kind.BOARD) == (body.kind in ASSEMBLIES):
        raise InvalidInput(
            _(
                "A board meeting is for a board; an assembly meets as an annual or "
                "extraordinary assembly."
            ),
            field="kind",
        )
    if voting_opens_at >= voting_closes_at:
        raise InvalidInput(_("Voting must close after it opens."), field="voting_closes_at")
    return title


@transaction.atomic
def meeting_draft_update(
    *,
    meeting: Meeting,
    body: Body,
    kind: str,
    title: str,
    voting_opens_at: dt.datetime,
    voting_closes_at: dt.datetime,
    location: str = "",
    actor=None,
) -> Meeting:
    """Change a drafted meeting, under the same rules as drafting it. Once convened its
    body, kind and window are fixed (the notice announced them)."""
    meeting = _locked(meeting)
    if meeting.status != S.DRAFTED:
        raise NotAllowed(_("Only a drafted meeting can be changed; the notice has gone out."))
    meeting.title = _draft_check(body=body, kind=kind, title=title,
                                 voting_opens_at=voting_opens_at,
                                 voting_closes_at=voting_closes_at)  # fmt: skip
    meeting.body, meeting.kind, meeting.location = body, kind, location
    meeting.voting_opens_at, meeting.voting_closes_at = voting_opens_at, voting_closes_at
    meeting.save(update_fields=["title", "body", "kind", "location", "voting_opens_at",
                                "voting_closes_at"])  # fmt: skip
    return meeting


@transaction.atomic
def meeting_draft(
    *,
    body: Body,
    kind: str,
    title: str,
    voting_opens_at: dt.datetime,
    voting_closes_at: dt.datetime,
    location: str = "",
    actor=None,
) -> Meeting:
    """Draft a meeting of a body with its voting window."""
    title = _draft_check(body=body, kind=kind, title=title, voting_opens_at=voting_opens_at,
                         voting_closes_at=voting_closes_at)  # fmt: skip
    meeting = Meeting.objects.create(
        body=body,
        kind=kind,
        title=title,
        location=location,
        voting_opens_at=voting_opens_at,
        voting_closes_at=voting_closes_at,
    )
    meeting_event(meeting=meeting, type=MeetingEvent.Type.DRAFTED, actor=actor)
    return meeting


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, title: str, description: str = "", actor=None
) -> AgendaItem:
    meeting = _locked(meeting)
    if meeting.status not in (S.DRAFTED, S.CONVENED):
        raise NotAllowed(_("The agenda is fixed once voting opens."))
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Give the agenda item a title."), field="title")
    order = (meeting.agenda.aggregate(m=Max("order"))["m"] or 0) + 1
    return AgendaItem.objects.create(
        meeting=meeting, order=order, title=title, description=description
    )


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor=None) -> None:
    """Remove an agenda item before convening. A member proposal that reached its
    threshold cannot be dropped by the board (articles; Pilot Measures: members' right
    to put motions to the assembly)."""
    meeting = _locked(item.meeting_id)
    if item.proposal_id is not None:
        raise NotAllowed(
            _(
                "This item is a member proposal that reached its co-signatures; "
                "it cannot be dropped."
            )
        )
    if meeting.status != S.DRAFTED:
        raise NotAllowed(_("The agenda of a convened meeting cannot lose items."))
    if item.motions.exists():
        item.motions.all().delete()
    item.delete()


def motion_kind_for(matter: str, articles: Articles) -> str:
    if matter == Matter.ELECTION:
        return Motion.Kind.ELECTION
    return Motion.Kind.SPECIAL if articles.is_special(matter) else Motion.Kind.ORDINARY


@transaction.atomic
def motion_add(
    *,
    meeting: Meeting,
    title: str,
    text: str,
    matter: str,
    kind: str | None = None,
    item: AgendaItem | None = None,
    seats: int = 0,
    elects_to: Body | None = None,
    constituency: str = "",
    actor=None,
) -> Motion:
    """Add a motion. Its kind is derived from the matter by the articles: a special
    matter (amending the articles, merger, division, dissolution, change of legal form,
    repayment of the initial operating fund, distribution of surplus) is a special
    resolution, needing two thirds; asking for an ordinary vote on one is refused."""
    meeting = _locked(meeting)
    if meeting.status not in (S.DRAFTED, S.CONVENED):
        raise NotAllowed(_("Motions cannot be added once voting opens."))
    if matter not in Matter.values:
        raise InvalidInput(_("Choose what the motion decides."), field="matter")
    articles = meeting.articles or articles_in_force()
    derived = motion_kind_for(matter, articles)
    if kind and kind != derived:
        if derived == Motion.Kind.SPECIAL:
            raise InvalidInput(
                _(
                    "“%(matter)s” is a special matter under the articles: it needs a special "
                    "resolution (two thirds), not an ordinary vote."
                )
                % {"matter": Matter(matter).label},
                field="kind",
            )
        raise InvalidInput(
            _("“%(matter)s” is decided as “%(kind)s” under the articles.")
            % {"matter": Matter(matter).label, "kind": Motion.Kind(derived).label},
            field="kind",
        )
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise InvalidInput(_("Give the motion a title."), field="title")
    if not text and derived != Motion.Kind.ELECTION:
        raise InvalidInput(_("Write the text of the motion."), field="text")
    if derived == Motion.Kind.ELECTION:
        if seats < 1:
            raise InvalidInput(_("An election fills at least one seat."), field="seats")
        if elects_to is None:
            raise InvalidInput(_("Say which body the election fills."), field="elects_to")
    else:
        seats = 0
    if item is not None and item.meeting_id != meeting.pk:
        raise InvalidInput(_("The agenda item belongs to another meeting."), field="item")
    number = (meeting.motions.aggregate(m=Max("number"))["m"] or 0) + 1
    motion = Motion.objects.create(
        meeting=meeting,
        item=item,
        number=number,
        title=title,
        text=text,
        matter=matter,
        kind=derived,
        seats=seats,
        elects_to=elects_to,
        constituency=constituency,
    )
    meeting_event(
        meeting=meeting,
        type=MeetingEvent.Type.MOTION_ADDED,
        actor=actor,
        data={"motion": motion.pk, "number": number, "kind": derived, "matter": matter},
    )
    return motion


# --- Convening and the roll ------------------------------------------------------------


@transaction.atomic
def meeting_convene(*, meeting: Meeting, actor=None, at: dt.datetime | None = None) -> Meeting:
    """Convene: fix the articles applied, derive every motion's kind again under them
    (the articles may have changed since drafting; changes are recorded in the event),
    check the notice period, put the queued member proposals on an assembly's agenda, and
    send the notice to every eligible voter.

    Refused when the days between today and the opening of the vote are fewer than the
    articles' notice period for this kind of meeting.
    """
    at = at or timezone.now()
    meeting = _locked(meeting)
    meeting_transition_check(meeting.status, S.CONVENED)
    today = timezone.localdate(at)
    articles = articles_in_force(today)
    notice_days = articles.notice_days_for(meeting.kind)
    opens_on = timezone.localdate(meeting.voting_opens_at)
    if (opens_on - today).days < notice_days:
        raise InvalidInput(
            _(
                "The notice period for this meeting is %(days)s days: voting cannot open before "
                "%(date)s if the meeting is convened today."
            )
            % {"days": notice_days, "date": (today + dt.timedelta(days=notice_days)).isoformat()},
            field="voting_opens_at",
        )
    if not meeting.motions.exists() and not (
        meeting.body.kind in ASSEMBLIES
        and Proposal.objects.filter(status=Proposal.Status.QUEUED).exists()
    ):
        raise InvalidInput(_("Put at least one motion on the agenda before convening."))
    record_date = max(opens_on - dt.timedelta(days=articles.record_date_offset_days), today)
    meeting.articles = articles
    meeting.record_date = record_date
    meeting.secret_ballot = articles.secret_ballot
    _move(meeting, S.CONVENED, stamp="convened_at", at=at,
          fields=["articles", "record_date", "secret_ballot"])  # fmt: skip
    rederived = _motion_kinds_rederive(meeting, articles)
    if meeting.body.kind in ASSEMBLIES:
        _proposals_to_agenda(meeting, actor=actor, articles=articles)
    data = {
        "articles": articles.version,
        "notice_days": notice_days,
        "record_date": record_date.isoformat(),
    }
    if rederived:
        data["motion_kinds_rederived"] = rederived
    meeting_event(meeting=meeting, type=MeetingEvent.Type.CONVENED, actor=actor, at=at,
                  data=data)  # fmt: skip
    if record_date <= today:
        meeting_roll_freeze(meeting=meeting, actor=actor, at=at)
    _notices_after_commit(meeting.pk, occasion="convened")
    return meeting


def _motion_kinds_rederive(meeting: Meeting, articles: Articles) -> dict[str, str]:
    """Derive every motion's kind again under the articles the meeting is convened
    under: a motion drafted under earlier articles may have become a special matter
    (two thirds) or stopped being one. Returns {motion number: new kind} for the motions
    whose kind changed (recorded in the convened event). Two set-based UPDATEs."""
    special = list(articles.special_matters or [])
    motions = meeting.motions.exclude(kind=Motion.Kind.ELECTION)
    from django.db.models import Q

    wrong = Q(kind=Motion.Kind.ORDINARY, matter__in=special) | (
        Q(kind=Motion.Kind.SPECIAL) & ~Q(matter__in=special)
    )
    changed = {
        str(number): (Motion.Kind.SPECIAL if matter in special else Motion.Kind.ORDINARY)
        for number, matter in motions.filter(wrong).values_list("number", "matter")
    }
    if changed:
        motions.filter(matter__in=special).update(kind=Motion.Kind.SPECIAL)
        motions.exclude(matter__in=special).update(kind=Motion.Kind.ORDINARY)
    return dict(sorted(changed.items(), key=lambda kv: int(kv[0])))


def _notices_after_commit(meeting_id: int, *, occasion: str) -> None:
    """The convening notice goes to every voter not yet sent one, after the commit: when
    the meeting is convened and again when its roll is frozen (new voters)."""
    from ..tasks import send_convening_notices

    outbox_enqueue(
        task=send_convening_notices,
        args=[meeting_id],
        key=f"governance.send_convening_notices:{meeting_id}:{occasion}",
    )


def _proposals_to_agenda(meeting: Meeting, *, actor, articles: Articles) -> None:
    """Every queued member proposal goes on the next assembly's agenda, as a motion."""
    for proposal in Proposal.objects.select_for_update().filter(status=Proposal.Status.QUEUED):
        order = (meeting.agenda.aggregate(m=Max("order"))["m"] or 0) + 1
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=order,
            title=proposal.title,
            description=_("Member proposal with %(n)s co-signatures.")
            % {"n": proposal.signatures.count()},
            proposal=proposal,
        )
        number = (meeting.motions.aggregate(m=Max("number"))["m"] or 0) + 1
        Motion.objects.create(
            meeting=meeting,
            item=item,
            number=number,
            title=proposal.title,
            text=proposal.text,
            matter=proposal.matter,
            kind=motion_kind_for(proposal.matter, articles),
        )
        proposal.status = Proposal.Status.ON_AGENDA
        proposal.save(update_fields=["status"])
        meeting_event(
            meeting=meeting,
            type=MeetingEvent.Type.PROPOSAL,
            actor=actor,
            data={"proposal": proposal.pk, "motion_number": number},
        )


@transaction.atomic
def meeting_roll_freeze(*, meeting: Meeting, actor=None, at: dt.datetime | None = None) -> Meeting:
    """Freeze the voter roll as it stands on the record date and record its SHA-256.

    Set-based: one INSERT ... SELECT of the eligible members. Replaying is a no-op. When
    the freeze runs after the record date (the daily job did not run; voting opens), the
    roll is rebuilt as of the record date (``eligible_members_on``): members who joined
    or became active after it are not on it, members suspended after it are.
    """
    at = at or timezone.now()
    meeting = _locked(meeting)
    if meeting.roll_frozen:
        return meeting
    if meeting.status != S.CONVENED:
        raise NotAllowed(_("The roll is frozen between convening and the opening of the vote."))
    if meeting.record_date and timezone.localdate(at) < meeting.record_date:
        raise NotAllowed(
            _("The roll is frozen on the record date, %(date)s.")
            % {"date": meeting.record_date.isoformat()}
        )
    today = timezone.localdate(at)
    if meeting.record_date and today > meeting.record_date:
        eligible = eligible_members_on(meeting.body, meeting.record_date)
    else:
        eligible = eligible_members(meeting.body, today)
    sql, params = eligible.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RollEntry._meta.db_table} (meeting_id, member_id) "  # noqa: S608
            f"SELECT %s, sub.pk FROM ({sql}) AS sub",
            [meeting.pk, *params],
        )
    numbers = RollEntry.objects.filter(meeting=meeting).values_list(
        "member__member_number", flat=True
    )
    meeting.roll_hash = roll_hash([n or "" for n in numbers.iterator(chunk_size=10_000)])
    meeting.roll_size = RollEntry.objects.filter(meeting=meeting).count()
    meeting.save(update_fields=["roll_hash", "roll_size"])
    meeting_event(
        meeting=meeting,
        type=MeetingEvent.Type.ROLL_FROZEN,
        actor=actor,
        at=at,
        data={"size": meeting.roll_size, "sha256": meeting.roll_hash},
    )
    _notices_after_commit(meeting.pk, occasion="roll_frozen")
    return meeting


def meeting_roll_verify(meeting: Meeting) -> bool:
    """Recompute the roll's hash: True when it is still the one recorded at the freeze."""
    numbers = RollEntry.objects.filter(meeting=meeting).values_list(
        "member__member_number", flat=True
    )
    return bool(meeting.roll_hash) and meeting.roll_hash == roll_hash(
        [n or "" for n in numbers.iterator(chunk_size=10_000)]
    )


def meetings_freeze_due_rolls(*, today: dt.date | None = None) -> int:
    """Daily: freeze the rolls whose record date has come. Returns how many."""
    at = (
        timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        if today is not None
        else timezone.now()
    )
    due = Meeting.objects.filter(
        status=S.CONVENED, roll_hash="", record_date__lte=timezone.localdate(at)
    )
    count = 0
    for meeting_id in due.values_list("pk", flat=True):
        meeting_roll_freeze(meeting=meeting_id_get(meeting_id), at=at)
        count += 1
    return count


def meeting_id_get(meeting_id: int) -> Meeting:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound(_("There is no meeting #%(id)s.") % {"id": meeting_id})
    return meeting


# --- Voting window ---------------------------------------------------------------------


@transaction.atomic
def meeting_open_voting(*, meeting: Meeting, actor=None, at: dt.datetime | None = None) -> Meeting:
    """Open the vote, not before the announced opening time; the roll is frozen first
    if the record date job has not run; standing candidates are those seconded."""
    at = at or timezone.now()
    meeting = _locked(meeting)
    meeting_transition_check(meeting.status, S.VOTING_OPEN)
    if at < meeting.voting_opens_at:
        raise NotAllowed(
            _("Voting opens at %(time)s as announced in the notice, not before.")
            % {"time": timezone.localtime(meeting.voting_opens_at).strftime("%Y-%m-%d %H:%M")}
        )
    if at >= meeting.voting_closes_at:
        raise NotAllowed(_("The voting window announced for this meeting has passed."))
    if not meeting.roll_frozen:
        meeting_roll_freeze(meeting=meeting, actor=actor, at=at)
        meeting.refresh_from_db()
    _move(meeting, S.VOTING_OPEN, stamp="voting_opened_at", at=at)
    meeting_event(meeting=meeting, type=MeetingEvent.Type.VOTING_OPENED, actor=actor, at=at)
    return meeting


@transaction.atomic
def meeting_close_voting(*, meeting: Meeting, actor=None, at: dt.datetime | None = None) -> Meeting:
    """Close the vote, not before the announced close. Each election gets its tie-break
    seed now, after the last ballot and before any count, and the seed is recorded."""
    at = at or timezone.now()
    meeting = _locked(meeting)
    meeting_transition_check(meeting.status, S.VOTING_CLOSED)
    if at < meeting.voting_closes_at:
        raise NotAllowed(
            _("Voting closes at %(time)s as announced; it cannot be closed earlier.")
            % {"time": timezone.localtime(meeting.voting_closes_at).strftime("%Y-%m-%d %H:%M")}
        )
    _move(meeting, S.VOTING_CLOSED, stamp="voting_closed_at", at=at)
    seeds = {}
    for motion in meeting.motions.filter(kind=Motion.Kind.ELECTION, draw_seed=""):
        motion.draw_seed = secrets.token_hex(16)
        motion.save(update_fields=["draw_seed"])
        seeds[str(motion.number)] = motion.draw_seed
    meeting_event(
        meeting=meeting,
        type=MeetingEvent.Type.VOTING_CLOSED,
        actor=actor,
        at=at,
        data={"draw_seeds": seeds} if seeds else {},
    )
    return meeting


# --- After the vote --------------------------------------------------------------------


@transaction.atomic
def meeting_declare_results(
    *, meeting: Meeting, actor=None, at: dt.datetime | None = None
) -> Meeting:
    """Tally every motion (one GROUP BY each) and declare the results."""
    from .tally import TermPlan, motion_tally

    at = at or timezone.now()
    meeting = _locked(meeting)
    meeting_transition_check(meeting.status, S.RESULTS_DECLARED)
    summary = {}
    # Decided once for the meeting, before any of its mandates exist: which bodies are
    # elected for the first time, and so get staggered terms across all their seats.
    terms = TermPlan(meeting)
    for motion in meeting.motions.select_for_update().order_by("number"):
        motion_tally(motion=motion, meeting=meeting, declare=True, terms=terms)
        summary[str(motion.number)] = motion.outcome
    _move(meeting, S.RESULTS_DECLARED, stamp="results_declared_at", at=at)
    meeting_event(
        meeting=meeting,
        type=MeetingEvent.Type.RESULTS_DECLARED,
        actor=actor,
        at=at,
        data={"outcomes": summary},
    )
    return meeting


@transaction.atomic
def meeting_draft_minutes(*, meeting: Meeting, text: str, actor=None) -> Meeting:
    meeting = _locked(meeting)
    if meeting.status != S.RESULTS_DECLARED:
        raise NotAllowed(
            _("Minutes are drafted after the results are declared and before approval.")
        )
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Write the minutes."), field="minutes")
    meeting.minutes = text
    meeting.minutes_drafted_at = timezone.now()
    meeting.save(update_fields=["minutes", "minutes_drafted_at"])
    meeting_event(meeting=meeting, type=MeetingEvent.Type.MINUTES_DRAFTED, actor=actor)
    return meeting


@transaction.atomic
def meeting_approve_minutes(
    *, meeting: Meeting, actor=None, at: dt.datetime | None = None
) -> Meeting:
    at = at or timezone.now()
    meeting = _locked(meeting)
    meeting_transition_check(meeting.status, S.MINUTES_APPROVED)
    if not meeting.minutes.strip():
        raise InvalidInput(_("Draft the minutes before approving them."), field="minutes")
    _move(meeting, S.MINUTES_APPROVED, stamp="minutes_approved_at", at=at)
    meeting_event(meeting=meeting, type=MeetingEvent.Type.MINUTES_APPROVED, actor=actor, at=at)
    return meeting


@transaction.atomic
def meeting_publish(*, meeting: Meeting, actor=None, at: dt.datetime | None = None) -> Meeting:
    """Publish the results and the approved minutes to the disclosure pages. The
    ``published`` event is what the disclosure feed picks up."""
    at = at or timezone.now()
    meeting = _locked(meeting)
    meeting_transition_check(meeting.status, S.PUBLISHED)
    _move(meeting, S.PUBLISHED, stamp="published_at", at=at)
    meeting_event(
        meeting=meeting,
        type=MeetingEvent.Type.PUBLISHED,
        actor=actor,
        at=at,
        data={
            "roll_sha256": meeting.roll_hash,
            "outcomes": {str(m.number): m.outcome for m in meeting.motions.all()},
        },
    )
    return meeting


def members_by_ids(ids: Iterable[int]) -> dict[int, Member]:
    return Member.objects.in_bulk(list(ids))
