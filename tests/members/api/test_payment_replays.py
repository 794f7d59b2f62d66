"""POST /api/v1/members/{id}/payments/ retried at once (PostgreSQL): one payment, one 201,
and 200 with the same body for every replay (issue 9)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ledger.models import JournalEntry
from members.models import Payment
from tests.helpers import post_at_once
from tests.members.factories import user_with_perms

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chart_of_accounts"),
]

THREADS = 20


def test_twenty_identical_payment_requests_answer_201_once_and_200_with_the_same_body(member):
    cashier = user_with_perms("cashier", "members.add_payment")
    body = {"amount": "45.00", "received_on": timezone.localdate().isoformat()}

    responses = post_at_once(
        cashier,
        f"/api/v1/members/{member.pk}/payments/",
        body,
        threads=THREADS,
        **{"Idempotency-Key": "bank-statement-line-42"},
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (THREADS - 1) + [201], [r.content for r in responses]
    bodies = {r.content for r in responses}
    assert len(bodies) == 1
    payment = Payment.objects.get()
    assert responses[0].json()["id"] == payment.pk
    assert JournalEntry.objects.filter(source_type="members.payment").count() == 1
