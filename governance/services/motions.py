"""Motions put to the vote: their kind derived from the matter under the articles.

A special matter (amending the articles, merger, division, dissolution, change of legal
form, repayment of the initial operating fund, distribution of surplus) is a special
resolution needing two thirds (Pilot Measures and cooperative practice); asking for an
ordinary vote on one is refused. Motions are added until voting opens, on the locked
meeting row, each with a ``motion_added`` event. The lowest of the agenda services.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput, NotAllowed

from ..events import meeting_event
from ..models import AgendaItem, Articles, Body, Matter, Meeting, MeetingEvent, Motion
from ..selectors import articles_in_force
from ..transitions import BEFORE_VOTING
from .locking import meeting_lock


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
    meeting = meeting_lock(meeting)
    if meeting.status not in BEFORE_VOTING:
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


def motion_kinds_rederive(meeting: Meeting, articles: Articles) -> dict[str, str]:
    """Derive every motion's kind again under the articles the meeting is convened
    under: a motion drafted under earlier articles may have become a special matter
    (two thirds) or stopped being one. Returns {motion number: new kind} for the motions
    whose kind changed (recorded in the convened event). Two set-based UPDATEs."""
    special = list(articles.special_matters or [])
    motions = meeting.motions.exclude(kind=Motion.Kind.ELECTION)
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
