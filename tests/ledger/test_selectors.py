"""ledger.selectors: balances, the trial balance and the statements, in normal signs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ledger import selectors
from ledger.models import Account
from ledger.services import Credit, Debit, entry_reverse
from tests.ledger.factories import (
    CASH,
    CLAIMS_PAID,
    CLAIMS_PAYABLE,
    CLAIMS_RESERVE,
    CONTRIBUTIONS,
    INITIAL_FUND,
    OPERATING,
    RECEIVABLE,
    RESERVE_CHANGE,
    post,
    transfer,
)

pytestmark = pytest.mark.django_db

JAN = dt.date(2025, 1, 10)
FEB = dt.date(2025, 2, 10)
MAR = dt.date(2025, 3, 10)


@pytest.fixture
def books():
    """A small year: the founders' fund, contributions, a claim, a reserve, expenses."""
    transfer("fund", CASH, INITIAL_FUND, "1000.00", on=JAN)
    post(
        "contributions",
        Debit(CASH, "450.00"),
        Debit(RECEIVABLE, "50.00"),
        Credit(CONTRIBUTIONS, "500.00"),
        on=FEB,
    )
    transfer("claim", CLAIMS_PAID, CASH, "200.00", on=FEB)
    transfer("reserve", RESERVE_CHANGE, CLAIMS_RESERVE, "100.00", on=MAR)
    transfer("costs", OPERATING, CASH, "0.01", on=MAR)


def balance(code: str, as_of: dt.date | None = None) -> Decimal:
    return selectors.account_balance(account=code, as_of=as_of)


def test_balances_are_shown_in_each_accounts_normal_sense(books):
    """Assets and expenses are debit-positive; liabilities, equity and income are
    credit-positive."""
    assert balance(CASH) == Decimal("1249.99")
    assert balance(RECEIVABLE) == Decimal("50.00")
    assert balance(CLAIMS_RESERVE) == Decimal("100.00")
    assert balance(INITIAL_FUND) == Decimal("1000.00")
    assert balance(CONTRIBUTIONS) == Decimal("500.00")
    assert balance(CLAIMS_PAID) == Decimal("200.00")
    assert balance(OPERATING) == Decimal("0.01")


def test_a_balance_at_a_date_excludes_later_postings(books):
    """The balance at the end of a day counts postings up to and including that day."""
    assert balance(CASH, as_of=JAN - dt.timedelta(days=1)) == Decimal("0.00")
    assert balance(CASH, as_of=JAN) == Decimal("1000.00")
    assert balance(CASH, as_of=FEB - dt.timedelta(days=1)) == Decimal("1000.00")
    assert balance(CASH, as_of=FEB) == Decimal("1250.00")
    assert balance(CASH, as_of=MAR) == Decimal("1249.99")
    assert balance(CLAIMS_RESERVE, as_of=FEB) == Decimal("0.00")


def test_an_account_is_given_by_code_or_object(books):
    """account_balance takes the account or its code."""
    assert selectors.account_balance(account=Account.objects.get(code=CASH)) == balance(CASH)


def test_a_negative_balance_keeps_its_sign():
    """An asset overdrawn shows negative; a liability in debit shows negative."""
    transfer("overdraft", CLAIMS_PAYABLE, CASH, "30.00")

    assert balance(CASH) == Decimal("-30.00")
    assert balance(CLAIMS_PAYABLE) == Decimal("-30.00")


