"""Meetings: convening with notice, the frozen hashed roll, the voting window, results,
minutes and publication."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from governance.models import (
    AgendaItem,
    ConveningNotice,
    Matter,
    Meeting,
    MeetingEvent,
    Motion,
    RollEntry,
)
from governance.services.meetings import (
    agenda_item_remove,
    meeting_approve_minutes,
    meeting_close_voting,
    meeting_convene,
    meeting_declare_results,
    meeting_draft_minutes,
    meeting_open_voting,
    meeting_publish,
    meeting_roll_freeze,
    meeting_roll_verify,
    motion_add,
)
from governance.services.notices import meeting_send_notices
from governance.services.voting import ballot_cast
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, TransitionNotAllowed
from tests.governance.factories import (
    body_get,
    meeting_closed,
    meeting_make,
    meeting_voting,
    members_make,
)

pytestmark = pytest.mark.django_db


def test_convening_with_too_short_a_notice_is_refused_and_nothing_changes(articles):
    """Annual assembly: 20 days' notice. Voting opening in 19 days cannot be convened."""
    members_make(1)
    meeting = meeting_make(opens_in=dt.timedelta(days=19))
    events = MeetingEvent.objects.count()
    with pytest.raises(InvalidInput, match="20 days") as error:
        meeting_convene(meeting=meeting)
    assert "voting_opens_at" in error.value.fields
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFTED
    assert meeting.convened_at is None and meeting.articles is None
    assert MeetingEvent.objects.count() == events
    assert not ConveningNotice.objects.exists()
    assert mail.outbox == []


