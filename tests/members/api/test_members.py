"""API: /api/v1/members/ — staff search and a member's detail."""

from __future__ import annotations

import pytest

from tests.helpers import assert_error
from tests.members.factories import member_make, pay, person_data

pytestmark = pytest.mark.django_db

LIST = "/api/v1/members/"
VIEW = "members.view_member"
FULL_ID = "members.view_identity_number"


def detail_url(member) -> str:
    return f"/api/v1/members/{member.pk}/"


def test_anonymous_is_refused(client, member):
    assert_error(client.get(LIST), 403, "not_authenticated")
    assert_error(client.get(detail_url(member)), 403, "not_authenticated")


def test_a_member_cannot_read_other_members(member_client, member, premium):
    other = member_make(premium)

    assert_error(member_client.get(LIST), 403, "permission_denied")
    assert_error(member_client.get(detail_url(other)), 403, "permission_denied")
    assert_error(member_client.get(detail_url(member)), 403, "permission_denied")


def test_staff_search_by_number_name_phone_or_identity_number(staff_client, premium):
    wang = member_make(premium, person=person_data(legal_name="王芳", phone="13911112222"))
    li = member_make(premium, person=person_data(legal_name="李娜", phone="13733334444"))
    client = staff_client(VIEW)

    def found(q: str) -> list[int]:
        return [m["id"] for m in client.get(LIST, {"q": q}).json()["results"]]

    assert found(wang.member_number) == [wang.pk]
    assert found("李") == [li.pk]
    assert found("1391111") == [wang.pk]
    assert found(li.id_number.lower()) == [li.pk]
    assert set(found("")) == {wang.pk, li.pk}
    assert found("nobody") == []


def test_identity_numbers_are_masked_without_the_permission(staff_client, member):
    data = staff_client(VIEW).get(LIST).json()["results"][0]

    assert data["id_number"] == member.masked_id_number
    assert member.id_number not in str(data)


def test_identity_numbers_are_shown_with_the_permission(staff_client, member):
    client = staff_client(VIEW, FULL_ID)

    assert client.get(LIST).json()["results"][0]["id_number"] == member.id_number
    assert client.get(detail_url(member)).json()["id_number"] == member.id_number


def test_the_list_is_paginated(staff_client, premium):
    for _ in range(3):
        member_make(premium)

    data = staff_client(VIEW).get(LIST, {"limit": 2}).json()

    assert data["count"] == 3
    assert len(data["results"]) == 2
    assert data["next"]


def test_the_detail_has_cover_and_balance(staff_client, member):
    pay(member, "50.00")

    response = staff_client(VIEW).get(detail_url(member))

    assert response.status_code == 200
    data = response.json()
    assert data["member_number"] == member.member_number
    assert data["id_number"] == member.masked_id_number
    assert [c["plan"] for c in data["coverages"]] == ["care"]
    assert data["coverages"][0]["premium"] == "30.00"
    assert (data["outstanding"], data["total_paid"], data["advance"]) == (
        "0.00",
        "50.00",
        "20.00",
    )


def test_an_unknown_member_answers_404(staff_client):
    assert_error(staff_client(VIEW).get("/api/v1/members/999999/"), 404, "not_found")
