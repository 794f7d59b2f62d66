"""The member's shares page and proof download (docs/claims.md, "Verifiable
apportionment statements"): their own proof only; anything else answers 404."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from claims.services.apportionment import apportionment_publish, apportionment_run
from claims.services.notice import notices_clear
from members.models import ContributionDue
from tests.claims.factories import claim_approved, covered_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(aid, handler, approver, chart_of_accounts):
    members = [covered_member(aid) for _ in range(3)]
    waiting = covered_member(aid, days_ago=10)
    claim = claim_approved(members[0], handler, approver, amount="100.00")
    notices_clear(today=claim.notice_until + dt.timedelta(days=1))
    Claim.objects.update(cleared_on=timezone.localdate())
    period = apportionment_run(plan=aid.plan, cutoff=timezone.localdate())
    return members, waiting, apportionment_publish(period=period)


def test_a_member_downloads_their_proof(client, published):
    members, _waiting, period = published
    client.force_login(members[1].user)
    response = client.get(reverse("claims:share_proof", args=[period.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="share-proof-{period.pk}.json"'
    )
    proof = json.loads(response.content)
    due = ContributionDue.objects.get(member=members[1], kind="share")
    assert proof["share"] == str(due.amount) and proof["root"] == period.merkle_root
    assert proof["leaf_count"] == 3
    # Nothing that names the member: no id, number or name.
    text = response.content.decode()
    assert members[1].member_number not in text and members[1].legal_name not in text


def test_no_proof_for_a_period_without_the_members_share(client, published):
    """The member still waiting had no share: 404, as for a period that does not exist."""
    _members, waiting, period = published
    client.force_login(waiting.user)
    assert client.get(reverse("claims:share_proof", args=[period.pk])).status_code == 404
    assert client.get(reverse("claims:share_proof", args=[period.pk + 99])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, published):
    _members, _waiting, period = published
    response = client.get(reverse("claims:share_proof", args=[period.pk]))
    assert response.status_code == 302 and "login" in response.url


def test_the_shares_page_lists_the_period_with_its_root_and_link(client, published):
    members, waiting, period = published
    client.force_login(members[0].user)
    page = client.get(reverse("claims:shares"))
    assert page.status_code == 200
    html = page.content.decode()
    assert period.merkle_root in html
    assert reverse("claims:share_proof", args=[period.pk]) in html
    assert "Download proof (JSON)" in html
    client.force_login(waiting.user)
    html = client.get(reverse("claims:shares")).content.decode()
    assert "You have no share in a published apportionment yet." in html


def test_the_statement_links_a_share_to_its_verification(client, published):
    members, _waiting, _period = published
    client.force_login(members[0].user)
    html = client.get(reverse("members:statement")).content.decode()
    assert reverse("claims:shares") in html and "Verify this share" in html
