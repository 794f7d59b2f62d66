"""The claims page: statistics by quarter of submission to the cent with the rates to
two places, and for a mutual aid plan the apportionment history as a chart and a
table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from claims.services.apportionment import apportionment_publish, apportionment_run
from claims.services.notice import notices_clear
from claims.services.payment import claim_pay
from mutualsociety.common.models import Society
from tests.claims.factories import claim_approved, claim_assessed, covered_member
from tests.members.factories import mutual_aid_plan_make, premium_plan_make

from .helpers import society_set

pytestmark = pytest.mark.django_db


def dated(claim: Claim, moment: dt.datetime, days: int | None = None) -> None:
    fields: dict = {"submitted_at": moment}
    if days is not None:
        fields["days_to_payment"] = days
    Claim.objects.filter(pk=claim.pk).update(**fields)


def moment(year, month, day):
    """Noon of a day, in the society's time zone."""
    return dt.datetime(year, month, day, 12, tzinfo=timezone.get_current_timezone())


def test_statistics_by_quarter_to_the_cent(client, handler, approver):
    """2026Q1: two claims paid (100.10 in 10 days, 200.20 in 30 days) and one rejected
    out of three decided: a rejection rate of 33.33%, median 20 days, 90th percentile
    28 days."""
    member = covered_member(premium_plan_make())
    for amount, days in (("100.10", 10), ("200.20", 30)):
        claim = claim_approved(member, handler, approver, amount=amount, amount_claimed=D(amount))
        claim_pay(claim=claim, actor=handler)
        dated(claim, moment(2026, 2, 1), days)
    from claims.services.handling import claim_reject

    rejected = claim_assessed(member, handler, amount="50.00", amount_claimed=D("55.55"))
    claim_reject(claim=rejected, actor=approver, reasons="Not covered by the plan.")
    dated(rejected, moment(2026, 3, 1))
    response = client.get(reverse("disclosure:claims"))
    html = response.content.decode()
    (q1,) = response.context["quarters"]
    assert q1["quarter"] == "2026Q1" and q1["claims"] == 3
    assert "355.85" in html  # claimed: 100.10 + 200.20 + 55.55
    assert "300.30" in html  # approved and paid
    assert "33.33%" in html
    assert ">20.00<" in html and ">28.00<" in html
    assert "Apportionment history" not in html  # a mutual insurance society


def test_no_claims_yet(client):
    html = client.get(reverse("disclosure:claims")).content.decode()
    assert "No claim has been submitted yet." in html


def test_a_mutual_aid_plan_shows_its_apportionment_history(client, handler, approver):
    """Two published periods, 100.00 and 250.00 shared among four members with an 8%
    fee: 27.00 and 67.50 each."""
    society_set(kind=Society.Kind.MUTUAL_AID)
    aid = mutual_aid_plan_make()
    today = timezone.localdate()
    claimant = covered_member(aid)
    for _ in range(3):
        covered_member(aid)
    for days_ago, amount in ((10, "100.00"), (5, "250.00")):
        claim = claim_approved(claimant, handler, approver, amount=amount)
        notices_clear(today=claim.notice_until + dt.timedelta(days=1))
        cutoff = today - dt.timedelta(days=days_ago)
        Claim.objects.filter(pk=claim.pk).update(cleared_on=cutoff)
        period = apportionment_run(plan=aid.plan, cutoff=cutoff)
        apportionment_publish(period=period, actor=approver)
    html = client.get(reverse("disclosure:claims")).content.decode()
    assert "Apportionment history" in html
    assert "108.00" in html and "270.00" in html
    assert "27.00" in html and "67.50" in html
    assert html.count("<rect ") == 2
    assert 'role="img"' in html and "<desc>" in html


def test_a_mutual_aid_plan_before_any_period(client):
    society_set(kind=Society.Kind.MUTUAL_AID)
    html = client.get(reverse("disclosure:claims")).content.decode()
    assert "No apportionment period has been published yet." in html