def test_extraordinary_assembly_needs_fifteen_days(articles):
    members_make(1)
    meeting = meeting_make(kind=Meeting.Kind.EXTRAORDINARY, opens_in=dt.timedelta(days=16))
    meeting_convene(meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CONVENED


def test_convening_sends_one_notice_per_eligible_voter_once(articles):
    voters = members_make(2)
    meeting = meeting_make(opens_in=dt.timedelta(days=21))
    meeting_convene(meeting=meeting)
    # The task is scheduled on commit (this test's transaction never commits): run it.
    sent = meeting_send_notices(meeting_id=meeting.pk)
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(v.email for v in voters)
    assert ConveningNotice.objects.filter(meeting=meeting, sent_at__isnull=False).count() == 2
    # Idempotent: a second run sends nothing.
    assert meeting_send_notices(meeting_id=meeting.pk) == 0
    assert len(mail.outbox) == 2


def test_roll_is_frozen_with_its_hash_and_cannot_change(articles):
    voters = members_make(3)
    meeting = meeting_voting()
    assert meeting.roll_size == 3
    assert len(meeting.roll_hash) == 64
    assert meeting_roll_verify(meeting)
    assert set(RollEntry.objects.filter(meeting=meeting).values_list("member_id", flat=True)) == {
        v.pk for v in voters
    }
    late = members_make(1)[0]
    # The database refuses a late addition and any change.
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        RollEntry.objects.create(meeting=meeting, member=late)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        RollEntry.objects.filter(meeting=meeting).update(member=late)
    # Replaying the freeze is a no-op.
    assert meeting_roll_freeze(meeting=meeting).roll_hash == meeting.roll_hash
    assert RollEntry.objects.filter(meeting=meeting).count() == 3


def test_suspended_members_are_not_on_the_roll(articles):
    voters = members_make(2)
    from members.models import Member

    Member.objects.filter(pk=voters[1].pk).update(status=Member.Status.SUSPENDED)
    meeting = meeting_voting()
    assert list(RollEntry.objects.filter(meeting=meeting).values_list("member_id", flat=True)) == [
        voters[0].pk
    ]


def test_a_special_matter_put_to_an_ordinary_vote_is_refused(articles):
    meeting = meeting_make(motions=())
    with pytest.raises(InvalidInput, match="special matter") as error:
        motion_add(meeting=meeting, title="修改章程", text="...", matter=Matter.AMEND_ARTICLES,
                   kind=Motion.Kind.ORDINARY)  # fmt: skip
    assert "kind" in error.value.fields
    assert not Motion.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize(
    ("matter", "kind"),
    [
        (Matter.AMEND_ARTICLES, "special"),
        (Matter.MERGER, "special"),
        (Matter.DIVISION, "special"),
        (Matter.DISSOLUTION, "special"),
        (Matter.LEGAL_FORM, "special"),
        (Matter.FUND_REPAYMENT, "special"),
        (Matter.SURPLUS, "special"),
        (Matter.GENERAL, "ordinary"),
        (Matter.REPORT, "ordinary"),
        (Matter.BUDGET, "ordinary"),
    ],
)
def test_kind_is_derived_from_the_matter(articles, matter, kind):
    meeting = meeting_make(motions=())
    motion = motion_add(meeting=meeting, title="t", text="x", matter=matter)
    assert motion.kind == kind


def test_the_articles_decide_which_matters_are_special(articles):
    articles.special_matters = [Matter.BUDGET]
    articles.save()
    meeting = meeting_make(motions=())
    assert motion_add(meeting=meeting, title="t", text="x", matter=Matter.BUDGET).kind == "special"
    assert motion_add(meeting=meeting, title="t", text="x", matter=Matter.MERGER).kind == "ordinary"


def test_voting_cannot_open_before_the_announced_time(articles):
    members_make(1)
    meeting = meeting_make(opens_in=dt.timedelta(days=21))
    meeting_convene(meeting=meeting)
    with pytest.raises(NotAllowed, match="not before"):
        meeting_open_voting(meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.CONVENED


def test_voting_cannot_close_before_the_announced_close(articles):
    members_make(1)
    meeting = meeting_voting()
    with pytest.raises(NotAllowed):
        meeting_close_voting(meeting=meeting)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.VOTING_OPEN


def test_whole_lifecycle_with_dated_milestones_and_events(articles, secretary):
    voters = members_make(3)
    meeting = meeting_voting(actor=secretary)
    motion = meeting.motions.get()
    for voter, choice in zip(voters, ("for", "for", "against"), strict=True):
        ballot_cast(motion=motion, voter=voter, choice=choice)
    with pytest.raises(TransitionNotAllowed):
        meeting_declare_results(meeting=meeting, actor=secretary)
    meeting = meeting_closed(meeting, actor=secretary)
    meeting = meeting_declare_results(meeting=meeting, actor=secretary)
    motion.refresh_from_db()
    assert (motion.votes_for, motion.votes_against, motion.abstentions) == (2, 1, 0)
    assert (motion.eligible, motion.participants) == (3, 3)
    assert motion.outcome == Motion.Outcome.ADOPTED
    with pytest.raises(InvalidInput):
        meeting_approve_minutes(meeting=meeting, actor=secretary)  # no minutes yet
    meeting_draft_minutes(meeting=meeting, text="会议纪要 Minutes", actor=secretary)
    meeting = meeting_approve_minutes(meeting=meeting, actor=secretary)
    meeting = meeting_publish(meeting=meeting, actor=secretary)
    assert meeting.status == Meeting.Status.PUBLISHED
    for stamp in ("convened_at", "voting_opened_at", "voting_closed_at", "results_declared_at",
                  "minutes_approved_at", "published_at"):  # fmt: skip
        assert getattr(meeting, stamp) is not None, stamp
    types = list(MeetingEvent.objects.filter(meeting=meeting).order_by("id")
                 .values_list("type", flat=True))  # fmt: skip
    milestones = ("drafted", "convened", "roll_frozen", "voting_opened", "voting_closed",
                  "results_declared", "minutes_drafted", "minutes_approved",
                  "published")  # fmt: skip
    assert [t for t in types if t in milestones] == list(milestones)
    published = MeetingEvent.objects.get(meeting=meeting, type="published")
    assert published.data["outcomes"] == {"1": "adopted"}
    assert published.actor == secretary


def test_board_meetings_count_only_sitting_directors(articles):
    from governance.models import Body, Mandate

    voters = members_make(3)
    board = body_get(Body.Kind.BOARD)
    today = timezone.localdate()
    for voter in voters[:2]:
        Mandate.objects.create(body=board, member=voter, starts_on=today - dt.timedelta(days=400),
                               ends_on=today + dt.timedelta(days=400))  # fmt: skip
    Mandate.objects.create(
        body=board,
        member=voters[2],
        starts_on=today - dt.timedelta(days=800),
        ends_on=today - dt.timedelta(days=30),
    )  # fmt: skip (term over)
    now = timezone.now()
    meeting = meeting_make(body=board, kind=Meeting.Kind.BOARD, opens_in=dt.timedelta(hours=-1),
                           length=dt.timedelta(days=1))  # fmt: skip
    meeting_convene(meeting=meeting, at=now - dt.timedelta(days=11))
    meeting = meeting_open_voting(meeting=meeting, at=now)
    assert meeting.roll_size == 2


def test_a_member_proposal_on_the_agenda_cannot_be_dropped(articles):
    from governance.services.proposals import proposal_cosign, proposal_draft

    articles.proposal_threshold_number = 2
    articles.save()
    author, a, b = members_make(3)
    proposal = proposal_draft(author=author, title="降低管理费", text="管理费降至6%")
    proposal_cosign(proposal=proposal, member=a)
    proposal_cosign(proposal=proposal, member=b)
    meeting = meeting_make(opens_in=dt.timedelta(days=21))
    meeting_convene(meeting=meeting)
    item = AgendaItem.objects.get(meeting=meeting, proposal=proposal)
    assert item.motions.get().title == "降低管理费"
    with pytest.raises(NotAllowed, match="cannot be dropped"):
        agenda_item_remove(item=item)
    assert AgendaItem.objects.filter(pk=item.pk).exists()


@pytest.mark.postgres
def test_postgres_refuses_deleting_from_a_frozen_roll(articles):
    members_make(2)
    meeting = meeting_voting()
    with pytest.raises(DatabaseError), transaction.atomic():
        RollEntry.objects.filter(meeting=meeting).delete()
    assert RollEntry.objects.filter(meeting=meeting).count() == 2


def test_a_late_freeze_takes_the_roll_as_it_stood_on_the_record_date(articles):
    """The daily freeze did not run; voting opens days after the record date. Members who
    joined after the record date are not on the roll; a member active on the record date
    and suspended since is (the roll is the record date's, review finding 4)."""
    from members.models import Member
    from members.services.lifecycle import member_suspend

    on_time, suspended_since = members_make(2)
    meeting = meeting_make(opens_in=dt.timedelta(hours=-1), length=dt.timedelta(days=1, hours=1))
    now = timezone.now()
    meeting_convene(meeting=meeting, at=now - dt.timedelta(days=25))
    meeting.refresh_from_db()
    assert meeting.record_date < timezone.localdate(now) and not meeting.roll_frozen
    (late,) = members_make(1, since=None)  # joins today, after the record date
    member_suspend(member=suspended_since, reason="unpaid")
    assert Member.objects.get(pk=suspended_since.pk).status == Member.Status.SUSPENDED
    meeting = meeting_open_voting(meeting=meeting, at=now)
    on_roll = set(RollEntry.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    assert on_roll == {on_time.pk, suspended_since.pk}
    assert meeting.roll_size == 2


def test_convening_derives_motion_kinds_again_under_the_articles_applied(articles):
    """Drafted while surplus distribution was an ordinary matter; the articles amended
    before convening make it special: the motion is convened as a special resolution
    (two thirds) and the change is in the convened event. Review finding 5."""
    from governance.models import Articles

    articles.special_matters = [Matter.MERGER]
    articles.save()
    members_make(1)
    meeting = meeting_make(motions=((Matter.SURPLUS, None), (Matter.MERGER, None)))
    assert list(meeting.motions.order_by("number").values_list("kind", flat=True)) == [
        "ordinary",
        "special",
    ]
    Articles.objects.create(version="v2", effective_from=timezone.localdate(),
                            special_matters=[Matter.SURPLUS])  # fmt: skip
    meeting_convene(meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.articles.version == "v2"
    assert list(meeting.motions.order_by("number").values_list("kind", flat=True)) == [
        "special",
        "ordinary",
    ]
    event = MeetingEvent.objects.get(meeting=meeting, type="convened")
    assert event.data["motion_kinds_rederived"] == {"1": "special", "2": "ordinary"}


def test_a_drafted_meeting_is_changed_under_the_drafting_rules(articles):
    from governance.services.meetings import meeting_draft_update

    meeting = meeting_make()
    common = {
        "body": meeting.body,
        "voting_opens_at": meeting.voting_opens_at,
        "voting_closes_at": meeting.voting_closes_at,
    }
    with pytest.raises(InvalidInput, match="board meeting"):
        meeting_draft_update(meeting=meeting, kind=Meeting.Kind.BOARD, title="t", **common)
    with pytest.raises(InvalidInput, match="title"):
        meeting_draft_update(meeting=meeting, kind=Meeting.Kind.ANNUAL, title="  ", **common)
    changed = meeting_draft_update(meeting=meeting, kind=Meeting.Kind.EXTRAORDINARY,
                                   title=" 临时会员大会 ", **common)  # fmt: skip
    assert (changed.kind, changed.title) == ("extraordinary", "临时会员大会")
    members_make(1)
    meeting_convene(meeting=meeting)
    with pytest.raises(NotAllowed, match="drafted"):
        meeting_draft_update(meeting=meeting, kind=Meeting.Kind.ANNUAL, title="x", **common)
