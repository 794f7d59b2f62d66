from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from accounts.roles import ROLE_BY_SLUG
from claims.models import Claim, ClaimPayment, ClaimReserve
from claims.services.handling import (
    FourEyesViolation,
    claim_appeal,
    claim_approve,
    claim_assess,
    claim_info_provide,
    claim_info_request,
    claim_pay,
    claim_reject,
    claim_review_start,
    claim_withdraw,
)
from claims.services.notice import notices_clear
from ledger.models import JournalEntry
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, TransitionNotAllowed
from tests.claims.factories import claim_approved, claim_assessed, claim_make, covered_member

pytestmark = pytest.mark.django_db


def test_full_path_records_who_when_why(premium, handler, approver, chart_of_accounts):
    """submitted → review → info ↔ review → assessed → approved → paid, each an event."""
    member = covered_member(premium)
    claim = claim_make(member, amount_claimed=Decimal("20000.00"))
    claim_review_start(claim=claim, actor=handler)
    claim_info_request(claim=claim, actor=handler, reason="Send the discharge summary.")
    claim_info_provide(claim=claim, member=member, reason="Uploaded the summary.")
    claim_assess(claim=claim, actor=handler, amount="18000.00", reasons="Per schedule.")
    claim_approve(claim=claim, actor=approver)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    assert claim.notice_status == Claim.Notice.NONE  # a premium plan without notice
    payment = claim_pay(claim=claim, actor=handler)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PAID and claim.paid_amount == Decimal("18000.00")
    types = list(claim.events.order_by("at", "id").values_list("type", flat=True))
    assert types == [
        "submitted",
        "under_review",
        "info_requested",
        "info_provided",
        "assessed",
        "approved",
        "paid",
    ]
    assert claim.events.get(type="info_requested").actor == handler
    assert claim.events.get(type="info_requested").reason == "Send the discharge summary."
    reserves = list(ClaimReserve.objects.filter(claim=claim).values_list("amount", flat=True))
    assert reserves == [Decimal("20000.00"), Decimal("18000.00"), Decimal("0.00")]
    entry = payment.ledger_entry
    lines = sorted(entry.postings.values_list("account__code", "amount"))
    assert lines == [("1002", Decimal("-18000.00")), ("6511", Decimal("18000.00"))]
    assert entry.idempotency_key == f"claims.payment:{claim.pk}"
    # The member was told at each step that concerns them: asked, approved, paid.
    told = [m.subject for m in mail.outbox if claim.number in m.subject]
    assert told == [
        f"Your claim {claim.number}: information needed",
        f"Your claim {claim.number} was approved",
        f"Your claim {claim.number} was paid",
    ]
    paid_mail = [m for m in mail.outbox if m.subject.endswith("was paid")]
    assert len(paid_mail) == 1 and "7890" in paid_mail[0].body


def test_paying_twice_posts_once(premium, handler, approver, chart_of_accounts):
    member = covered_member(premium)
    claim = claim_approved(member, handler, approver, amount="1000.00")
    first = claim_pay(claim=claim, actor=handler)
    second = claim_pay(claim=claim, actor=handler)
    assert first.pk == second.pk
    assert ClaimPayment.objects.count() == 1
    assert JournalEntry.objects.filter(source_type="claims.payment").count() == 1


def test_assessor_can_never_approve(premium, handler):
    """An assessor cannot approve their own assessment (four eyes), whatever the amount,
    even one who also holds the approver's role."""
    member = covered_member(premium)
    claim = claim_assessed(member, handler, amount="100.00")
    with pytest.raises(NotAllowed):
        claim_approve(claim=claim, actor=handler)  # the handler's role does not decide
    handler.groups.add(Group.objects.get(name=ROLE_BY_SLUG["claims_approver"].group_name))
    handler = type(handler).objects.get(pk=handler.pk)  # fresh permission cache
    with pytest.raises(FourEyesViolation):
        claim_approve(claim=claim, actor=handler)
    with pytest.raises(FourEyesViolation):
        claim_reject(claim=claim, actor=handler, reasons="No.")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.ASSESSED


def test_above_threshold_needs_two_different_approvers(aid, handler, approver, approver2):
    member = covered_member(aid)
    claim = claim_assessed(member, handler, amount="60000.00")
    claim_approve(claim=claim, actor=approver)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.ASSESSED and claim.first_approved_by == approver
    with pytest.raises(FourEyesViolation):
        claim_approve(claim=claim, actor=approver)
    claim_approve(claim=claim, actor=approver2)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    assert claim.notice_status == Claim.Notice.ON_NOTICE  # mutual aid: public notice


def test_not_paid_while_on_notice(aid, handler, approver, chart_of_accounts):
    import datetime as dt

    member = covered_member(aid)
    claim = claim_approved(member, handler, approver, amount="1000.00")
    with pytest.raises(TransitionNotAllowed):
        claim_pay(claim=claim, actor=handler)
    notices_clear(today=claim.notice_until + dt.timedelta(days=1))
    claim.refresh_from_db()
    assert claim.notice_status == Claim.Notice.CLEARED
    claim_pay(claim=claim, actor=handler)


