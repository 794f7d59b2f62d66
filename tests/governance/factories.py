"""Governance set-up through the services, the way the secretary and members do it.

voters = members_make(3)                     # active members with logins
meeting = meeting_make(motions=[("general", "ordinary")])   # drafted, one motion
meeting = meeting_voting(meeting)            # convened 25 days ago, roll frozen, open
ballot_cast(motion=..., voter=..., choice="for")
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from governance.models import Articles, Body, Matter, Meeting
from governance.services.meetings import (
    meeting_close_voting,
    meeting_convene,
    meeting_draft,
    meeting_open_voting,
    motion_add,
)
from tests.members.factories import member_make, premium_plan_make

NOW = None


def articles_make(**params) -> Articles:
    """The articles in force (migration 0003's, or a fresh version after a flush) with
    ``params`` changed."""
    articles = Articles.objects.order_by("-effective_from", "-id").first()
    if articles is None:
        articles = Articles.objects.create(version="test", effective_from=dt.date(2020, 1, 1))
    for name, value in params.items():
        setattr(articles, name, value)
    articles.save()
    return articles


def body_get(kind: str = Body.Kind.GENERAL_ASSEMBLY) -> Body:
    body = Body.objects.filter(kind=kind).first()
    return body or Body.objects.create(kind=kind, name=str(kind), seats=7)


def members_make(n: int, *, since: dt.date | None = dt.date(2020, 1, 1), **overrides) -> list:
    """``n`` active members who joined on ``since`` (so they are on any roll whose record
    date is after it; the roll of a late freeze is rebuilt as of the record date). With
    ``since=None`` they join today."""
    version = premium_plan_make()
    members = [member_make(version, **overrides) for _ in range(n)]
    if since is not None:
        members_backdate(members, since)
    return members


def members_backdate(members: list, since: dt.date = dt.date(2020, 1, 1)) -> None:
    """Make members have joined (and become active) on ``since``."""
    from django.db.models import QuerySet

    from members.models import Member, MemberEvent

    ids = [m.pk for m in members]
    Member.objects.filter(pk__in=ids).update(joined_on=since)
    # History is append-only (the event base refuses an update); a test that needs a past
    # rewrites it with the plain queryset's update.
    QuerySet.update(
        MemberEvent.objects.filter(member_id__in=ids),
        at=timezone.make_aware(dt.datetime.combine(since, dt.time(9))),
    )
    for member in members:
        member.joined_on = since


def meeting_make(
    *,
    body: Body | None = None,
    kind: str = Meeting.Kind.ANNUAL,
    motions=((Matter.GENERAL, None),),
    opens_in: dt.timedelta = dt.timedelta(days=30),
    length: dt.timedelta = dt.timedelta(days=7),
    actor=None,
) -> Meeting:
    """A drafted meeting with one motion per (matter, kind) pair."""
    articles_make()
    opens = timezone.now() + opens_in
    meeting = meeting_draft(
        body=body or body_get(),
        kind=kind,
        title="2026年度会员大会 Annual assembly 2026",
        voting_opens_at=opens,
        voting_closes_at=opens + length,
        actor=actor,
    )
    for i, (matter, motion_kind) in enumerate(motions, start=1):
        motion_add(meeting=meeting, title=f"议案{i} Motion {i}", text="决议文本 Resolution text",
                   matter=matter, kind=motion_kind, actor=actor)  # fmt: skip
    return meeting


def meeting_voting(*, motions=((Matter.GENERAL, None),), body=None, actor=None) -> Meeting:
    """A meeting convened 25 days ago whose vote opened an hour ago and closes in a day."""
    now = timezone.now()
    meeting = meeting_make(
        body=body, motions=motions, opens_in=dt.timedelta(hours=-1),
        length=dt.timedelta(days=1, hours=1), actor=actor,
    )  # fmt: skip
    meeting_convene(meeting=meeting, actor=actor, at=now - dt.timedelta(days=25))
    return meeting_open_voting(meeting=meeting, actor=actor, at=now)


def meeting_closed(meeting: Meeting, actor=None) -> Meeting:
    return meeting_close_voting(meeting=meeting, actor=actor, at=meeting.voting_closes_at)


def consultation_make(
    *,
    actor,
    meeting: Meeting | None = None,
    proposal=None,
    audience: str = "members",
    questions=None,
    open_: bool = True,
    closes_in: dt.timedelta = dt.timedelta(days=7),
):
    """A consultation about ``meeting`` (a drafted meeting by default) with four
    questions (one choice, several choices, a scale, an optional text), opened by
    ``actor`` (who needs ``governance.open_consultation``) unless ``open_`` is False."""
    from governance.services.consultations import (
        consultation_draft,
        consultation_open,
        consultation_question_add,
    )

    if meeting is None and proposal is None:
        meeting = meeting_make()
    now = timezone.now()
    consultation = consultation_draft(
        title="会前征询 Consultation before the assembly",
        description="请发表意见。 Tell us what you think.",
        meeting=meeting,
        proposal=proposal,
        audience=audience,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + closes_in,
        actor=actor,
    )
    for text, kind, options, required in questions or (
        ("Which budget?", "single", ["A", "B", "C"], True),
        ("Which services?", "multiple", ["X", "Y", "Z"], True),
        ("How satisfied are you?", "scale", [], True),
        ("Anything else?", "text", [], False),
    ):
        consultation_question_add(
            consultation=consultation, text=text, kind=kind, options=options,
            required=required, actor=actor,
        )  # fmt: skip
    if open_:
        consultation = consultation_open(consultation=consultation, actor=actor)
    return consultation


def consultation_answers(consultation, *, single: str, multiple=(), scale=None, text=""):
    """The answers by question id, from option texts: ``single="A"``, ``multiple=["X"]``."""
    questions = list(consultation.questions.prefetch_related("options").order_by("order"))
    by_text = {(q.pk, o.text): o.pk for q in questions for o in q.options.all()}
    q1, q2, q3, q4 = questions
    return {
        q1.pk: by_text[(q1.pk, single)],
        q2.pk: [by_text[(q2.pk, m)] for m in multiple],
        q3.pk: scale,
        q4.pk: text,
    }