def test_the_trial_balance_lists_each_account_on_its_side(books):
    """Each account with postings appears once, its net balance as a debit or a credit;
    the totals agree."""
    tb = selectors.trial_balance()

    rows = {
        r.account.code: (str(r.debit_balance), str(r.credit_balance), str(r.balance))
        for r in tb.rows
    }
    assert rows == {
        CASH: ("1249.99", "0.00", "1249.99"),
        RECEIVABLE: ("50.00", "0.00", "50.00"),
        CLAIMS_RESERVE: ("0.00", "100.00", "100.00"),
        INITIAL_FUND: ("0.00", "1000.00", "1000.00"),
        CONTRIBUTIONS: ("0.00", "500.00", "500.00"),
        RESERVE_CHANGE: ("100.00", "0.00", "100.00"),
        CLAIMS_PAID: ("200.00", "0.00", "200.00"),
        OPERATING: ("0.01", "0.00", "0.01"),
    }
    assert [r.account.code for r in tb.rows] == sorted(rows)
    assert tb.total_debits == tb.total_credits == Decimal("1600.00")
    assert tb.difference == Decimal("0.00")
    cash = next(r for r in tb.rows if r.account.code == CASH)
    assert (cash.debits, cash.credits, cash.net) == (
        Decimal("1450.00"),
        Decimal("200.01"),
        Decimal("1249.99"),
    )


def test_the_trial_balance_at_a_date(books):
    """Only postings up to the date count."""
    tb = selectors.trial_balance(as_of=JAN)

    assert [(r.account.code, r.net) for r in tb.rows] == [
        (CASH, Decimal("1000.00")),
        (INITIAL_FUND, Decimal("-1000.00")),
    ]
    assert tb.total_debits == tb.total_credits == Decimal("1000.00")


def test_an_empty_ledger_has_an_empty_trial_balance():
    """No postings: no rows and zero totals."""
    tb = selectors.trial_balance()

    assert tb.rows == []
    assert tb.total_debits == tb.total_credits == Decimal("0.00")


def test_a_reversed_entry_nets_to_zero_in_the_trial_balance(books):
    """After a reversal the account still appears, with a zero balance."""
    entry = transfer("mistake", OPERATING, CASH, "99.00", on=MAR)
    entry_reverse(entry=entry, date=MAR)

    tb = selectors.trial_balance()

    assert tb.total_debits == tb.total_credits == Decimal("1600.00")
    assert balance(OPERATING) == Decimal("0.01")


def test_the_balance_sheet_balances_with_the_result_in_equity(books):
    """Assets = liabilities + equity, where equity includes the result not yet
    appropriated (income less expenses to date)."""
    sheet = selectors.balance_sheet(as_of=MAR)

    assert [(a.code, str(v)) for a, _label, v in sheet.assets.rows] == [
        (CASH, "1249.99"),
        (RECEIVABLE, "50.00"),
    ]
    assert [(a.code, str(v)) for a, _label, v in sheet.liabilities.rows] == [
        (CLAIMS_RESERVE, "100.00")
    ]
    assert [(a.code if a else None, str(v)) for a, _label, v in sheet.equity.rows] == [
        (INITIAL_FUND, "1000.00"),
        (None, "199.99"),  # 500.00 - 200.00 - 100.00 - 0.01
    ]
    assert sheet.assets.total == Decimal("1299.99")
    assert sheet.liabilities.total == Decimal("100.00")
    assert sheet.equity.total == Decimal("1199.99")
    assert sheet.balances is True


def test_the_balance_sheet_at_an_earlier_date(books):
    """At the end of January only the founders' fund is there, and there is no result."""
    sheet = selectors.balance_sheet(as_of=JAN)

    assert sheet.assets.total == sheet.equity.total == Decimal("1000.00")
    assert sheet.liabilities.rows == []
    assert [a.code for a, _label, _v in sheet.equity.rows] == [INITIAL_FUND]
    assert sheet.balances is True


def test_a_deficit_appears_as_a_negative_result(books):
    """When expenses exceed income the unappropriated result is negative."""
    transfer("big claim", CLAIMS_PAID, CASH, "1000.00", on=MAR)

    sheet = selectors.balance_sheet(as_of=MAR)

    assert sheet.equity.rows[-1][0] is None
    assert sheet.equity.rows[-1][2] == Decimal("-800.01")
    assert sheet.balances is True


