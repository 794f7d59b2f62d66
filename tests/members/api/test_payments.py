"""API: POST /api/v1/members/{id}/payments/ — staff record a payment once per
Idempotency-Key."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ledger.models import JournalEntry
from members.models import Payment
from tests.helpers import assert_error
from tests.members.factories import member_make

pytestmark = pytest.mark.django_db

ADD = "members.add_payment"


def url(member) -> str:
    return f"/api/v1/members/{member.pk}/payments/"


def body(**overrides) -> dict:
    data = {
        "amount": "45.00",
        "received_on": timezone.localdate().isoformat(),
        "provider": "bank_transfer",
        "reference": "ICBC 0042",
    }
    data.update(overrides)
    return data


def send(client, member, data=None, key: str | None = "pay-1"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        url(member), data or body(), content_type="application/json", headers=headers
    )


def counts() -> tuple[int, int]:
    return Payment.objects.count(), JournalEntry.objects.count()


def test_a_payment_is_recorded_with_201(staff_client, member):
    """201 with the payment, its allocation to the oldest due and the advance kept;
    amounts as decimal strings; the staff member is recorded."""
    response = send(staff_client(ADD), member)

    assert response.status_code == 201, response.content
    data = response.json()
    payment = Payment.objects.get()
    assert data["id"] == payment.pk
    assert data["member"] == member.pk
    assert (data["amount"], data["allocated_amount"], data["unallocated"]) == (
        "45.00",
        "30.00",
        "15.00",
    )
    assert data["allocations"] == [{"due": member.dues.get().pk, "amount": "30.00"}]
    assert data["reference"] == "ICBC 0042"
    assert payment.idempotency_key == "pay-1"
    assert payment.recorded_by.username == "staff"


def test_a_retry_with_the_same_key_answers_200_with_the_same_payment(staff_client, member):
    client = staff_client(ADD)
    first = send(client, member)
    before = counts()

    retry = send(client, member)

    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert counts() == before


@pytest.mark.parametrize(
    "change",
    [{"amount": "46.00"}, {"received_on": "2020-01-01"}],
    ids=["amount", "date"],
)
def test_reusing_a_key_for_another_payment_answers_409(staff_client, member, change):
    client = staff_client(ADD)
    send(client, member)
    before = counts()

    error = assert_error(
        send(client, member, body(**change)), 409, "idempotency_conflict", {"Idempotency-Key"}
    )

    assert "another payment" in error["message"]
    assert counts() == before


def test_reusing_a_key_for_another_member_answers_409(staff_client, member, premium):
    client = staff_client(ADD)
    send(client, member)

    assert_error(send(client, member_make(premium)), 409, "idempotency_conflict")


@pytest.mark.parametrize("key", [None, "", "   "])
def test_the_idempotency_key_header_is_required(staff_client, member, key):
    error = assert_error(
        send(staff_client(ADD), member, key=key), 400, "invalid", {"Idempotency-Key"}
    )

    assert "Idempotency-Key" in error["message"]
    assert counts() == (0, 1)  # the first premium's entry only


def test_an_overlong_key_is_refused(staff_client, member):
    assert_error(
        send(staff_client(ADD), member, key="k" * 201), 400, "invalid", {"Idempotency-Key"}
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (body(amount="0"), "amount"),
        (body(amount="0.00"), "amount"),
        (body(amount="-45.00"), "amount"),
        (body(amount="45.001"), "amount"),
        (body(amount="lots"), "amount"),
        ({k: v for k, v in body().items() if k != "amount"}, "amount"),
        (
            body(received_on=(timezone.localdate() + dt.timedelta(days=1)).isoformat()),
            "received_on",
        ),
        (body(received_on="yesterday"), "received_on"),
        (body(provider="cash_in_envelope"), "provider"),
        (body(reference="r" * 101), "reference"),
    ],
    ids=[
        "zero",
        "zero cents",
        "negative",
        "three decimals",
        "not a number",
        "missing amount",
        "future date",
        "date format",
        "provider",
        "reference too long",
    ],
)
def test_bad_input_answers_400_naming_the_field(staff_client, member, data, field):
    before = counts()

    assert_error(send(staff_client(ADD), member, data), 400, "invalid", {field})

    assert counts() == before


def test_anonymous_is_refused(client, member):
    assert_error(send(client, member), 403, "not_authenticated")
    assert not Payment.objects.exists()


def test_a_member_cannot_record_payments_not_even_their_own(member_client, member):
    assert_error(send(member_client, member), 403, "permission_denied")
    assert not Payment.objects.exists()


def test_viewing_members_is_not_enough(staff_client, member):
    assert_error(send(staff_client("members.view_member"), member), 403, "permission_denied")


def test_an_unknown_member_answers_404(staff_client, member):
    response = staff_client(ADD).post(
        "/api/v1/members/999999/payments/",
        body(),
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )

    assert_error(response, 404, "not_found")
