"""disclosure.selectors.figures: the key figures at a glance — members in force,
contributions and claims paid this year, the claims and expense ratios, the solvency
position — each with the day it stands at, to the cent, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal as D
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from claims.services.payment import claim_pay
from disclosure.selectors.figures import Figure, key_figures
from ledger.services import Credit, Debit, entry_post
from members.models import ContributionDue
from members.services.lifecycle import member_suspend
from solvency.services.assessments import assessment_approve, assessment_compute
from tests.claims import factories as claims_factories
from tests.members.factories import premium_plan_make
from tests.solvency.factories import books, holdings

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)
YEAR_START = dt.date(2026, 1, 1)


@contextmanager
def on_day(day: dt.date):
    """Run the services as on ``day`` (they date the cover, the joining and the
    membership log by the clock)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def post(key: str, debit: str, credit: str, amount: str, on: dt.date) -> None:
    entry_post(
        idempotency_key=key,
        date=on,
        memo="test",
        lines=[Debit(debit, amount), Credit(credit, amount)],
    )


@pytest.fixture
def actuary(make_user):
    return make_user("actuary", roles=("actuary",), is_staff=True)


@pytest.fixture
def compliance(make_user):
    return make_user("compliance", roles=("compliance_officer",), is_staff=True)


@pytest.fixture
def handler(make_user):
    return make_user("handler", roles=("claims_handler",), is_staff=True)


@pytest.fixture
def approver(make_user):
    return make_user("approver", roles=("claims_approver",), is_staff=True)


def approved(actuary, compliance, on: dt.date):
    draft = assessment_compute(valuation_date=on, rating="B", actor=actuary)
    return assessment_approve(assessment=draft, actor=compliance)


@pytest.fixture
def first_half(actuary, compliance, handler, approver):
    """The society's books to the end of 2025 (``tests.solvency.factories.books``, which
    also posts 999.00 of contributions on 5 January 2026) and an approved assessment at
    31 December 2025; three members joined on 10 January 2026 (their first premiums,
    3 × 30.00, billed that day), one suspended on 1 March; in 2026: contributions
    1,000.10 and 200.20 (and 50.00 on 1 July, after the day), the unearned premium
    reserve up 189.30, a claim of 500.00 paid on 5 May, claims reserves
    up 200.00, operating expenses 210.00."""
    books()
    holdings()
    approved(actuary, compliance, dt.date(2025, 12, 31))
    with on_day(dt.date(2025, 12, 1)):
        premium = premium_plan_make()
    with on_day(dt.date(2026, 1, 10)):
        members = [claims_factories.covered_member(premium, days_ago=0) for _ in range(3)]
    with on_day(dt.date(2026, 3, 1)):
        member_suspend(member=members[2], reason="Premium unpaid past the grace period.")
    post("c-jan", "1002", "6031", "1000.10", dt.date(2026, 1, 15))
    post("c-jun", "1122", "6031", "200.20", dt.date(2026, 6, 30))
    post("c-jul", "1002", "6031", "50.00", dt.date(2026, 7, 1))
    post("upr", "6501", "2601", "189.30", dt.date(2026, 3, 31))
    claim = claims_factories.claim_approved(members[0], handler, approver, amount="500.00")
    claim_pay(claim=claim, actor=handler, paid_on=dt.date(2026, 5, 5))
    post("reserve", "6502", "2602", "200.00", dt.date(2026, 6, 30))
    post("opex", "6601", "1002", "210.00", dt.date(2026, 4, 1))
    return members


def test_key_figures_to_the_cent_each_with_its_day(first_half):
    """Contributions 999.00 + 90.00 + 1,000.10 + 200.20 = 2,289.30; earned 2,289.30 −
    189.30 = 2,100.00; claims incurred 500.00 + 200.00 = 700.00, a claims ratio of 1/3
    (0.333333); expenses 210.00 ÷ 2,100.00 = 0.100000."""
    billed = ContributionDue.objects.filter(kind="premium").aggregate(total=Sum("amount"))
    assert billed["total"] == D("90.00")
    with translation.override("en"):
        figures = key_figures(as_of=AS_OF)
    assert figures.as_of == AS_OF
    assert figures.members_in_force == Figure(value=2, as_of=AS_OF, since=None)
    assert figures.contributions == Figure(value=D("2289.30"), as_of=AS_OF, since=YEAR_START)
    assert figures.claims_paid.value == D("500.00")
    assert figures.contributions_earned.value == D("2100.00")
    assert figures.claims_incurred.value == D("700.00")
    assert figures.operating_expenses.value == D("210.00")
    assert figures.claims_ratio == Figure(value=D("0.333333"), as_of=AS_OF, since=YEAR_START)
    assert figures.expense_ratio.value == D("0.100000")
    assert figures.solvency is not None
    assert figures.solvency.valuation_date == dt.date(2025, 12, 31)
    assert figures.solvency.comprehensive_ratio is not None
    assert figures.solvency.core_ratio is not None
    assert (figures.solvency.status, figures.solvency.status_label) == ("adequate", "Adequate")


def test_the_solvency_position_is_the_one_known_on_the_day(first_half, actuary, compliance):
    """A later approved assessment does not reach back into a report of an earlier day;
    it is the position from its own valuation date on."""
    later = approved(actuary, compliance, dt.date(2026, 9, 30))
    assert key_figures(as_of=AS_OF).solvency.valuation_date == dt.date(2025, 12, 31)
    figures = key_figures(as_of=dt.date(2026, 12, 31))
    assert figures.solvency.assessment_id == later.pk
    assert figures.contributions.value == D("2339.30")  # July's 50.00 now counts


def test_a_new_year_starts_the_flows_again(first_half):
    figures = key_figures(as_of=dt.date(2025, 12, 31))
    assert figures.contributions.since == dt.date(2025, 1, 1)
    assert figures.contributions.value == D("200000.00")  # books(): 2025's income
    assert figures.claims_paid.value == D("0.00")
    assert figures.members_in_force.value == 0  # nobody had joined yet


def test_nothing_yet_no_ratios_and_no_error(db):
    figures = key_figures(as_of=AS_OF)
    assert figures.members_in_force.value == 0
    assert figures.contributions.value == D("0.00")
    assert figures.claims_ratio.value is None and figures.expense_ratio.value is None
    assert figures.solvency is None


def test_a_constant_number_of_queries(first_half, handler, approver):
    with CaptureQueriesContext(connection) as small:
        key_figures(as_of=AS_OF)
    with on_day(dt.date(2026, 2, 1)):
        premium = premium_plan_make()
        more = [claims_factories.covered_member(premium, days_ago=0) for _ in range(5)]
    for i, member in enumerate(more):
        post(f"more-{i}", "1002", "6031", "10.00", dt.date(2026, 2, 1) + dt.timedelta(days=i))
        claim = claims_factories.claim_approved(member, handler, approver, amount="1.00")
        claim_pay(claim=claim, actor=handler, paid_on=dt.date(2026, 6, 1))
    with CaptureQueriesContext(connection) as large:
        figures = key_figures(as_of=AS_OF)
    assert figures.members_in_force.value == 7
    assert figures.claims_paid.value == D("505.00")
    assert len(large) == len(small) <= 5
