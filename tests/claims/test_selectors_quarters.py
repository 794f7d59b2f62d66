"""claims.selectors: claims statistics by quarter and the apportionment history (what
the disclosure pages chart), on both databases, in a number of queries that does not
grow with the claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from claims.models import Claim
from claims.selectors import apportionment_history, claim_statistics_by_quarter
from claims.services.apportionment import apportionment_publish, apportionment_run
from claims.services.handling import claim_reject
from claims.services.notice import claim_object, notices_clear
from claims.services.payment import claim_pay
from tests.claims.factories import claim_approved, claim_assessed, claim_make, covered_member

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=12, minute=0):
    """A moment in Beijing time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def submitted(claim: Claim, moment: dt.datetime, *, days_to_payment: int | None = None) -> Claim:
    """Date a claim made through the services (they date it now) at ``moment``."""
    fields: dict = {"submitted_at": moment}
    if days_to_payment is not None:
        fields["days_to_payment"] = days_to_payment
    Claim.objects.filter(pk=claim.pk).update(**fields)
    return claim


def paid_claim(member, handler, approver, amount: str, moment, days: int) -> Claim:
    claim = claim_approved(member, handler, approver, amount=amount, amount_claimed=D(amount))
    claim_pay(claim=claim, actor=handler)
    return submitted(claim, moment, days_to_payment=days)


@pytest.fixture
def year_of_claims(premium, handler, approver):
    """2026Q1: four paid claims (100.10 … 400.40, paid in 10, 20, 30 and 40 days; the
    last submitted at 23:59 on 31 March, Beijing time) and one rejected (claimed
    55.55). 2026Q2: one claim submitted at 00:00 on 1 April, Beijing time, not decided.
    2026Q3: nothing. 2026Q4: one claim assessed, not decided."""
    assert settings.TIME_ZONE == "Asia/Shanghai"
    member = covered_member(premium)
    paid_claim(member, handler, approver, "100.10", at(2026, 1, 10), 10)
    paid_claim(member, handler, approver, "200.20", at(2026, 2, 10), 20)
    paid_claim(member, handler, approver, "300.30", at(2026, 3, 1), 30)
    paid_claim(member, handler, approver, "400.40", at(2026, 3, 31, 23, 59), 40)
    rejected = claim_assessed(member, handler, amount="50.00", amount_claimed=D("55.55"))
    claim_reject(claim=rejected, actor=approver, reasons="Not covered.")
    submitted(rejected, at(2026, 2, 20))
    submitted(claim_make(member, amount_claimed=D("77.77")), at(2026, 4, 1, 0, 0))
    submitted(claim_assessed(member, handler, amount="10.00"), at(2026, 11, 30))
    return member


def test_quarters_to_the_cent_with_rates_and_days(year_of_claims):
    """Per quarter of submission: cases, amounts to the cent, the rejection rate over
    the decided claims, and the median and 90th percentile of the days to payment
    (interpolated: 30 + 0.7 × (40 − 30) = 37)."""
    rows = claim_statistics_by_quarter()
    assert [r["quarter"] for r in rows] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    q1, q2, q3, q4 = rows
    assert (q1["start"], q1["end"]) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert q1["claims"] == 5
    assert q1["amount_claimed"] == D("1056.55")  # 1001.00 + 55.55
    assert q1["amount_approved"] == D("1001.00")
    assert q1["amount_paid"] == D("1001.00")
    assert (q1["decided"], q1["rejected"]) == (5, 1)
    assert q1["rejection_rate"] == D("0.200000")
    assert q1["paid_claims"] == 4
    assert q1["days_to_payment_median"] == D("25.00")
    assert q1["days_to_payment_p90"] == D("37.00")
    assert q1["objection_rate"] is None and q1["overturn_rate"] is None
    # Submitted at midnight starting 1 April in Beijing (16:00 UTC on 31 March): Q2.
    assert (q2["claims"], q2["amount_claimed"], q2["rejection_rate"]) == (1, D("77.77"), None)
    assert q2["days_to_payment_median"] is None and q2["days_to_payment_p90"] is None
    # A quarter without claims between two with claims is listed, with zeros.
    assert (q3["start"], q3["claims"], q3["amount_claimed"]) == (dt.date(2026, 7, 1), 0, D("0"))
    assert q3["rejection_rate"] is None and q3["paid_claims"] == 0
    assert q4["claims"] == 1 and q4["amount_approved"] == D("0.00")  # assessed, not approved


def test_the_period_filter_reads_days_in_beijing_time(year_of_claims, premium):
    """``date_to`` 31 March keeps the claim of 23:59 that day and drops the one of 00:00
    on 1 April; a bound past the data lists the empty quarters up to it."""
    rows = claim_statistics_by_quarter(plan=premium.plan, date_to=dt.date(2026, 3, 31))
    assert [(r["quarter"], r["claims"]) for r in rows] == [("2026Q1", 5)]
    rows = claim_statistics_by_quarter(date_from=dt.date(2026, 4, 1), date_to=dt.date(2027, 1, 15))
    assert [(r["quarter"], r["claims"]) for r in rows] == [
        ("2026Q2", 1),
        ("2026Q3", 0),
        ("2026Q4", 1),
        ("2027Q1", 0),
    ]