def test_the_income_statement_counts_only_the_period(books):
    """Income and expenses posted inside the period, both ends included; balance sheet
    accounts are left out."""
    transfer("late income", CASH, CONTRIBUTIONS, "7.00", on=dt.date(2025, 4, 1))

    statement = selectors.income_statement(start=FEB, end=FEB)

    assert [(a.code, str(v)) for a, _label, v in statement.income.rows] == [
        (CONTRIBUTIONS, "500.00")
    ]
    assert [(a.code, str(v)) for a, _label, v in statement.expenses.rows] == [
        (CLAIMS_PAID, "200.00")
    ]
    assert statement.net_result == Decimal("300.00")


def test_the_income_statement_for_the_quarter(books):
    """Over the whole quarter the result is the balance sheet's unappropriated result."""
    statement = selectors.income_statement(start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31))

    assert statement.income.total == Decimal("500.00")
    assert statement.expenses.total == Decimal("300.01")
    assert statement.net_result == Decimal("199.99")


def test_the_income_statement_of_a_quiet_period_is_empty(books):
    """A period without postings has no rows and a zero result."""
    statement = selectors.income_statement(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))

    assert statement.income.rows == statement.expenses.rows == []
    assert statement.net_result == Decimal("0.00")


@pytest.mark.parametrize("entries", [1, 25])
def test_the_trial_balance_runs_a_constant_number_of_queries(entries, django_assert_num_queries):
    """Two queries (sums per account, then the accounts) whatever the number of entries."""
    for n in range(entries):
        transfer(f"e{n}", CASH if n % 2 else OPERATING, CONTRIBUTIONS, f"{n + 1}.00")

    with django_assert_num_queries(2):
        tb = selectors.trial_balance()
        assert tb.total_debits == tb.total_credits
        assert all(r.account.type for r in tb.rows)


def test_the_statements_run_a_constant_number_of_queries(books, django_assert_num_queries):
    """The balance sheet and the income statement each take two queries too."""
    with django_assert_num_queries(4):
        assert selectors.balance_sheet(as_of=MAR).balances
        assert selectors.income_statement(start=JAN, end=MAR).net_result


def test_entry_list_filters_by_account_source_and_dates(books):
    """entry_list narrows by account touched, source and date range, newest first."""
    codes = lambda qs: [e.idempotency_key for e in qs]  # noqa: E731

    assert codes(selectors.entry_list()) == ["costs", "reserve", "claim", "contributions", "fund"]
    assert codes(selectors.entry_list(account=RECEIVABLE)) == ["contributions"]
    assert codes(selectors.entry_list(date_from=FEB, date_to=FEB)) == ["claim", "contributions"]
    assert codes(selectors.entry_list(source_type="ledger.reversal")) == []


def test_net_result_is_income_less_expenses_between_the_dates():
    """Income 100.00 + 250.50 less expenses 40.25 in 2025; the entry of 2024 only when
    the start is open."""
    import datetime as dt
    from decimal import Decimal

    from ledger.selectors import net_result
    from tests.ledger.factories import CASH, CLAIMS_PAID, CONTRIBUTIONS, transfer

    transfer("r1", CASH, CONTRIBUTIONS, "100.00", on=dt.date(2025, 1, 2))
    transfer("r2", CASH, CONTRIBUTIONS, "250.50", on=dt.date(2025, 12, 31))
    transfer("r3", CLAIMS_PAID, CASH, "40.25", on=dt.date(2025, 6, 1))
    transfer("r4", CASH, CONTRIBUTIONS, "7.00", on=dt.date(2024, 12, 31))
    transfer("r5", CASH, CONTRIBUTIONS, "9.00", on=dt.date(2026, 1, 1))

    year = net_result(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert year == Decimal("310.25")
    assert net_result(end=dt.date(2025, 12, 31)) == Decimal("317.25")
    assert net_result(end=dt.date(2023, 12, 31)) == Decimal("0.00")