def test_assessed_amount_capped_by_remaining_benefit(aid, handler, approver):
    member = covered_member(aid, age=45)  # benefit 100,000
    claim_approved(member, handler, approver, amount="40000.00")
    claim = claim_make(member, amount_claimed=Decimal("70000.00"), kind="accident")
    claim_review_start(claim=claim, actor=handler)
    with pytest.raises(InvalidInput) as error:
        claim_assess(claim=claim, actor=handler, amount="60000.01", reasons="x")
    assert "amount" in error.value.fields
    # What is left, as an amount reads everywhere (it read "(60000.00)").
    assert "(60,000.00 CNY)" in error.value.message
    claim.refresh_from_db()
    assert claim.status == Claim.Status.UNDER_REVIEW and claim.assessed_amount is None


def test_reject_with_reasons_then_appeal_once_within_window(aid, handler, approver, make_user):
    from django.utils import timezone

    for _ in range(4):
        covered_member(aid)  # eligible panel members
    member = covered_member(aid)
    claim = claim_assessed(member, handler)
    claim_reject(claim=claim, actor=approver, reasons="Diagnosed before cover started.")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED
    assert claim.rejection_reasons == "Diagnosed before cover started."
    assert claim.appeal_until == timezone.localdate() + __import__("datetime").timedelta(days=30)
    other = covered_member(aid)
    with pytest.raises(NotAllowed):
        claim_appeal(claim=claim, member=other, reason="Not mine")
    claim_appeal(claim=claim, member=member, reason="The report shows a later date.")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPEALED
    assert claim.panels.count() == 1


def test_appeal_after_window_refused(aid, handler, approver):
    import datetime as dt

    member = covered_member(aid)
    claim = claim_assessed(member, handler)
    claim_reject(claim=claim, actor=approver, reasons="No cover.")
    Claim.objects.filter(pk=claim.pk).update(appeal_until=dt.date(2020, 1, 1))
    with pytest.raises(InvalidInput):
        claim_appeal(claim=claim, member=member, reason="Late appeal reason.")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED


def test_an_appealed_claim_is_decided_by_its_panel_not_approved_by_staff(
    aid, handler, approver, approver2
):
    """The appeal goes to a review panel of members; an approver cannot approve the claim
    over the panel's head while the appeal waits (the claim table alone allowed it)."""
    for _ in range(4):
        covered_member(aid)  # eligible panel members
    member = covered_member(aid)
    claim = claim_assessed(member, handler)
    claim_reject(claim=claim, actor=approver, reasons="Diagnosed before cover started.")
    claim_appeal(claim=claim, member=member, reason="The report shows a later date.")

    with pytest.raises(TransitionNotAllowed) as error:
        claim_approve(claim=claim, actor=approver2, reason="Looks fine to me.")

    assert error.value.message == (
        "Only an assessed claim can be approved; this one is Appealed (an appeal is "
        "decided by its review panel)."
    )
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPEALED
    assert not claim.events.filter(new_value=Claim.Status.APPROVED).exists()


def test_withdraw_only_before_decision_and_only_own(aid, handler, approver):
    member = covered_member(aid)
    other = covered_member(aid)
    claim = claim_make(member)
    with pytest.raises(NotAllowed):
        claim_withdraw(claim=claim, member=other)
    claim_withdraw(claim=claim, member=member, reason="Recovered")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.WITHDRAWN
    decided = claim_approved(member, handler, approver, amount="100.00")
    with pytest.raises(TransitionNotAllowed):
        claim_withdraw(claim=decided, member=member)


def test_staff_permissions_checked_in_services(aid, make_user):
    member = covered_member(aid)
    claim = claim_make(member)
    nobody = make_user("nobody")
    with pytest.raises(NotAllowed):
        claim_review_start(claim=claim, actor=nobody)
    with pytest.raises(NotAllowed):
        claim_review_start(claim=claim, actor=member.user)


def test_insurance_plan_may_ask_for_public_notice(handler, approver):
    """Public notice is optional per plan for premium-funded insurance."""
    from tests.members.factories import premium_plan_make

    version = premium_plan_make(public_notice_for_insurance=True, public_notice_days=5)
    claim = claim_approved(covered_member(version), handler, approver, amount="1000.00")
    assert claim.notice_status == Claim.Notice.ON_NOTICE
    assert (claim.notice_until - claim.notice_from).days == 5


def test_an_approved_claim_cannot_be_rejected_by_staff(aid, handler, approver, approver2):
    """Review finding 1: a decision stands; only a review panel may overturn it."""
    member = covered_member(aid)
    claim = claim_approved(member, handler, approver, amount="30000.00")
    with pytest.raises(TransitionNotAllowed):
        claim_reject(claim=claim, actor=approver2, reasons="Changed my mind.")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    assert claim.notice_status == Claim.Notice.ON_NOTICE
    assert not claim.events.filter(new_value=Claim.Status.REJECTED).exists()


