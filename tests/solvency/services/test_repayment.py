"""Repaying the initial operating fund: refused for each condition in turn (naming it),
the exact boundaries, the ledger entry, a second call with the same key, who may."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from governance.models import Body, Matter, Motion
from ledger.models import JournalEntry
from ledger.selectors import account_balance
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput, NotAllowed
from solvency.models import FundRepayment, SolvencyAlert
from solvency.selectors import tranches_with_repayments
from solvency.services import capital_position, fund_repay
from tests.solvency.factories import CASH, OPERATING, VALUATION, post, tranche
from tests.solvency.ladder_world import approved, ledger, resolution

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 1, 15)


@pytest.fixture
def finance(make_user):
    return make_user("fin", roles=("finance",), is_staff=True)


@pytest.fixture
def world(actuary, compliance):
    """Fund 1,000,000 (a loan), surplus 50,000, result since founding 0; an approved
    assessment: minimum 1,000,000, core 1,200,000 (room for 200,000 of repayment)."""
    ledger()
    loan = tranche("1000000.00", kind="loan")
    assessment = approved(actuary, compliance, minimum="1000000.00", core="1200000.00")
    return {"tranche": loan, "motion": resolution(), "assessment": assessment}


def repay(world, finance, amount, **kw):
    args = {"tranche": world["tranche"], "amount": D(amount), "repaid_on": ON}
    args.update(motion=world["motion"], actor=finance, **kw)
    return fund_repay(**args)


def refused(world, finance, amount="1000.00", **kw) -> set[str]:
    with pytest.raises(InvalidInput) as caught:
        repay(world, finance, amount, **kw)
    assert FundRepayment.objects.count() == 0
    assert not JournalEntry.objects.filter(source_type="solvency.fund_repayment").exists()
    return set(caught.value.fields)


def test_a_repayment_that_meets_every_condition_posts_dr_4001_cr_1002(world, finance):
    fund_before = account_balance(account="4001")
    cash_before = account_balance(account=CASH)

    r = repay(world, finance, "1000.00")

    assert r.amount == D("1000.00") and r.assessment == world["assessment"]
    lines = sorted(r.ledger_entry.postings.values_list("account__code", "amount"))
    assert lines == [("1002", D("-1000.00")), ("4001", D("1000.00"))]
    assert account_balance(account="4001") == fund_before - D("1000.00") == D("999000.00")
    assert account_balance(account=CASH) == cash_before - D("1000.00")
    row = tranches_with_repayments().get(pk=world["tranche"].pk)
    assert (row.repaid, row.outstanding) == (D("1000.00"), D("999000.00"))
    # the register follows the ledger: no difference reported
    position = capital_position(valuation_date=ON)
    assert position.warnings == ()
    assert [line.amount for line in position.lines if line.code == "initial_operating_fund"] == [
        D("999000.00")
    ]


def test_a_second_call_with_the_same_key_adds_nothing(world, finance):
    first = repay(world, finance, "1000.00")
    entries = JournalEntry.objects.count()

    second = repay(world, finance, "1000.00")

    assert second.pk == first.pk
    assert FundRepayment.objects.count() == 1
    assert JournalEntry.objects.count() == entries
    with pytest.raises(IdempotencyConflict):
        repay(world, finance, "2000.00", idempotency_key=first.idempotency_key)


def test_refused_when_the_start_up_costs_are_not_covered(world, finance):
    post("opex", OPERATING, CASH, "10000.00", dt.date(2025, 3, 1))  # result since founding < 0
    assert refused(world, finance) == {"start_up_costs"}


def test_refused_when_surplus_does_not_cover_the_amount_to_the_cent(world, finance):
    """Available: surplus 50,000 + results 0 − repaid 0. 50,000.01 fails, 50,000.00 passes."""
    assert refused(world, finance, "50000.01") == {"surplus"}
    assert repay(world, finance, "50000.00").amount == D("50000.00")
    # the surplus is used: nothing is left for another repayment
    assert refused_again(world, finance) == {"surplus"}


def refused_again(world, finance) -> set[str]:
    with pytest.raises(InvalidInput) as caught:
        repay(world, finance, "0.01")
    return set(caught.value.fields)


@pytest.mark.parametrize(
    "motion",
    [
        {"outcome": Motion.Outcome.REJECTED},
        {"matter": Matter.SURPLUS},
        {"body_kind": Body.Kind.BOARD},
        {"status": "voting_closed"},
    ],
    ids=["rejected", "another-matter", "the-board", "not-declared"],
)
def test_refused_without_an_adopted_assembly_resolution_on_the_repayment(world, finance, motion):
    world["motion"] = resolution(**motion)
    assert refused(world, finance) == {"motion"}


def test_refused_when_the_assessment_after_it_misses_a_threshold_to_the_cent(
    world, finance, make_user
):
    """Core 1,200,000 against a minimum of 1,000,000 (≥ 100%): 200,000.00 leaves exactly
    100% (passes, though in the early-warning margin); 200,000.01 fails."""
    post("more-surplus", CASH, "4104", "1000000.00", dt.date(2024, 3, 1))
    assert refused(world, finance, "200000.01") == {"assessment"}
    assert repay(world, finance, "200000.00").checks["after"]["comprehensive_ratio"] == "100.00"


def test_repayments_since_the_assessment_count_together(world, finance):
    """Room for 200,000.00 after the assessment: 150,000.00 then 50,000.01 is one cent
    too much together, though each alone would pass; 50,000.00 still passes."""
    post("more-surplus", CASH, "4104", "1000000.00", dt.date(2024, 3, 1))
    repay(world, finance, "150000.00")
    with pytest.raises(InvalidInput) as caught:
        repay(world, finance, "50000.01")
    assert set(caught.value.fields) == {"assessment"}
    assert repay(world, finance, "50000.00").checks["after"]["comprehensive_ratio"] == "100.00"
    assert FundRepayment.objects.count() == 2


def test_refused_without_an_approved_assessment(world, finance):
    world["assessment"].__class__.objects.filter(pk=world["assessment"].pk).update(
        state="superseded"
    )
    assert refused(world, finance) == {"assessment"}


def test_refused_while_an_alert_of_the_ladder_stands(world, finance):
    SolvencyAlert.objects.create(
        key="early_warning:comprehensive",
        kind="early_warning",
        origin="monitoring",
        measure="comprehensive",
        ladder_status="early_warning",
        valuation_date=VALUATION,
        assessment=world["assessment"],
    )
    assert refused(world, finance) == {"alerts"}


def test_a_donation_is_not_repaid_and_never_more_than_is_outstanding(world, finance):
    world["tranche"] = tranche("1000.00", kind="donation")
    assert refused(world, finance, "10.00") == {"tranche"}
    world["tranche"] = tranche("1000.00", kind="loan")
    assert refused(world, finance, "1000.01") == {"amount"}


def test_every_failed_condition_is_named_at_once(world, finance):
    post("opex", OPERATING, CASH, "60000.00", dt.date(2025, 3, 1))
    world["motion"] = resolution(outcome=Motion.Outcome.REJECTED)
    assert refused(world, finance, "300000.00") == {
        "start_up_costs",
        "surplus",
        "motion",
        "assessment",
    }


@pytest.mark.parametrize("amount", ["0", "-5.00", "1.001", "abc"])
def test_bad_amounts_are_refused(world, finance, amount):
    with pytest.raises(InvalidInput) as caught:
        fund_repay(
            tranche=world["tranche"], amount=amount, repaid_on=ON, motion=world["motion"],
            actor=finance,
        )  # fmt: skip
    assert set(caught.value.fields) == {"amount"}


def test_a_future_date_is_refused(world, finance):
    assert refused(world, finance, repaid_on=dt.date(2999, 1, 1)) == {"repaid_on"}


@pytest.mark.parametrize("who", ["actuary", "compliance", "regulator_user"])
def test_only_finance_records_a_repayment(world, request, who):
    with pytest.raises(NotAllowed):
        repay(world, request.getfixturevalue(who), "1000.00")
    assert FundRepayment.objects.count() == 0
