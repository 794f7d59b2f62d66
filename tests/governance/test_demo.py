"""The demo assembly: seeded through the services, and a second run changes nothing."""

from __future__ import annotations

import pytest

from governance import demo as demo_governance
from governance.models import Ballot, Consultation, Meeting, MeetingEvent, Motion, Proposal
from tests.governance.factories import members_make

pytestmark = pytest.mark.django_db


def test_demo_assembly_is_seeded_once(articles, make_user):
    make_user("secretary", roles=("board_secretary",), is_staff=True)
    members_make(36)
    result = demo_governance.seed()
    assert result["created"] == 3
    past = Meeting.objects.get(title=demo_governance.PAST_TITLE)
    current = Meeting.objects.get(title=demo_governance.OPEN_TITLE)
    assert past.status == Meeting.Status.PUBLISHED and past.minutes
    assert not past.motions.filter(outcome="").exists()
    assert current.status == Meeting.Status.VOTING_OPEN and current.window_open()
    election = current.motions.get(kind=Motion.Kind.ELECTION)
    assert election.candidates.filter(status="standing").count() == 3
    assert Proposal.objects.get(title=demo_governance.PROPOSAL_TITLE).status == "draft"
    closed = Consultation.objects.get(title=demo_governance.CLOSED_CONSULTATION_TITLE)
    still_open = Consultation.objects.get(title=demo_governance.OPEN_CONSULTATION_TITLE)
    assert (closed.status, closed.meeting) == ("published", past)
    assert closed.responses.count() == 24 and closed.eligible_count >= 24
    assert (still_open.status, still_open.meeting) == ("open", current)
    assert still_open.window_open() and still_open.responses.count() == 9
    hidden = still_open.comments.get(hidden_at__isnull=False)
    assert hidden.hidden_reason and still_open.comments.filter(reply_to__isnull=False).exists()
    counts = (Meeting.objects.count(), Ballot.objects.count(), MeetingEvent.objects.count(),
              Consultation.objects.count())  # fmt: skip
    assert demo_governance.seed() == {"created": 0}
    assert (Meeting.objects.count(), Ballot.objects.count(), MeetingEvent.objects.count(),
            Consultation.objects.count()) == counts  # fmt: skip


def test_the_demo_minutes_write_their_dates_as_chinese_text_does(articles, make_user):
    """The seeded minutes are Chinese: 投票期间：2026年5月19日至…, not ISO dates."""
    import re

    make_user("secretary", roles=("board_secretary",), is_staff=True)
    members_make(36)
    demo_governance.seed()
    minutes = Meeting.objects.get(title=demo_governance.PAST_TITLE).minutes

    assert re.search(r"投票期间：\d{4}年\d{1,2}月\d{1,2}日至\d{4}年\d{1,2}月\d{1,2}日。", minutes)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", minutes)
