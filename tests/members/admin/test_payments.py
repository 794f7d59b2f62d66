"""Recording a payment in the admin: through ``payment_record``, once per form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import ContributionDue, Payment
from tests.members.factories import member_make, premium_plan_make, user_with_perms

pytestmark = pytest.mark.django_db

ADD = reverse("admin:members_payment_add")


@pytest.fixture
def member():
    return member_make(premium_plan_make(code="life"))


def form_data(client, member, **overrides) -> dict:
    """The add form as shown (with its fresh idempotency key), filled in."""
    form = client.get(ADD).context["form"]
    data = {
        "member_number": member.member_number,
        "amount": "30.00",
        "received_on": timezone.localdate().isoformat(),
        "provider": "bank_transfer",
        "reference": "BT-1",
        "idempotency_key": form["idempotency_key"].value(),
    }
    data.update(overrides)
    return data


def test_the_form_carries_a_new_idempotency_key_each_time_it_is_shown(staff):
    first = staff.get(ADD).context["form"]["idempotency_key"].value()
    second = staff.get(ADD).context["form"]["idempotency_key"].value()
    assert first and second and first != second
    assert 'type="hidden" name="idempotency_key"' in staff.get(ADD).content.decode()


def test_a_payment_is_recorded_and_settles_the_oldest_due(staff, admin_user, member):
    response = staff.post(ADD, form_data(staff, member))

    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:members_payment_change", args=[payment.pk])
    assert (payment.member, payment.amount, payment.recorded_by) == (
        member,
        Decimal("30.00"),
        admin_user,
    )
    assert payment.ledger_entry_id
    assert member.dues.get().status == ContributionDue.Status.PAID


def test_the_message_after_recording_names_the_amount_as_pages_do(staff, member):
    """The amount in the success message is grouped with its currency (it read 30.00)."""
    response = staff.post(ADD, form_data(staff, member), follow=True)

    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("Payment of 30.00 CNY from ") for m in shown), shown


def test_sending_the_same_form_twice_records_one_payment(staff, member):
    data = form_data(staff, member)

    staff.post(ADD, data)
    again = staff.post(ADD, data, follow=True)

    assert Payment.objects.count() == 1
    assert "recorded already" in again.content.decode()


def test_the_same_form_sent_again_with_other_details_is_not_a_silent_second_payment(staff, member):
    """The service refuses the key for another amount; the form says so and offers a
    fresh key, so that a second payment is recorded only on purpose."""
    data = form_data(staff, member)
    staff.post(ADD, data)

    response = staff.post(ADD, {**data, "amount": "31.00"})

    assert response.status_code == 200
    form = response.context["form"]
    assert "recorded a payment with other details" in str(form.non_field_errors())
    assert form["idempotency_key"].value() != data["idempotency_key"]
    assert Payment.objects.count() == 1

    staff.post(ADD, {**data, "amount": "31.00", "idempotency_key": form["idempotency_key"].value()})
    assert Payment.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"amount": "0"}, "amount", "The amount must be more than zero."),
        ({"amount": "-5"}, "amount", "The amount cannot be negative."),
        ({"amount": "1.234"}, "amount", "The amount cannot have more than two decimal places."),
        ({"amount": "1E3"}, "amount", "Enter the amount with the digits 0–9"),
        ({"amount": "１００"}, "amount", "Enter the amount with the digits 0–9"),
        ({"amount": "1,000.00"}, "amount", "Enter the amount with the digits 0–9"),
        (
            {"amount": "9999999999999999.99"},
            "amount",
            "is over 1,000,000,000.00, the largest single amount the society accepts",
        ),
        ({"received_on": "0001-01-01"}, "received_on", "the earliest date accepted"),
        (
            {"received_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()},
            "received_on",
            "The date received cannot be in the future.",
        ),
        ({"member_number": "M-1999-000001-0"}, "member_number", "No member has the number"),
    ],
)
def test_refusals_are_shown_on_the_field(staff, member, change, field, message):
    response = staff.post(ADD, form_data(staff, member, **change))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert Payment.objects.count() == 0


def test_finance_staff_may_record_payments_but_not_readers(client, member):
    client.force_login(user_with_perms("finance", "members.add_payment", "members.view_payment"))
    assert client.get(ADD).status_code == 200

    client.force_login(user_with_perms("reader", "members.view_payment"))
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {}).status_code == 403


def test_payments_cannot_be_changed_or_deleted(staff, member):
    staff.post(ADD, form_data(staff, member))
    payment = Payment.objects.get()
    change = reverse("admin:members_payment_change", args=[payment.pk])

    assert staff.post(change, {"amount": "1.00"}).status_code == 403
    assert staff.get(reverse("admin:members_payment_delete", args=[payment.pk])).status_code == 403
    payment.refresh_from_db()
    assert payment.amount == Decimal("30.00")
