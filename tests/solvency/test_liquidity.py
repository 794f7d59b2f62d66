"""The liquidity view of the mutual aid plans: funds held against approved-but-unpaid
claims and claims on public notice, the next apportionment through the claims' own
preview (writing nothing), and the members at their annual cap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from claims.models import ApportionmentPeriod, Claim
from claims.services.notice import notices_clear
from members.models import ContributionDue, PlanVersion
from solvency.selectors import liquidity_view
from tests.claims.factories import claim_approved, covered_member
from tests.members.factories import mutual_aid_plan_make, premium_plan_make
from tests.solvency.factories import post

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def handler(make_user):
    return make_user("handler", roles=("claims_handler",), is_staff=True)


@pytest.fixture
def approver(make_user):
    return make_user("approver", roles=("claims_approver",), is_staff=True)


@pytest.fixture
def aid(handler, approver):
    """Seven members sharing (today an apportionment day, so the next cut-off is
    today); a claim of 400.00 cleared from notice, one of 600.00 still on it, one of
    250.00 paid ahead of its apportionment (still to be shared, not owed); one member
    has already shared the 188.00 cap this year."""
    version = mutual_aid_plan_make()
    # today an apportionment day (past the form's 1–28 on the 29th to 31st, for the test)
    PlanVersion.objects.filter(pk=version.pk).update(apportionment_days=str(TODAY().day))
    version.refresh_from_db()
    members = [covered_member(version) for _ in range(7)]
    cleared = claim_approved(members[0], handler, approver, amount="400.00")
    notices_clear(today=cleared.notice_until + dt.timedelta(days=1))
    Claim.objects.filter(pk=cleared.pk).update(cleared_on=TODAY())
    claim_approved(members[1], handler, approver, amount="600.00", kind="accident")
    paid = claim_approved(members[2], handler, approver, amount="250.00", kind="accident")
    Claim.objects.filter(pk=paid.pk).update(status=Claim.Status.PAID, paid_amount=D("250.00"))
    capped = members[3].coverages.get()
    ContributionDue.objects.create(
        member=members[3],
        coverage=capped,
        kind=ContributionDue.Kind.SHARE,
        period_start=TODAY().replace(day=1),
        period_end=TODAY(),
        due_date=TODAY(),
        grace_ends_on=TODAY(),
        amount=D("188.00"),
    )
    post("cash", "1002", "4104", "5000.00", TODAY())
    return version


def test_the_view_to_the_cent(aid):
    premium_plan_make()  # a premium plan is not in the view
    view = liquidity_view(TODAY())

    assert (view.cash, view.investments, view.funds_held) == (
        D("5000.00"),
        D("0.00"),
        D("5000.00"),
    )
    (plan,) = view.plans
    assert plan.plan == aid.plan
    assert (plan.approved_unpaid_count, plan.approved_unpaid) == (1, D("400.00"))
    assert (plan.on_notice_count, plan.on_notice) == (1, D("600.00"))
    assert view.obligations == D("1000.00")
    assert view.cover_percent == D("500.00")
    # next apportionment: 400 + 600 + 250 (cleared, on notice, paid ahead) + 8% fee =
    # 1,350.00 among 7: 192.85 each, the first 5 by coverage one cent more
    assert plan.next_cutoff == TODAY()
    assert (plan.next_claims, plan.next_total) == (3, D("1350.00"))
    assert plan.next_share_per_member == D("192.85")
    assert plan.members_sharing == 7
    assert plan.members_at_cap == 1
    assert plan.at_cap_percent == D("14.28")  # 1 of 7, rounded down
    # the cap of 188.00 holds the six others below their share and the capped one at 0:
    # 1,350.00 − 6 × 188.00 left unfunded
    assert plan.next_shortfall == D("222.00")
    assert not ApportionmentPeriod.objects.exists()  # read only
    assert not ContributionDue.objects.exclude(amount=D("188.00")).filter(kind="share").exists()


def test_without_mutual_aid_plans_the_view_is_empty(db):
    view = liquidity_view(TODAY())
    assert view.plans == () and view.obligations == 0 and view.cover_percent is None
    html = render_to_string("solvency/includes/liquidity.html", {"liquidity": view})
    assert "no mutual aid plan" in html


def test_the_include_shows_the_numbers(aid):
    html = render_to_string(
        "solvency/includes/liquidity.html", {"liquidity": liquidity_view(TODAY())}
    )
    for text in ("5,000.00", "1,000.00", "500.00", "1,350.00", "192.85", "14.28"):
        assert text in html
    assert 'class="table-scroll"' in html
