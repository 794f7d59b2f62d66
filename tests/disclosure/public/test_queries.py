"""The uncached render of each public page issues as many queries with a few members,
claims and publications as with several times more."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.services.payment import claim_pay
from disclosure.models import Kind
from governance.services.meetings import (
    meeting_approve_minutes,
    meeting_declare_results,
    meeting_draft_minutes,
    meeting_publish,
)
from governance.services.voting import ballot_cast
from mutualsociety.common.models import Society
from tests.claims.factories import claim_approved, covered_member
from tests.governance.factories import articles_make, meeting_closed, meeting_voting, members_make
from tests.members.factories import mutual_aid_plan_make, premium_plan_make

from .conftest import post
from .helpers import publish, society_set

pytestmark = pytest.mark.django_db

PAGES = ["home", "governance", "finances", "solvency", "claims", "products", "events"]
_keys = itertools.count()


def grow(aid, premium, handler, approver, secretary, *, members: int):
    """Members covered by the plan, a claim paid per two of them, publications of the
    event and product kinds, postings, and a published meeting they voted in."""
    for _ in range(members):
        covered_member(aid)
    claimant = covered_member(premium)  # paid at once: no public notice
    for _ in range(max(members // 2, 1)):
        claim = claim_approved(claimant, handler, approver, amount="100.00")
        claim_pay(claim=claim, actor=handler)
    for kind in (Kind.MATERIAL_EVENT, Kind.RELATED_PARTY, Kind.PRODUCT, Kind.FINANCIAL_STATEMENTS):
        for _ in range(max(members // 2, 1)):
            n = next(_keys)
            publish(kind, f"{kind}:{n}", period=f"{2000 + n}")
    post(f"c{next(_keys)}", "1002", "6031", "100.00", timezone.localdate() - dt.timedelta(days=120))
    voters = members_make(members)
    meeting = meeting_voting()
    for voter in voters:
        ballot_cast(motion=meeting.motions.get(), voter=voter, choice="for")
    meeting = meeting_declare_results(meeting=meeting_closed(meeting), actor=secretary)
    meeting_draft_minutes(meeting=meeting, text="纪要", actor=secretary)
    return meeting_publish(meeting=meeting_approve_minutes(meeting=meeting, actor=secretary))


def counts(client, meeting) -> dict[str, int]:
    found = {}
    urls = {name: reverse(f"disclosure:{name}") for name in PAGES}
    urls["meeting"] = reverse("disclosure:governance_meeting", args=[meeting.pk])
    for name, url in urls.items():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        found[name] = len(queries)
    return found


def test_queries_do_not_grow_with_members_claims_or_publications(
    client, handler, approver, secretary, compliance
):
    society_set(kind=Society.Kind.MUTUAL_AID, founded_on=dt.date(2024, 1, 1))
    articles_make()
    aid, premium = mutual_aid_plan_make(), premium_plan_make()
    small = counts(client, grow(aid, premium, handler, approver, secretary, members=2))
    large = counts(client, grow(aid, premium, handler, approver, secretary, members=8))
    assert large == small
