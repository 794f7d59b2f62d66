"""Meetings: the lifecycle of a meeting, milestone by milestone — draft, convening
(notice, frozen roll), voting window, results, minutes and publication.

Rules and sources:
- Pilot Measures (CBIRC Measures on mutual insurance organisations, 2015): the member
  (representative) assembly is the highest authority; special matters need two thirds.
- Notice period per meeting kind from the articles (docs/defaults.md: 20 days annual,
  15 days extraordinary, PRC Company Law practice); convening is refused when it cannot
  be met.
- The voter roll is frozen on the record date (``roll``).

The top of the services: it calls ``agenda``, ``motions``, ``roll``, ``tally`` and
``notices``; none of them calls back. The names that moved to those modules and to
``selectors`` / ``events`` stay importable from here for existing callers.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import InvalidInput, NotAllowed

# Moved: importable from here as before.
from ..events import meeting_event
from ..models import Body, Meeting, MeetingEvent, Motion, Proposal
from ..selectors import articles_in_force, eligible_members, eligible_members_on
from ..signals import meeting_convened, meeting_published
from ..transitions import MEETING
from .agenda import (
    agenda_document_add,
    agenda_document_remove,
    agenda_document_update,
    agenda_item_add,
    agenda_item_remove,
    agenda_item_update,
    proposals_to_agenda,
)
from .locking import meeting_lock
from .motions import motion_add, motion_kind_for, motion_kinds_rederive
from .notices import meeting_notices_enqueue
from .roll import meeting_roll_freeze, meeting_roll_verify, meetings_freeze_due_rolls
from .tally import TermPlan, motion_tally

__all__ = [
    "ASSEMBLIES",
    "agenda_document_add",
    "agenda_document_remove",
    "agenda_document_update",
    "agenda_item_add",
    "agenda_item_remove",
    "agenda_item_update",
    "articles_in_force",
    "eligible_members",
    "eligible_members_on",
    "meeting_approve_minutes",
    "meeting_close_voting",
    "meeting_convene",
    "meeting_declare_results",
    "meeting_draft",
    "meeting_draft_minutes",
    "meeting_draft_update",
    "meeting_event",
    "meeting_open_voting",
    "meeting_publish",
    "meeting_roll_freeze",
    "meeting_roll_verify",
    "meetings_freeze_due_rolls",
    "motion_add",
    "motion_kind_for",
]

S = Meeting.Status

#: The notices are queued through this name (patched in tests to hold them back).
_notices_after_commit = meeting_notices_enqueue
ASSEMBLIES = (Body.Kind.GENERAL_ASSEMBLY, Body.Kind.REPRESENTATIVE_ASSEMBLY)


def _move(
    meeting: Meeting, target: str, *, stamp: str, at: dt.datetime, fields: Iterable[str] = ()
) -> str:
    """Move a locked meeting to its next milestone (``MEETING`` table), date it and save;
    returns the status it left."""
    old = MEETING.move(meeting, target)
    setattr(meeting, stamp, at)
    meeting.save(update_fields=["status", stamp, *fields])
    return old


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
    meeting = meeting_lock(meeting)
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


# --- Convening and the roll ------------------------------------------------------------


@transaction.atomic
def meeting_convene(*, meeting: Meeting, actor=None, at: dt.datetime | None = None) -> Meeting:
    """Convene: fix the articles applied, derive every motion's kind again under them
    (the articles may have changed since drafting; changes are recorded in the event),
    check the notice period, put the queued member proposals on an assembly's agenda, and
    send the notice to every eligible voter. Sends ``governance.signals.meeting_convened``
    after commit.

    Refused when the days between today and the opening of the vote are fewer than the
    articles' notice period for this kind of meeting.
    """
    at = at or timezone.now()
    meeting = meeting_lock(meeting)
    MEETING.check(meeting.status, S.CONVENED)
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
            % {"days": notice_days, "date": format_date(today + dt.timedelta(days=notice_days))},
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
    old = _move(meeting, S.CONVENED, stamp="convened_at", at=at,
          fields=["articles", "record_date", "secret_ballot"])  # fmt: skip
    rederived = motion_kinds_rederive(meeting, articles)
    if meeting.body.kind in ASSEMBLIES:
        proposals_to_agenda(meeting, actor=actor, articles=articles)
    data = {
        "articles": articles.version,
        "notice_days": notice_days,
        "record_date": record_date.isoformat(),
    }
    if rederived:
        data["motion_kinds_rederived"] = rederived
    meeting_event(meeting=meeting, type=MeetingEvent.Type.CONVENED, old_value=old,
                  new_value=meeting.status, actor=actor, at=at, data=data)  # fmt: skip
    if record_date <= today:
        meeting_roll_freeze(meeting=meeting, actor=actor, at=at)
    _notices_after_commit(meeting.pk, occasion="convened")
    transaction.on_commit(lambda: meeting_convened.send(sender=Meeting, meeting=meeting))
    return meeting


# --- Voting window ---------------------------------------------------------------------


@transaction.atomic
def meeting_open_voting(*, meeting: Meeting, actor=None, at: dt.datetime | None = None) -> Meeting:
    """Open the vote, not before the announced opening time; the roll is frozen first
    if the record date job has not run; standing candidates are those seconded."""
    at = at or timezone.now()
    meeting = meeting_lock(meeting)
    MEETING.check(meeting.status, S.VOTING_OPEN)
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
    old = _move(meeting, S.VOTING_OPEN, stamp="voting_opened_at", at=at)
    meeting_event(meeting=meeting, type=MeetingEvent.Type.VOTING_OPENED, actor=actor, at=at,
                  old_value=old, new_value=meeting.status)  # fmt: skip
    return meeting


@transaction.atomic
def meeting_close_voting(*, meeting: Meeting, actor=None, at: dt.datetime | None = None) -> Meeting:
    """Close the vote, not before the announced close. Each election gets its tie-break
    seed now, after the last ballot and before any count, and the seed is recorded."""
    at = at or timezone.now()
    meeting = meeting_lock(meeting)
    MEETING.check(meeting.status, S.VOTING_CLOSED)
    if at < meeting.voting_closes_at:
        raise NotAllowed(
            _("Voting closes at %(time)s as announced; it cannot be closed earlier.")
            % {"time": timezone.localtime(meeting.voting_closes_at).strftime("%Y-%m-%d %H:%M")}
        )
    old = _move(meeting, S.VOTING_CLOSED, stamp="voting_closed_at", at=at)
    seeds = {}
    for motion in meeting.motions.filter(kind=Motion.Kind.ELECTION, draw_seed=""):
        motion.draw_seed = secrets.token_hex(16)
        motion.save(update_fields=["draw_seed"])
        seeds[str(motion.number)] = motion.draw_seed
    meeting_event(
        meeting=meeting,
        type=MeetingEvent.Type.VOTING_CLOSED,
        old_value=old,
        new_value=meeting.status,
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
    at = at or timezone.now()
    meeting = meeting_lock(meeting)
    MEETING.check(meeting.status, S.RESULTS_DECLARED)
    summary = {}
    # Decided once for the meeting, before any of its mandates exist: which bodies are
    # elected for the first time, and so get staggered terms across all their seats.
    terms = TermPlan(meeting)
    for motion in meeting.motions.select_for_update().order_by("number"):
        motion_tally(motion=motion, meeting=meeting, declare=True, terms=terms)
        summary[str(motion.number)] = motion.outcome
    old = _move(meeting, S.RESULTS_DECLARED, stamp="results_declared_at", at=at)
    meeting_event(
        meeting=meeting,
        type=MeetingEvent.Type.RESULTS_DECLARED,
        old_value=old,
        new_value=meeting.status,
        actor=actor,
        at=at,
        data={"outcomes": summary},
    )
    return meeting


@transaction.atomic
def meeting_draft_minutes(*, meeting: Meeting, text: str, actor=None) -> Meeting:
    meeting = meeting_lock(meeting)
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
    meeting = meeting_lock(meeting)
    MEETING.check(meeting.status, S.MINUTES_APPROVED)
    if not meeting.minutes.strip():
        raise InvalidInput(_("Draft the minutes before approving them."), field="minutes")
    old = _move(meeting, S.MINUTES_APPROVED, stamp="minutes_approved_at", at=at)
    meeting_event(meeting=meeting, type=MeetingEvent.Type.MINUTES_APPROVED, actor=actor, at=at,
                  old_value=old, new_value=meeting.status)  # fmt: skip
    return meeting


@transaction.atomic
def meeting_publish(*, meeting: Meeting, actor=None, at: dt.datetime | None = None) -> Meeting:
    """Publish the results and the approved minutes to the disclosure pages. The
    ``published`` event is what the disclosure feed picks up; sends
    ``governance.signals.meeting_published`` after commit."""
    at = at or timezone.now()
    meeting = meeting_lock(meeting)
    MEETING.check(meeting.status, S.PUBLISHED)
    old = _move(meeting, S.PUBLISHED, stamp="published_at", at=at)
    meeting_event(
        meeting=meeting,
        type=MeetingEvent.Type.PUBLISHED,
        old_value=old,
        new_value=meeting.status,
        actor=actor,
        at=at,
        data={
            "roll_sha256": meeting.roll_hash,
            "outcomes": {str(m.number): m.outcome for m in meeting.motions.all()},
        },
    )
    transaction.on_commit(lambda: meeting_published.send(sender=Meeting, meeting=meeting))
    return meeting
