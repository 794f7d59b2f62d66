"""The public notice is public (issue 10's decision): anyone reads the de-identified list
and case pages, on the site and in the API, as mutual aid platforms publish their cases;
objecting still needs a signed-in member — and a session that owes its second factor gets
the page as everyone does and may not object until it enters its code."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import Objection
from tests.accounts.factories import enrol
from tests.claims.factories import claim_approved, covered_member
from tests.members.factories import person_data

pytestmark = pytest.mark.django_db
NAME = "欧阳娜娜"
REASON = {"reason": "The diagnosis looks older than the cover."}


@pytest.fixture
def case(aid, handler, approver):
    claimant = covered_member(aid, person=person_data(age=35, legal_name=NAME))
    return claim_approved(claimant, handler, approver, amount="30000.00")


def _secrets(claim) -> list[str]:
    member = claim.member
    return [NAME, member.id_number, member.date_of_birth.isoformat(), member.member_number]


def test_anyone_reads_the_list_and_the_case_de_identified(client, case):
    listing = client.get(reverse("claims:notices"))
    detail = client.get(reverse("claims:notice", args=[case.pk]))
    assert listing.status_code == detail.status_code == 200
    for page in (listing.content.decode(), detail.content.decode()):
        assert case.number in page
        for secret in _secrets(case):
            assert secret not in page
    page = detail.content.decode()
    assert "30–39" in page and "30,000.00" in page
    assert 'name="reason"' not in page  # no objection form for the public
    assert f"{reverse('login')}?next=" in page
    assert f'href="{reverse("claims:submit")}"' not in listing.content.decode()  # no member menu


def test_the_api_serves_the_public_notice_to_anyone(case):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    listing = api.get("/api/v1/claims/notices/")
    detail = api.get(f"/api/v1/claims/notices/{case.pk}/")
    assert listing.status_code == detail.status_code == 200
    assert detail.json()["number"] == case.number
    text = json.dumps([listing.json(), detail.json()], ensure_ascii=False)
    for secret in _secrets(case):
        assert secret not in text
    refused = api.post(f"/api/v1/claims/notices/{case.pk}/objections/", REASON, format="json")
    assert refused.status_code in (401, 403)
    assert not Objection.objects.exists()


def test_objecting_needs_a_signed_in_member(client, aid, case, make_user):
    url = reverse("claims:notice", args=[case.pk])
    anonymous = client.post(url, REASON)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    client.force_login(make_user("someone"))  # signed in, not a member
    assert client.post(url, REASON)["Location"] == reverse("members:dashboard")
    assert not Objection.objects.exists()
    member = covered_member(aid)
    client.force_login(member.user)
    assert 'name="reason"' in client.get(url).content.decode()
    assert client.post(url, REASON).status_code == 302
    assert Objection.objects.get().member == member


def test_a_session_owing_its_second_factor_reads_but_does_not_object(client, aid, case):
    """The page is open to it (accounts.middleware.OPEN_VIEW_NAMES) and shows it what it
    shows everyone; an objection waits for the authenticator code."""
    member = covered_member(aid)
    enrol(member.user)
    client.force_login(member.user)  # a password sign-in: the code is still owed
    url = reverse("claims:notice", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="reason"' not in page.content.decode()
    refused = client.post(url, REASON)
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("two_factor"))
    assert not Objection.objects.exists()
    assert client.get(reverse("claims:list")).status_code == 302  # the rest still asks
