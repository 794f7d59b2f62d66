"""members.providers: how members pay, behind one interface."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from members.models import Payment
from members.providers import PROVIDERS, provider_get
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.models import Society
from tests.members.factories import member_make, user_with_perms

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    Society.objects.filter(pk=1).update(
        bank_name="ICBC", bank_account_name="同舟相互保险社", bank_account_number="1001 2345"
    )
    return member_make()


def test_bank_transfer_instructions_name_the_account_and_the_member_number(member):
    instructions = provider_get("bank_transfer").instructions(member=member, amount=Decimal("30"))

    values = dict(instructions.lines)
    assert instructions.reference == member.member_number
    assert set(values.values()) >= {"ICBC", "同舟相互保险社", "1001 2345", member.member_number}


def test_a_confirmed_transfer_is_a_payment_recorded_once(member):
    """Confirming the same receipt twice records one payment, as payment_record does."""
    provider = provider_get("bank_transfer")
    today = timezone.localdate()

    first = provider.confirm(
        member=member, amount="30.00", received_on=today, reference="B1", idempotency_key="b-1"
    )
    again = provider.confirm(
        member=member, amount="30.00", received_on=today, reference="B1", idempotency_key="b-1"
    )

    assert first.pk == again.pk
    assert first.provider == Payment.Provider.BANK_TRANSFER
    assert Payment.objects.filter(member=member).count() == 1


def test_a_payment_recorded_by_staff_needs_the_staff_member(member):
    provider = provider_get("manual")
    today = timezone.localdate()

    with pytest.raises(InvalidInput):
        provider.confirm(
            member=member, amount="30.00", received_on=today, reference="", idempotency_key="m-1"
        )
    clerk = user_with_perms("clerk", "members.add_payment")
    payment = provider.confirm(
        member=member,
        amount="30.00",
        received_on=today,
        reference="cash",
        idempotency_key="m-1",
        actor=clerk,
    )
    assert (payment.provider, payment.recorded_by) == (Payment.Provider.MANUAL, clerk)


def test_every_payment_provider_choice_has_a_provider_and_unknown_ones_are_refused():
    """Every way a person pays has a provider; a surplus credit is no money received, so
    nobody pays or records one through a provider."""
    assert set(PROVIDERS) == set(Payment.RECORDED_PROVIDERS)
    assert set(Payment.Provider.values) - set(PROVIDERS) == {Payment.Provider.SURPLUS}
    with pytest.raises(InvalidInput):
        provider_get(Payment.Provider.SURPLUS)
    with pytest.raises(InvalidInput) as caught:
        provider_get("direct_debit")
    assert caught.value.fields == {"provider": [caught.value.message]}
