import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from claims.models import Claim
from claims.selectors import claim_statistics, notice_window_open
from claims.services.handling import claim_reject
from claims.services.notice import claim_object
from tests.claims.factories import claim_approved, claim_assessed, claim_make, covered_member

pytestmark = pytest.mark.django_db


def test_statistics(aid, handler, approver):
    members = [covered_member(aid) for _ in range(4)]
    claimant = covered_member(aid)
    paid = [claim_approved(claimant, handler, approver, amount="100.00") for _ in range(10)]
    for days, claim in zip(range(1, 11), paid, strict=True):
        Claim.objects.filter(pk=claim.pk).update(
            status="paid", paid_amount=Decimal("100.00"), days_to_payment=days
        )
    rejected = claim_assessed(claimant, handler, amount="50.00")
    claim_reject(claim=rejected, actor=approver, reasons="No.")
    claim_make(claimant, amount_claimed=Decimal("70.00"))
    claim_object(claim=paid[0], member=members[0], reason="Looks wrong to me.")
    stats = claim_statistics(plan=aid.plan)
    assert stats["claims"] == 12
    assert stats["by_status"]["paid"] == 10 and stats["by_status"]["rejected"] == 1
    assert stats["amount_claimed"] == Decimal("50000.00") * 11 + Decimal("70.00")
    assert stats["amount_approved"] == Decimal("1000.00")
    assert stats["amount_paid"] == Decimal("1000.00")
    assert stats["days_to_payment_mean"] == 5.5
    assert stats["days_to_payment_p90"] == pytest.approx(9.1)  # percentile_cont semantics
    assert stats["rejection_rate"] == round(1 / 11, 4)
    assert stats["objection_rate"] == round(1 / 10, 4)
    assert stats["overturn_rate"] is None


def test_statistics_query_count_does_not_grow(
    aid, handler, approver, django_assert_max_num_queries
):
    claimant = covered_member(aid)
    for _ in range(3):
        claim_approved(claimant, handler, approver, amount="100.00")
    with django_assert_max_num_queries(8):
        claim_statistics(plan=aid.plan)
    for _ in range(3):
        claim_approved(claimant, handler, approver, amount="100.00")
    with django_assert_max_num_queries(8):
        claim_statistics(plan=aid.plan)


def test_vendor_paths_agree(aid):
    """p90 of no payments is None on every database."""
    assert claim_statistics(plan=aid.plan)["days_to_payment_p90"] is None
    assert connection.vendor in {"sqlite", "postgresql"}


def test_notice_list_queries_do_not_grow(aid, handler, approver, django_assert_num_queries):
    from claims.selectors import notices_list

    claimant = covered_member(aid)
    claim_approved(claimant, handler, approver, amount="100.00")
    with django_assert_num_queries(1):
        assert len(notices_list()) == 1
    for _ in range(3):
        claim_approved(claimant, handler, approver, amount="100.00")
    with django_assert_num_queries(1):
        assert len(notices_list()) == 4


def test_statistics_by_month(aid, premium, handler, approver):
    from claims.selectors import claim_statistics_by_month

    claim_approved(covered_member(aid), handler, approver, amount="100.00")
    claim_make(covered_member(premium), amount_claimed=Decimal("70.00"))
    rows = claim_statistics_by_month()
    assert [(r["plan__code"], r["claims"]) for r in rows] == sorted(
        [(aid.plan.code, 1), (premium.plan.code, 1)]
    )
    by_plan = {r["plan__code"]: r for r in rows}
    assert by_plan[aid.plan.code]["amount_approved"] == Decimal("100.00")
    assert by_plan[premium.plan.code]["amount_claimed"] == Decimal("70.00")
    assert by_plan[premium.plan.code]["amount_approved"] == Decimal("0.00")


def test_overturn_rate_counts_staff_decisions_taken_for_a_panel(aid, handler, approver):
    """With no members left staff decide in the panel's place; that review counts."""
    from claims.models import ReviewPanel
    from claims.services.notice import panel_staff_decide
    from tests.members.factories import user_with_perms

    aid.panel_quorum = 3
    aid.save(update_fields=["panel_quorum"])
    members = [covered_member(aid) for _ in range(2)]
    claim = claim_approved(covered_member(aid), handler, approver, amount="100.00")
    for member in members:
        claim_object(claim=claim, member=member, reason="Looks wrong to me.")
    panel = claim.panels.get()
    assert panel.status == ReviewPanel.Status.AWAITING_STAFF
    chief = user_with_perms("chief", "claims.decide_claim")
    panel_staff_decide(panel=panel, actor=chief, outcome="overturn", reasons="Cover lapsed.")
    stats = claim_statistics(plan=aid.plan)
    assert stats["panels_decided"] == 1 and stats["overturn_rate"] == 1.0
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED


@pytest.mark.parametrize(
    ("notice_from", "notice_until", "today", "open_"),
    [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 10), dt.date(2026, 3, 1), True),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 10), dt.date(2026, 3, 10), True),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 10), dt.date(2026, 2, 28), False),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 10), dt.date(2026, 3, 11), False),
        (None, None, dt.date(2026, 3, 5), False),
        (dt.date(2026, 3, 1), None, dt.date(2026, 3, 5), False),
    ],
)
def test_the_notice_window_includes_both_ends(notice_from, notice_until, today, open_):
    """A case takes objections from its first to its last day on notice; a case without
    both dates has no window (and no error)."""
    claim = Claim(notice_from=notice_from, notice_until=notice_until)
    assert notice_window_open(claim, today) is open_