def test_a_shared_out_claim_can_never_be_rejected(
    aid, handler, approver, approver2, chart_of_accounts
):
    """Once its cost was shared among members, no face can reject the claim."""
    import datetime as dt

    from django.utils import timezone
    from rest_framework.test import APIClient

    from claims.services.apportionment import apportionment_run
    from claims.services.decisions import decision_overturn as _overturn

    for _ in range(3):
        covered_member(aid)
    claim = claim_approved(covered_member(aid), handler, approver, amount="30000.00")
    Claim.objects.filter(pk=claim.pk).update(
        notice_status=Claim.Notice.CLEARED, cleared_on=timezone.localdate() - dt.timedelta(days=1)
    )
    apportionment_run(plan=aid.plan, cutoff=timezone.localdate())
    claim.refresh_from_db()
    assert claim.apportionment_period_id is not None
    api = APIClient()
    api.force_authenticate(approver2)
    response = api.post(f"/api/v1/claims/{claim.pk}/reject/", {"reasons": "Oops."}, format="json")
    assert response.status_code == 409, response.content
    with pytest.raises(TransitionNotAllowed):
        claim_reject(claim=claim, actor=approver2, reasons="Oops.")
    # not even a panel: the notice was cleared and the cost shared
    Claim.objects.filter(pk=claim.pk).update(notice_status=Claim.Notice.UNDER_REVIEW)
    claim.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        _overturn(claim, reasons="Late overturn.")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    assert claim.apportionment_period_id is not None


def test_benefit_limit_rechecked_at_approval(premium, handler, approver):
    """Review finding 2: two claims each assessed at the whole benefit fit alone; the
    second approval is refused and the remaining benefit never goes below zero."""
    import datetime as dt

    from django.utils import timezone

    from claims.services.intake import coverage_remaining

    member = covered_member(premium)
    coverage = member.coverages.first()
    full = coverage.sum_assured
    first = claim_assessed(member, handler, amount=str(full), amount_claimed=full)
    second = claim_assessed(
        member,
        handler,
        amount=str(full),
        amount_claimed=full,
        kind="accident",
        event_date=timezone.localdate() - dt.timedelta(days=5),
    )
    premium.claim_approval_threshold = full  # one approval is enough for this test
    premium.save(update_fields=["claim_approval_threshold"])
    claim_approve(claim=first, actor=approver)
    with pytest.raises(InvalidInput) as refused:
        claim_approve(claim=second, actor=approver)
    assert "amount" in refused.value.fields
    second.refresh_from_db()
    assert second.status == Claim.Status.ASSESSED
    assert coverage_remaining(coverage) == Decimal("0.00")


def test_payment_rechecks_the_benefit_limit(premium, handler, approver, chart_of_accounts):
    """A claim approved while another was (wrongly) counted twice is not paid over the limit."""
    member = covered_member(premium)
    coverage = member.coverages.first()
    premium.claim_approval_threshold = coverage.sum_assured
    premium.save(update_fields=["claim_approval_threshold"])
    claim = claim_approved(member, handler, approver, amount="20000.00")
    Claim.objects.filter(pk=claim.pk).update(assessed_amount=coverage.sum_assured + 1)
    with pytest.raises(InvalidInput):
        claim_pay(claim=claim, actor=handler)
    assert not ClaimPayment.objects.filter(claim=claim).exists()
    assert not JournalEntry.objects.filter(source_type="claims.payment").exists()


def test_deciding_needs_the_decide_permission(aid, handler, approver):
    """Review finding 12: approving and rejecting need claims.decide_claim (the approver
    role has it); changing claims alone is not enough, in the service and the API."""
    from rest_framework.test import APIClient

    from tests.members.factories import user_with_perms

    clerk = user_with_perms("clerk", "claims.view_claim", "claims.change_claim")
    assert approver.has_perm("claims.decide_claim")
    first = claim_assessed(covered_member(aid), handler, amount="30000.00")
    second = claim_assessed(covered_member(aid), handler, amount="30000.00")
    with pytest.raises(NotAllowed):
        claim_approve(claim=first, actor=clerk)
    with pytest.raises(NotAllowed):
        claim_reject(claim=second, actor=clerk, reasons="Not covered.")
    api = APIClient()
    api.force_authenticate(clerk)
    base = "/api/v1/claims/"
    assert api.post(f"{base}{first.pk}/approve/", {}, format="json").status_code == 403
    response = api.post(f"{base}{second.pk}/reject/", {"reasons": "No."}, format="json")
    assert response.status_code == 403
    assert set(Claim.objects.values_list("status", flat=True)) == {Claim.Status.ASSESSED}
    claim_approve(claim=first, actor=approver)
    claim_reject(claim=second, actor=approver, reasons="Not covered by the plan.")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Claim.Status.APPROVED, Claim.Status.REJECTED)
