"""Every status a member's claim can end in tells them why, and the appeal the rules give
(claims.selectors.claim_outcome), on the claim page and in the API detail.

Ends: rejected by the approver (one appeal, within the window; then "closed" once the
window passed), overturned by a review panel during the public notice (a rejection: the
same one appeal), rejected after the appeal was dismissed (no further appeal: final),
withdrawn (nothing to appeal; a new claim may be submitted) and paid (settled; the rules
give no appeal against a payment, and a shortfall is explained).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Claim
from claims.services.handling import claim_appeal, claim_pay, claim_reject, claim_withdraw
from claims.services.notice import claim_object, panel_vote
from tests.claims.factories import claim_approved, claim_assessed, claim_make, covered_member

pytestmark = pytest.mark.django_db
REASON = "The diagnosis date looks earlier than the cover."


def page(client, claim) -> str:
    client.force_login(claim.member.user)
    response = client.get(reverse("claims:detail", args=[claim.pk]))
    assert response.status_code == 200
    return response.content.decode()


def api_outcome(claim) -> dict:
    client = APIClient()
    client.force_authenticate(claim.member.user)
    response = client.get(f"/api/v1/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.json()


def has_appeal_form(html: str, claim) -> bool:
    return reverse("claims:appeal", args=[claim.pk]) in html


@pytest.fixture
def panel_pool(aid):
    """Members who may sit on a panel (the plan draws 3, quorum 2, after 30 days)."""
    return [covered_member(aid) for _ in range(8)]


def test_a_rejection_gives_the_reasons_and_the_one_appeal_until_its_date(
    client, aid, handler, approver
):
    claim = claim_assessed(covered_member(aid), handler)
    claim_reject(claim=claim, actor=approver, reasons="Illness began before cover.")
    claim.refresh_from_db()

    html = page(client, claim)
    body = api_outcome(claim)

    assert "Your claim was rejected on" in html
    assert "Illness began before cover." in html
    assert "You may appeal once, until" in html and has_appeal_form(html, claim)
    assert body["outcome"]["appeal"] == "open"
    assert body["outcome"]["appeal_until"] == claim.appeal_until.isoformat()
    assert body["outcome"]["reasons"] == "Illness began before cover."


def test_once_the_window_passed_the_rejection_is_final_and_says_when_it_closed(
    client, aid, handler, approver
):
    """It used to keep saying "You may appeal until" a past date."""
    claim = claim_assessed(covered_member(aid), handler)
    claim_reject(claim=claim, actor=approver, reasons="No cover on the event date.")
    Claim.objects.filter(pk=claim.pk).update(
        appeal_until=timezone.localdate() - dt.timedelta(days=1)
    )
    claim.refresh_from_db()

    html = page(client, claim)
    body = api_outcome(claim)

    assert "The appeal window closed on" in html and "You may appeal" not in html
    assert "No cover on the event date." in html
    assert not has_appeal_form(html, claim)
    assert body["outcome"]["appeal"] == "closed"


def test_after_the_appeal_is_dismissed_the_member_is_told_it_is_final(
    client, aid, handler, approver, panel_pool
):
    """The panel's reasons are given, no new appeal window is opened (it used to set a
    new "appeal until" date that the member could not use), and the page says the
    decision is final within the society."""
    member = covered_member(aid)
    claim = claim_assessed(member, handler)
    claim_reject(claim=claim, actor=approver, reasons="Excluded condition.")
    claim_appeal(claim=claim, member=member, reason="The condition is not excluded.")
    panel = claim.panels.get()
    for seat in panel.seats.select_related("member")[:3]:
        panel_vote(panel=panel, member=seat.member, vote="uphold", reason="Excluded indeed.")
    claim.refresh_from_db()

    html = page(client, claim)
    body = api_outcome(claim)

    assert claim.status == Claim.Status.REJECTED
    assert claim.appeal_until is None
    assert "Your appeal was dismissed on" in html
    assert "Excluded indeed." in html
    assert "final within the society" in html and "You may appeal" not in html
    assert not has_appeal_form(html, claim)
    assert body["appeal_until"] is None
    assert body["outcome"]["appeal"] == "used"


def test_an_approval_overturned_by_a_panel_is_explained_and_may_be_appealed(
    client, aid, handler, approver, panel_pool
):
    member = covered_member(aid)
    claim = claim_approved(member, handler, approver, amount="30000.00")
    claim_object(claim=claim, member=panel_pool[0], reason=REASON)
    claim_object(claim=claim, member=panel_pool[1], reason=REASON)
    panel = claim.panels.get()
    for seat in panel.seats.select_related("member"):
        panel_vote(panel=panel, member=seat.member, vote="overturn", reason="Earlier symptoms.")
    claim.refresh_from_db()

    html = page(client, claim)
    body = api_outcome(claim)

    assert claim.status == Claim.Status.REJECTED
    assert "overturned the approval of your claim" in html
    assert "Earlier symptoms." in html
    assert has_appeal_form(html, claim)
    assert body["outcome"]["appeal"] == "open"


def test_a_withdrawn_claim_says_so_with_the_members_reason_and_no_appeal(client, aid):
    member = covered_member(aid)
    claim = claim_make(member)
    claim_withdraw(claim=claim, member=member, reason="I recovered without treatment.")
    claim.refresh_from_db()

    html = page(client, claim)
    body = api_outcome(claim)

    assert "You withdrew this claim on" in html
    assert "I recovered without treatment." in html
    assert "nothing to appeal" in html and "reporting deadline" in html
    assert not has_appeal_form(html, claim)
    assert body["outcome"]["appeal"] == "none"
    assert body["outcome"]["reasons"] == "I recovered without treatment."


def test_a_claim_paid_below_the_amount_claimed_says_why(
    client, premium, handler, approver, chart_of_accounts
):
    claim = claim_approved(
        covered_member(premium), handler, approver, amount="800.00", amount_claimed="1000.00"
    )
    claim_pay(claim=claim, actor=handler)
    claim.refresh_from_db()

    html = page(client, claim)
    body = api_outcome(claim)

    assert "We paid 800.00 CNY on" in html
    assert "Why less than the amount claimed was paid" in html
    assert claim.assessment_reasons in html
    assert "The claim is settled" in html and not has_appeal_form(html, claim)
    assert body["outcome"]["appeal"] == "none"
    assert body["outcome"]["reasons"] == claim.assessment_reasons


def test_a_claim_paid_in_full_gives_no_shortfall_reasons(
    client, premium, handler, approver, chart_of_accounts
):
    claim = claim_approved(
        covered_member(premium), handler, approver, amount="1000.00", amount_claimed="1000.00"
    )
    claim_pay(claim=claim, actor=handler)
    claim.refresh_from_db()

    assert api_outcome(claim)["outcome"]["reasons"] == ""
    assert "Why less than the amount claimed was paid" not in page(client, claim)


def test_a_claim_still_being_handled_has_no_outcome(client, aid, handler):
    claim = claim_assessed(covered_member(aid), handler, amount="100.00")

    assert api_outcome(claim)["outcome"] is None
    assert 'id="outcome"' not in page(client, claim)
    assert claim.assessed_amount == Decimal("100.00")