def test_no_claims_no_rows_and_no_division_by_zero(premium):
    assert claim_statistics_by_quarter() == []
    assert claim_statistics_by_quarter(plan=premium.plan, date_from=dt.date(2026, 1, 1)) == []


def test_objection_and_overturn_rates_by_quarter(aid, handler, approver):
    """Objection rate: claims objected to ÷ claims on public notice; overturn rate:
    panels that overturned ÷ panels that decided, each in its claim's quarter."""
    from claims.models import ReviewPanel
    from claims.services.notice import panel_staff_decide
    from tests.members.factories import user_with_perms

    aid.panel_quorum = 3
    aid.save(update_fields=["panel_quorum"])
    objectors = [covered_member(aid) for _ in range(2)]
    claimant = covered_member(aid)
    disputed = claim_approved(claimant, handler, approver, amount="100.00")
    for member in objectors:
        claim_object(claim=disputed, member=member, reason="Looks wrong to me.")
    panel = disputed.panels.get()
    assert panel.status == ReviewPanel.Status.AWAITING_STAFF
    chief = user_with_perms("chief", "claims.decide_claim")
    panel_staff_decide(panel=panel, actor=chief, outcome="overturn", reasons="Cover lapsed.")
    quiet = [claim_approved(claimant, handler, approver, amount="100.00") for _ in range(3)]
    submitted(disputed, at(2026, 5, 2))
    for claim in quiet:
        submitted(claim, at(2026, 6, 30, 23, 59))
    rows = claim_statistics_by_quarter(plan=aid.plan)
    assert [r["quarter"] for r in rows] == ["2026Q2"]
    (q2,) = rows
    assert (q2["noticed"], q2["objected"]) == (4, 1)
    assert q2["objection_rate"] == D("0.250000")
    assert (q2["panels_decided"], q2["overturned"]) == (1, 1)
    assert q2["overturn_rate"] == D("1.000000")
    # overturned: rejected by the panel; decided = 3 approved + 1 rejected
    assert q2["rejection_rate"] == D("0.250000")


def test_quarter_queries_do_not_grow_with_claims(
    premium, handler, approver, django_assert_num_queries
):
    member = covered_member(premium)
    paid_claim(member, handler, approver, "10.00", at(2026, 1, 5), 3)
    with django_assert_num_queries(3):
        small = claim_statistics_by_quarter()
    for i, month in enumerate((2, 5, 8, 11, 12)):
        paid_claim(member, handler, approver, "10.00", at(2025, month, 5), i + 1)
        submitted(claim_make(member, amount_claimed=D("5.00")), at(2026, month, 9))
    with django_assert_num_queries(3):
        large = claim_statistics_by_quarter()
    assert len(small) == 1 and len(large) == 8


@pytest.fixture
def three_periods(aid, handler, approver):
    """Three apportionment runs of the mutual aid plan, cut off 10 days ago, 5 days ago
    and today, one cleared claim each (100.00, 250.00, 40.00), among four members
    sharing; the first two published."""
    today = timezone.localdate()
    sharing = [covered_member(aid) for _ in range(3)]
    claimant = covered_member(aid)
    sharing.append(claimant)
    periods = []
    for days_ago, amount in ((10, "100.00"), (5, "250.00"), (0, "40.00")):
        claim = claim_approved(claimant, handler, approver, amount=amount)
        notices_clear(today=claim.notice_until + dt.timedelta(days=1))
        cutoff = today - dt.timedelta(days=days_ago)
        Claim.objects.filter(pk=claim.pk).update(cleared_on=cutoff)
        periods.append(apportionment_run(plan=aid.plan, cutoff=cutoff))
    for period in periods[:2]:
        apportionment_publish(period=period, actor=approver)
    return periods


def test_apportionment_history_oldest_first_published_only(aid, three_periods):
    """The published periods, oldest first, with cases, total, fee, members sharing and
    share per member as the run recorded them (fee 8%; 108.00 / 4 = 27.00 and
    270.00 / 4 = 67.50)."""
    first, second, _unpublished = three_periods
    rows = apportionment_history()
    assert [r["period_id"] for r in rows] == [first.pk, second.pk]
    one, two = rows
    assert one["plan_code"] == aid.plan.code and one["cutoff"] == first.cutoff
    assert (one["claim_count"], one["benefits_total"], one["fee"], one["total"]) == (
        1,
        D("100.00"),
        D("8.00"),
        D("108.00"),
    )
    assert (one["members_sharing"], one["share_per_member"]) == (4, D("27.00"))
    assert (two["benefits_total"], two["total"], two["share_per_member"]) == (
        D("250.00"),
        D("270.00"),
        D("67.50"),
    )
    assert two["period_start"] == first.cutoff + dt.timedelta(days=1)
    assert [r["period_id"] for r in apportionment_history(limit=1)] == [second.pk]
    assert apportionment_history(plan=aid.plan, limit=0) == []


def test_apportionment_history_is_one_query(aid, three_periods, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(apportionment_history(plan=aid.plan)) == 2
