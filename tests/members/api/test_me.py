"""API: /api/v1/me/... — the signed-in member's own profile, coverages, dues, payments."""

from __future__ import annotations

import pytest
from django.utils import timezone

from members.models import Member, MemberEvent
from tests.helpers import assert_error
from tests.members.factories import member_make, pay

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
ENDPOINTS = [ME, "/api/v1/me/coverages/", "/api/v1/me/contributions/", "/api/v1/me/payments/"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_is_refused_with_403(client, url):
    assert_error(client.get(url), 403, "not_authenticated", fields=set())


def test_anonymous_cannot_patch(client):
    assert_error(
        client.patch(ME, {"phone": "13900000000"}, content_type="application/json"),
        403,
        "not_authenticated",
    )


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_user_without_membership_gets_404(client, plain_user, url):
    client.force_login(plain_user)

    error = assert_error(client.get(url), 404, "not_found", fields=set())

    assert "no membership" in error["message"]


def test_the_profile_shows_the_identity_number_masked(member_client, member):
    data = member_client.get(ME).json()

    assert data["member_number"] == member.member_number
    assert data["legal_name"] == member.legal_name
    assert data["id_number"] == member.id_number[:3] + "*" * 11 + member.id_number[-4:]
    assert data["date_of_birth"] == member.date_of_birth.isoformat()
    assert data["status"] == "active"
    assert data["joined_on"] == timezone.localdate().isoformat()


def test_a_member_changes_contact_details(member_client, member):
    """PATCH changes phone, e-mail, region and address; each change is in the history."""
    response = member_client.patch(
        ME,
        {"phone": "138 0013 8000", "email": "new@example.com", "address": "上海市"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "13800138000"
    member.refresh_from_db()
    assert (member.phone, member.email, member.address) == (
        "13800138000",
        "new@example.com",
        "上海市",
    )
    assert member.user.email == "new@example.com"
    assert member.events.filter(type=MemberEvent.Type.PROFILE, actor=member.user).count() == 3


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"phone": "12"}, {"phone"}),
        ({"email": "nope"}, {"email"}),
        ({"region": "99"}, {"region"}),
        ({"phone": "12", "email": "nope"}, {"phone", "email"}),
        ({"legal_name": "Someone Else"}, {"legal_name"}),
        ({"id_number": "11010519491231002X"}, {"id_number"}),
        ({"date_of_birth": "1990-01-01", "phone": "13800138000"}, {"date_of_birth"}),
        ({"address": "x" * 301}, {"address"}),
        # Keys that are the service's own argument names are just unknown fields here.
        ({"member": 1}, {"member"}),
        ({"actor": "x", "changes": {}}, {"actor", "changes"}),
    ],
)
def test_bad_or_identity_changes_are_refused_naming_the_field(member_client, member, body, fields):
    """Invalid contact details, and identity details (changed by staff after checking
    documents), answer 400 naming each field; nothing changes."""
    before = Member.objects.filter(pk=member.pk).values().get()

    assert_error(
        member_client.patch(ME, body, content_type="application/json"), 400, "invalid", fields
    )

    assert Member.objects.filter(pk=member.pk).values().get() == before


def test_coverages_are_the_members_own(member_client, member, premium):
    member_make(premium)  # someone else

    data = member_client.get("/api/v1/me/coverages/").json()

    assert [c["id"] for c in data] == [member.coverages.get().pk]
    coverage = data[0]
    assert coverage["plan"] == "care"
    assert coverage["plan_kind"] == "premium"
    assert coverage["sum_assured"] == "100000.00"
    assert coverage["premium"] == "30.00"
    assert coverage["waiting_days_left"] == 90
    assert coverage["accidents_covered_from_start"] is True


def test_contributions_are_the_members_dues_with_totals(member_client, member, premium):
    other = member_make(premium)
    pay(other, "30.00")
    pay(member, "10.00")

    data = member_client.get("/api/v1/me/contributions/").json()

    assert data["total_due"] == "30.00"
    assert data["outstanding"] == "20.00"
    assert data["advance"] == "0.00"
    assert [d["id"] for d in data["dues"]] == [member.dues.get().pk]
    due = data["dues"][0]
    assert (due["amount"], due["paid_amount"], due["outstanding"], due["status"]) == (
        "30.00",
        "10.00",
        "20.00",
        "open",
    )
    assert due["kind"] == "premium"
    assert due["plan"] == "care"


def test_payments_are_the_members_own(member_client, member, premium):
    other = member_make(premium)
    pay(other, "99.00")
    mine = pay(member, "50.00")

    data = member_client.get("/api/v1/me/payments/").json()

    assert data["total_paid"] == "50.00"
    assert data["advance"] == "20.00"
    assert [p["id"] for p in data["payments"]] == [mine.pk]
    payment = data["payments"][0]
    assert (payment["amount"], payment["allocated_amount"], payment["unallocated"]) == (
        "50.00",
        "30.00",
        "20.00",
    )
    assert payment["provider"] == "bank_transfer"


@pytest.mark.parametrize("url", ["/api/v1/me/contributions/", "/api/v1/me/payments/"])
def test_the_number_of_queries_does_not_grow_with_history(
    member_client, member, url, django_assert_max_num_queries
):
    """A member with a long history costs the same queries as a new one."""
    from members.calculations import add_months
    from members.services.contributions import coverage_bill

    with django_assert_max_num_queries(12) as few:
        member_client.get(url)
    coverage_bill(coverage=member.coverages.get(), until=add_months(timezone.localdate(), 11))
    for _ in range(5):
        pay(member, "30.00")

    with django_assert_max_num_queries(len(few.captured_queries)):
        member_client.get(url)
