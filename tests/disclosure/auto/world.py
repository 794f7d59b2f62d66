"""Sources set up the way their apps create them: a published meeting, a published
apportionment period, an approved assessment."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from claims.models import Claim
from claims.services.apportionment import apportionment_publish, apportionment_run
from claims.services.notice import notices_clear
from governance.services.meetings import (
    meeting_approve_minutes,
    meeting_declare_results,
    meeting_draft_minutes,
    meeting_publish,
)
from governance.services.voting import ballot_cast
from solvency.services import assessment_approve, assessment_compute
from tests.claims.factories import claim_approved, covered_member
from tests.governance.factories import meeting_closed, meeting_voting, members_make
from tests.solvency.factories import VALUATION, books, holdings, item


def published_meeting(secretary):
    """Three voters: for, for, against; minutes approved; published."""
    voters = members_make(3)
    meeting = meeting_voting(actor=secretary)
    motion = meeting.motions.get()
    for voter, choice in zip(voters, ("for", "for", "against"), strict=True):
        ballot_cast(motion=motion, voter=voter, choice=choice)
    meeting = meeting_closed(meeting, actor=secretary)
    meeting = meeting_declare_results(meeting=meeting, actor=secretary)
    meeting_draft_minutes(meeting=meeting, text="会议纪要 Minutes of the meeting", actor=secretary)
    meeting = meeting_approve_minutes(meeting=meeting, actor=secretary)
    return meeting_publish(meeting=meeting, actor=secretary)


def apportionment_period(aid, handler, approver):
    """Seven members sharing two cleared claims of 600.00 and 400.00 (benefits 1,000.00,
    fee 80.00, total 1,080.00: 154.28 each, four members one cent more)."""
    sharing = [covered_member(aid) for _ in range(6)]
    claimant = covered_member(aid)
    sharing.append(claimant)
    claims = [
        claim_approved(claimant, handler, approver, amount="600.00"),
        claim_approved(claimant, handler, approver, amount="400.00", kind="accident"),
    ]
    notices_clear(today=claims[0].notice_until + dt.timedelta(days=1))
    Claim.objects.update(cleared_on=timezone.localdate())
    period = apportionment_run(plan=aid.plan, cutoff=timezone.localdate(), actor=handler)
    return apportionment_publish(period=period, actor=handler)


def solvency_books():
    books()
    holdings()
    item("100000.00", "supplementary")


def approved_assessment(actuary, compliance, valuation=VALUATION, rating="B"):
    a = assessment_compute(valuation_date=valuation, regime="cross", rating=rating, actor=actuary)
    return assessment_approve(assessment=a, actor=compliance)
