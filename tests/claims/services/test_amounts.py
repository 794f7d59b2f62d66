"""Claim amounts: no assessment of 0.00 (it left a claim that could be neither paid, sent
back nor appealed), and amounts within the society's largest single amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claims.models import Claim
from claims.services.handling import (
    claim_approve,
    claim_assess,
    claim_reject,
    claim_review_start,
)
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.selectors import society_get
from tests.claims.factories import claim_assessed, claim_data, claim_make, covered_member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("amount", ["0", "0.00", Decimal("0")])
def test_an_assessment_of_zero_is_refused_pointing_to_a_rejection(aid, handler, amount):
    """The handler is told why and what to do instead: the claim is rejected with
    reasons, which the member sees and may appeal. The claim stays under review."""
    claim = claim_make(covered_member(aid))
    claim_review_start(claim=claim, actor=handler)

    with pytest.raises(InvalidInput) as error:
        claim_assess(claim=claim, actor=handler, amount=amount, reasons="Nothing payable.")

    assert set(error.value.fields) == {"amount"}
    assert "must be more than zero" in error.value.message
    assert "rejected with reasons" in error.value.message
    claim.refresh_from_db()
    assert (claim.status, claim.assessed_amount) == (Claim.Status.UNDER_REVIEW, None)
    assert claim.reserves.count() == 1  # the estimate at intake only


def test_a_claim_assessed_at_zero_before_the_fix_is_not_approved_but_can_be_rejected(
    aid, handler, approver
):
    """A claim assessed at 0.00 earlier (when it was allowed) is refused approval with
    what to do; rejecting it with reasons still works and opens the appeal."""
    claim = claim_assessed(covered_member(aid), handler, amount="100.00")
    Claim.objects.filter(pk=claim.pk).update(assessed_amount=Decimal("0.00"))

    with pytest.raises(InvalidInput) as error:
        claim_approve(claim=claim, actor=approver)

    assert set(error.value.fields) == {"amount"}
    assert "cannot be approved" in error.value.message
    claim.refresh_from_db()
    assert claim.status == Claim.Status.ASSESSED
    claim_reject(claim=claim, actor=approver, reasons="The condition is excluded.")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED and claim.appeal_until is not None


def test_an_assessment_over_the_largest_single_amount_is_refused(aid, handler):
    claim = claim_make(covered_member(aid), amount_claimed=Decimal("5000.00"))
    claim_review_start(claim=claim, actor=handler)
    society = society_get()
    society.max_single_amount = Decimal("1000.00")
    society.save()

    with pytest.raises(InvalidInput) as error:
        claim_assess(claim=claim, actor=handler, amount="1000.01", reasons="x")

    assert "largest single amount" in error.value.fields["amount"][0]


def test_an_amount_claimed_over_the_largest_single_amount_is_refused(aid):
    from claims.services.intake import claim_submit

    member = covered_member(aid)
    society = society_get()
    society.max_single_amount = Decimal("1000.00")
    society.save()

    with pytest.raises(InvalidInput) as error:
        claim_submit(
            member=member, data=claim_data(member, amount_claimed="1000.01"), actor=member.user
        )

    assert error.value.fields["amount_claimed"] == [
        "1,000.01 is over 1,000.00, the largest single amount the society accepts; check "
        "the amount, or ask an administrator to raise the limit."
    ]
    assert not Claim.objects.exists()
