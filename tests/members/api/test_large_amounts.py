"""Amounts at the edges: the largest single amount on the way in, sums larger than one
amount on the way out (issue: a payment of 9,999,999,999,999,999.99 made three pages
answer 500 with decimal.InvalidOperation)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from members.api import ContributionsOut, MemberDetailOut, PaymentsOut
from members.models import Payment
from members.selectors import member_statement
from tests.helpers import assert_error
from tests.members.factories import pay

pytestmark = pytest.mark.django_db

ADD = "members.add_payment"
POSTING_MAX = Decimal("9999999999999999.99")
TWO = POSTING_MAX * 2  # 19999999999999999.98: 19 digits


def record(client, member, amount, key="pay-1"):
    return client.post(
        f"/api/v1/members/{member.pk}/payments/",
        {"amount": amount, "received_on": timezone.localdate().isoformat()},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_a_payment_over_the_largest_single_amount_is_refused(staff_client, member):
    """It was recorded (201); now it is refused on "amount", nothing recorded."""
    error = assert_error(
        record(staff_client(ADD), member, "9999999999999999.99"), 400, "invalid", {"amount"}
    )

    assert "largest single amount the society accepts" in error["fields"]["amount"][0]
    assert not Payment.objects.exists()


def test_the_largest_single_amount_is_recorded(staff_client, member):
    response = record(staff_client(ADD), member, "1000000000.00")

    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "1000000000.00"


@pytest.mark.parametrize(
    "amount",
    ["1E3", "1_000", "１００", "١٠٠", 45, 45.0],
    ids=["exponent", "underscore", "full-width", "arabic-indic", "json-int", "json-float"],
)
def test_loosely_written_money_is_refused(staff_client, member, amount):
    error = assert_error(record(staff_client(ADD), member, amount), 400, "invalid", {"amount"})

    if not isinstance(amount, str):
        assert error["message"].startswith("amount: Send amount as a string")
    assert not Payment.objects.exists()


def test_a_payment_received_on_0001_01_01_is_refused(staff_client, member):
    response = staff_client(ADD).post(
        f"/api/v1/members/{member.pk}/payments/",
        {"amount": "45.00", "received_on": "0001-01-01"},
        content_type="application/json",
        headers={"Idempotency-Key": "old"},
    )

    error = assert_error(response, 400, "invalid", {"received_on"})
    assert "before 2000-01-01" in error["message"]
    assert not Payment.objects.exists()


def test_sums_larger_than_one_amount_are_written_in_full(member):
    """The totals of a statement are sums: their fields are not held to the 18 digits of
    one amount (DRF's DecimalField(max_digits=18) raised InvalidOperation on 19)."""
    statement = member_statement(member)
    big = {"total_paid": TWO, "advance": TWO, "total_due": TWO, "outstanding": TWO}

    assert PaymentsOut({**big, "payments": []}).data["total_paid"] == "19999999999999999.98"
    assert ContributionsOut({**big, "dues": []}).data["advance"] == "19999999999999999.98"
    member.statement = statement.__class__(
        dues=[], payments=[], total_due=TWO, total_paid=TWO, advance=TWO
    )
    assert MemberDetailOut(member).data["total_paid"] == "19999999999999999.98"


@pytest.mark.postgres
def test_pages_with_sums_beyond_one_amount_answer_200(client, member, staff_client, monkeypatch):
    """Two payments of the largest amount a posting holds, recorded before the society's
    limit existed (PostgreSQL keeps them exactly): the member's payments and
    contributions and the staff's member page answered 500; they answer 200 in full."""
    monkeypatch.setattr(
        "members.services.payments.amount_ceiling_check", lambda amount, **_kw: amount
    )
    pay(member, POSTING_MAX)
    pay(member, POSTING_MAX)
    advance = "19999999999999969.98"  # the first premium of 30.00 was settled

    client.force_login(member.user)
    payments = client.get("/api/v1/me/payments/")
    contributions = client.get("/api/v1/me/contributions/")
    detail = staff_client("members.view_member").get(f"/api/v1/members/{member.pk}/")

    assert payments.status_code == 200, payments.content
    assert payments.json()["total_paid"] == "19999999999999999.98"
    assert payments.json()["advance"] == advance
    assert contributions.status_code == 200, contributions.content
    assert contributions.json()["advance"] == advance
    assert detail.status_code == 200, detail.content
    assert (detail.json()["total_paid"], detail.json()["advance"]) == (
        "19999999999999999.98",
        advance,
    )
