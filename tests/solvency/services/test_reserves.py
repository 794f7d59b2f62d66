"""Reserve runs: what a run stores (checked against the selectors and chainladder), who
may approve it, what approval posts to the ledger (an increase, a release, once), the
versions of a date, the monthly run, and what the assessment reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from claims.selectors import claim_triangles, outstanding_claims_reserve
from ledger.models import JournalEntry
from ledger.selectors import account_balance
from ledger.services import Credit, Debit, entry_post_manual
from mutualsociety.common.exceptions import (
    FourEyesViolation,
    ImmutableRecord,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
)
from solvency.calculations.reserving import project
from solvency.models import ReserveRun, ReserveRunEvent, ReservingBasis
from solvency.selectors import (
    reserve_run_history,
    reserve_run_latest_approved,
    reserve_totals,
)
from solvency.services import (
    assessment_compute,
    reserve_movements,
    reserve_run_approve,
    reserve_run_create,
    reserve_run_monthly,
    reserve_run_reject,
)
from tests.claims.history import claim_with_history
from tests.solvency.factories import VALUATION, books, reserve_history

pytest.importorskip("chainladder")
pytestmark = pytest.mark.django_db

D = dt.date
JUNE = D(2024, 6, 30)
SEPTEMBER = D(2024, 9, 30)
R = ReserveRun.State


@pytest.fixture
def society():
    return reserve_history()


def run(actor, day=JUNE, method="mack", grain="quarter", **kwargs) -> ReserveRun:
    return reserve_run_create(valuation_date=day, method=method, grain=grain, actor=actor, **kwargs)


def balances() -> tuple[Decimal, Decimal, Decimal]:
    return tuple(account_balance(account=code) for code in ("2601", "2602", "2603"))  # type: ignore[return-value]


def test_a_run_stores_its_inputs_and_chainladders_projection(society, actuary):
    reserve = run(actuary)

    assert (reserve.version, reserve.state, reserve.created_by) == (1, R.DRAFT, actuary)
    assert reserve.upr == Decimal("184.00")
    assert reserve.outstanding == outstanding_claims_reserve(as_of=JUNE) == Decimal("2300.00")
    triangles = claim_triangles(valuation_date=JUNE, grain="quarter")
    cells = {(r.origin.isoformat(), r.lag): r.value for r in triangles.incurred}
    direct = project(cells, method="mack")
    assert reserve.ibnr == max(direct.ibnr, Decimal("0.00"))
    assert reserve.std_err_total == direct.std_err
    assert reserve.triangles["incurred"] == [
        ["2023-10-01", 1, "1000.00"],
        ["2023-10-01", 2, "1000.00"],
        ["2023-10-01", 3, "900.00"],
        ["2024-01-01", 1, "600.00"],
        ["2024-01-01", 2, "600.00"],
        ["2024-04-01", 1, "2000.00"],
    ]
    assert reserve.triangles["paid"][2] == ["2023-10-01", 3, "900.00"]
    assert reserve.factors == [str(f) for f in direct.factors]
    origins = list(reserve.origins.values_list("origin", "latest", "ultimate", "ibnr"))
    assert origins == [(r.origin, r.latest, r.ultimate, r.ibnr) for r in direct.origins]
    assert ReserveRunEvent.objects.filter(run=reserve, type="computed").count() == 1


def test_the_same_inputs_give_back_the_same_run_changed_inputs_a_new_version(society, actuary):
    first = run(actuary)
    assert run(actuary).pk == first.pk
    assert ReserveRun.objects.count() == 1

    claim_with_history(society, D(2024, 6, 1), reserves=[(D(2024, 6, 2), "400")])
    second = run(actuary)

    first.refresh_from_db()
    assert (second.version, second.outstanding) == (2, Decimal("2700.00"))
    assert first.state == R.SUPERSEDED  # the unapproved draft gives way; still readable
    assert first.outstanding == Decimal("2300.00")


def test_who_ran_it_cannot_approve_it(society, actuary):
    reserve = run(actuary)
    with pytest.raises(FourEyesViolation):
        reserve_run_approve(run=reserve, actor=actuary)
    reserve.refresh_from_db()
    assert reserve.state == R.DRAFT
    assert JournalEntry.objects.filter(source_type="solvency.reserverun").count() == 0


def test_the_database_refuses_an_approval_by_the_maker(society, actuary, actuary2):
    reserve = run(actuary)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReserveRun.objects.filter(pk=reserve.pk).update(
            state="approved", approved_by=actuary, approved_at=reserve.created_at
        )
    reserve_run_approve(run=reserve, actor=actuary2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReserveRun.objects.filter(pk=reserve.pk).update(approved_by=actuary)


@pytest.mark.parametrize("who", ["regulator_user", "finance_user"])
def test_readers_may_not_run_or_approve(society, actuary, request, who):
    reader = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        run(reader)
    reserve = run(actuary)
    with pytest.raises(NotAllowed):
        reserve_run_approve(run=reserve, actor=reader)


def test_approval_posts_the_reserves_to_the_ledger(society, actuary, compliance):
    reserve = reserve_run_approve(run=run(actuary), actor=compliance)

    assert (reserve.state, reserve.approved_by) == (R.APPROVED, compliance)
    entry = reserve.ledger_entry
    assert entry.idempotency_key == f"solvency.reserve_run:{reserve.pk}"
    assert entry.date == JUNE
    lines = sorted(entry.postings.values_list("account__code", "amount"))
    expected = [
        ("2601", Decimal("-184.00")),
        ("2602", Decimal("-2300.00")),
        ("6501", Decimal("184.00")),
        ("6502", Decimal("2300.00")),
    ]
    if reserve.ibnr:
        expected += [("2603", -reserve.ibnr), ("6502", reserve.ibnr)]
    assert lines == sorted(expected)
    assert balances() == (Decimal("184.00"), Decimal("2300.00"), reserve.ibnr)


def test_a_later_run_posts_the_difference_a_release_reversed(society, actuary, actuary2):
    reserve_run_approve(run=run(actuary), actor=actuary2)
    september = reserve_run_approve(run=run(actuary, day=SEPTEMBER), actor=actuary2)

    # September: UPR 92.00 (184 → 92: a release of 92), outstanding 2,050 (B closed,
    # C 2,000, D 50: a release of 250)
    lines = dict(
        september.ledger_entry.postings.filter(account__code__in=["2601", "2602"]).values_list(
            "account__code", "amount"
        )
    )
    assert lines == {"2601": Decimal("92.00"), "2602": Decimal("250.00")}  # debits
    upr_income = september.ledger_entry.postings.filter(account__code="6501").get()
    assert upr_income.amount == Decimal("-92.00")
    assert balances() == (Decimal("92.00"), Decimal("2050.00"), september.ibnr)


def test_approving_again_posts_nothing_more(society, actuary, actuary2, compliance):
    reserve = reserve_run_approve(run=run(actuary), actor=actuary2)
    again = reserve_run_approve(run=reserve, actor=actuary2)

    assert again.ledger_entry_id == reserve.ledger_entry_id
    with pytest.raises(TransitionNotAllowed):
        reserve_run_approve(run=reserve, actor=compliance)
    assert JournalEntry.objects.filter(source_type="solvency.reserverun").count() == 1
    assert ReserveRunEvent.objects.filter(run=reserve, type="approved").count() == 1


def test_a_new_version_approved_supersedes_the_old_which_stays_readable(society, actuary, actuary2):
    v1 = reserve_run_approve(run=run(actuary), actor=actuary2)
    claim_with_history(society, D(2024, 6, 1), reserves=[(D(2024, 6, 2), "400")])
    v2 = reserve_run_approve(run=run(actuary), actor=actuary2)

    v1.refresh_from_db()
    assert (v1.state, v2.state, v2.version) == (R.SUPERSEDED, R.APPROVED, 2)
    assert reserve_run_latest_approved(JUNE) == v2
    # the correction moves only the difference: 400 more outstanding
    assert v2.ledger_entry.postings.get(account__code="2602").amount == Decimal("-400.00")
    assert balances()[1] == Decimal("2700.00")
    assert v1.outstanding == Decimal("2300.00")


def test_an_approved_run_never_changes(society, actuary, actuary2):
    reserve = reserve_run_approve(run=run(actuary), actor=actuary2)
    reserve.ibnr = Decimal("1.00")
    with pytest.raises(ImmutableRecord):
        reserve.save()
    with pytest.raises(ImmutableRecord):
        reserve.delete()


def test_an_older_date_cannot_be_approved_after_a_later_one(society, actuary, actuary2):
    june = run(actuary)
    reserve_run_approve(run=run(actuary, day=SEPTEMBER), actor=actuary2)
    with pytest.raises(NotAllowed) as refused:
        reserve_run_approve(run=june, actor=actuary2)
    assert refused.value.fields == {"valuation_date": [refused.value.message]}


def test_reject_needs_a_reason_and_another_person(society, actuary, actuary2):
    reserve = run(actuary)
    with pytest.raises(InvalidInput):
        reserve_run_reject(run=reserve, actor=actuary2, reason=" ")
    with pytest.raises(FourEyesViolation):
        reserve_run_reject(run=reserve, actor=actuary, reason="no")
    reserve_run_reject(run=reserve, actor=actuary2, reason="Case reserves not reviewed.")
    reserve.refresh_from_db()
    assert reserve.state == R.REJECTED
    with pytest.raises(TransitionNotAllowed):
        reserve_run_approve(run=reserve, actor=actuary2)
    assert run(actuary).version == 2  # the same inputs run again make a new draft


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"method": "bf"}, "apriori"),
        ({"method": "bootstrap"}, "method"),
        ({"grain": "week"}, "grain"),
        ({"tail": "0.9"}, "tail"),
        ({"tail": "abc"}, "tail"),
        ({"day": D(2999, 1, 31)}, "valuation_date"),
    ],
)
def test_bad_parameters_save_nothing(society, actuary, kwargs, field):
    with pytest.raises(InvalidInput) as refused:
        run(actuary, **kwargs)
    assert field in refused.value.fields
    assert ReserveRun.objects.count() == 0


def test_monthly_run_is_idempotent_per_period(society):
    basis = ReservingBasis.objects.get()
    assert (basis.method, basis.grain, basis.tail) == ("mack", "quarter", None)

    first = reserve_run_monthly(period_end=D(2024, 6, 15))
    assert (first.valuation_date, first.created_by) == (JUNE, None)
    assert reserve_run_monthly(period_end=JUNE).pk == first.pk

    ReservingBasis.objects.update(tail=Decimal("1.05"))
    second = reserve_run_monthly(period_end=JUNE)
    assert (second.version, second.parameters["tail"]) == (2, "1.050000")


def test_the_monthly_run_is_approved_by_anyone_with_the_permission(society, actuary):
    reserve = reserve_run_approve(run=reserve_run_monthly(period_end=JUNE), actor=actuary)
    assert reserve.state == R.APPROVED


def test_what_the_assessment_reads(society, actuary, actuary2):
    assert reserve_run_latest_approved(JUNE) is None
    assert reserve_totals(None).upr == reserve_totals(None).ibnr == Decimal("0.00")
    june = reserve_run_approve(run=run(actuary), actor=actuary2)
    september = reserve_run_approve(run=run(actuary, day=SEPTEMBER), actor=actuary2)

    assert reserve_run_latest_approved(D(2024, 8, 31)) == june
    assert reserve_run_latest_approved(D(2024, 12, 31)) == september
    totals = reserve_totals(september)
    assert (totals.upr, totals.outstanding, totals.ibnr) == (
        Decimal("92.00"),
        Decimal("2050.00"),
        september.ibnr,
    )
    assert reserve_run_history() == [september, june]
    assert reserve_run_history(1) == [september]


def test_reserve_movements_are_empty_when_the_ledger_agrees(society, actuary, actuary2):
    reserve = reserve_run_approve(run=run(actuary), actor=actuary2)
    assert reserve_movements(reserve) == []


@pytest.mark.parametrize("code", ["2601", "2602", "2603"])
def test_the_reserve_accounts_take_no_manual_entries(finance_user, code):
    with pytest.raises(InvalidInput) as refused:
        entry_post_manual(
            idempotency_key=f"k-{code}",
            date=D(2024, 6, 30),
            memo="by hand",
            lines=[Debit("6502", "5.00"), Credit(code, "5.00")],
            actor=finance_user,
        )
    assert code in refused.value.message
    assert JournalEntry.objects.count() == 0


def test_the_assessment_counts_the_latest_approved_run(society, actuary, actuary2):
    """An assessment at a later date reads the totals of the approved run (not a draft)."""
    books()
    run(actuary, day=SEPTEMBER)  # a draft: not counted
    june = reserve_run_approve(run=run(actuary), actor=actuary2)

    assessment = assessment_compute(valuation_date=VALUATION, rating="B", actor=actuary)

    assert assessment.inputs["reserves"] == {
        "run": june.pk,
        "upr": "184.00",
        "outstanding": "2300.00",
        "ibnr": str(june.ibnr),
    }


def test_a_first_quarter_has_case_reserves_but_nothing_to_develop(society, actuary):
    """At the end of 2023 one claim is known, at its first lag: the run holds its case
    reserve (1,000.00) and says why there is no IBNR, instead of failing."""
    first = run(actuary, day=D(2023, 12, 31))
    assert (first.upr, first.outstanding, first.ibnr) == (
        Decimal("0.00"),
        Decimal("1000.00"),
        Decimal("0.00"),
    )
    assert first.parameters["ibnr_not_projected"] == "one development period observed"
    assert not first.origins.exists()


def test_before_any_claim_the_run_holds_the_premiums_only(society, actuary):
    empty = run(actuary, day=D(2023, 6, 30))
    assert (empty.outstanding, empty.ibnr) == (Decimal("0.00"), Decimal("0.00"))
    assert empty.parameters["ibnr_not_projected"] == "no claims yet"


def test_a_monthly_basis_of_bf_without_its_apriori_is_refused(db):
    """The admin's form validates the model's constraints: the message names the
    a-priori ratio, and the database refuses the row on its own too."""
    from django.core.exceptions import ValidationError

    basis = ReservingBasis(method="bf", grain="quarter")
    with pytest.raises(ValidationError, match="a-priori loss ratio"):
        basis.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        basis.save()
    ReservingBasis(method="bf", grain="quarter", apriori=Decimal("0.7")).full_clean()
