"""Claims with Redis down (broker and cache on a closed port): a payment commits and
answers 200, its e-mail waits in the outbox and goes once when Redis is back; an
apportionment run completes."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import ApportionmentPeriod, Claim
from mutualsociety.common.models import OutboxTask
from mutualsociety.common.services import outbox_relay
from tests.claims.factories import claim_approved, covered_member

pytestmark = pytest.mark.django_db


def pay_through_the_api(claim, handler):
    client = APIClient()
    client.force_authenticate(handler)
    started = time.monotonic()
    response = client.post(f"/api/v1/claims/{claim.pk}/pay/", {}, format="json")
    return response, time.monotonic() - started


def test_a_payment_with_redis_down_answers_200_and_keeps_the_email(
    request, premium, handler, approver, chart_of_accounts
):
    """The test commits for real (the chart of accounts needs it): the after-commit
    publish fails inside the request, which still answers 200 within seconds."""
    claim = claim_approved(covered_member(premium), handler, approver, amount="1000.00")
    mail.outbox.clear()  # the approval's message went before the outage
    request.getfixturevalue("redis_down")

    response, elapsed = pay_through_the_api(claim, handler)

    assert response.status_code == 200, response.content
    assert elapsed < 5, f"the payment took {elapsed:.1f} s"
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PAID
    row = OutboxTask.objects.get(state="pending")
    paid = claim.member.notifications.get(key=f"claims.paid:{claim.pk}")  # in the portal
    assert row.task == "members.notification_email"
    assert (row.args, row.state, row.attempts) == ([paid.pk], "pending", 1)
    assert [m for m in mail.outbox if m.subject.endswith("was paid")] == []


@pytest.mark.redis
def test_the_payment_email_is_sent_once_when_redis_is_back(
    request, premium, handler, approver, chart_of_accounts, broker_back
):
    claim = claim_approved(covered_member(premium), handler, approver, amount="1000.00")
    request.getfixturevalue("redis_down")
    assert pay_through_the_api(claim, handler)[0].status_code == 200
    broker = broker_back()

    assert outbox_relay()["sent"] == 1
    assert outbox_relay()["sent"] == 0

    paid = claim.member.notifications.get(key=f"claims.paid:{claim.pk}")
    assert [(m["task"], m["args"]) for m in broker.messages()] == [
        ("members.notification_email", [paid.pk])
    ]
    assert broker.run_all() == 1
    assert len([m for m in mail.outbox if m.subject.endswith(f"{claim.number} was paid")]) == 1


def test_an_apportionment_run_with_redis_down_completes(
    request, client, aid, handler, approver, chart_of_accounts
):
    """Staff run a period from the admin while Redis is down: it is recorded and the
    page redirects to it, within seconds."""
    covered_member(aid)
    claim = claim_approved(covered_member(aid), handler, approver, amount="100.00")
    Claim.objects.filter(pk=claim.pk).update(
        notice_status="cleared", cleared_on=timezone.localdate()
    )
    client.force_login(handler)
    request.getfixturevalue("redis_down")
    started = time.monotonic()

    run = client.post(
        reverse("admin:claims_apportionmentperiod_run"),
        {"plan": aid.plan_id, "cutoff": timezone.localdate().isoformat(), "run": "1"},
    )

    assert time.monotonic() - started < 5
    assert run.status_code == 302
    period = ApportionmentPeriod.objects.get()
    assert run["Location"] == reverse("admin:claims_apportionmentperiod_change", args=[period.pk])
    assert period.total.to_eng_string() == "108.00"
