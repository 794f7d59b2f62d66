"""The API: a member lists, reads and files their own complaints (another member's
answers 404), once per Idempotency-Key, with the house's error shape."""

from __future__ import annotations

import pytest

from support.models import Complaint
from tests.claims.factories import claim_make, covered_member
from tests.helpers import assert_error
from tests.project.api_world import sign_in
from tests.support.factories import file_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/support/complaints/"


def test_a_member_files_once_per_key_and_reads_their_own(aid):
    member, other = covered_member(aid), covered_member(aid)
    claim = claim_make(member)
    theirs = file_for(other)
    client = sign_in(member.user)
    body = {"category": "claim", "claim": claim.pk, "description": "Wrongly rejected."}

    first = client.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1")
    second = client.post(URL, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["events"][0]["type"] == "filed"
    assert Complaint.objects.filter(member=member).count() == 1
    listed = client.get(URL).json()
    assert [c["reference"] for c in listed] == [first.json()["reference"]]
    assert client.get(f"{URL}{first.json()['id']}/").status_code == 200
    assert_error(client.get(f"{URL}{theirs.pk}/"), 404, "not_found")


def test_refusals_name_the_field(aid):
    member, other = covered_member(aid), covered_member(aid)
    theirs = claim_make(other)
    client = sign_in(member.user)

    no_key = client.post(URL, {"category": "service", "description": "x"}, "application/json")
    assert_error(no_key, 400, "invalid", {"Idempotency-Key"})
    other_claim = client.post(
        URL,
        {"category": "claim", "claim": theirs.pk, "description": "x"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="b1",
    )
    assert_error(other_claim, 400, "invalid", {"claim"})
    bad = client.post(
        URL, {"category": "weather"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="b2"
    )
    assert_error(bad, 400, "invalid", {"category", "description"})
    assert Complaint.objects.count() == 0
