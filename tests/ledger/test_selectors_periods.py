"""ledger.selectors over several periods: an account's totals for a period, the income
statements of several periods and the trial balances at several dates, each the same as
the one-period selector would give, in a number of queries that does not grow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from ledger import selectors
from ledger.services import Credit, Debit, entry_reverse
from tests.ledger.factories import (
    CASH,
    CLAIMS_PAID,
    CLAIMS_RESERVE,
    CONTRIBUTIONS,
    INITIAL_FUND,
    OPERATING,
    RESERVE_CHANGE,
    post,
    transfer,
)

pytestmark = pytest.mark.django_db

Q1 = (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
Q2 = (dt.date(2025, 4, 1), dt.date(2025, 6, 30))


@pytest.fixture
def year():
    """2025: the fund in January; contributions of 0.10 and 0.20 (sums SQLite would add
    as binary floats) on the last day of Q1 and 300.33 on the first day of Q2; a claim
    paid and a reserve in Q2; expenses in Q3; a Q1 expense reversed in Q4."""
    transfer("fund", CASH, INITIAL_FUND, "1000.00", on=dt.date(2025, 1, 2))
    transfer("c1", CASH, CONTRIBUTIONS, "0.10", on=dt.date(2025, 3, 31))
    transfer("c2", CASH, CONTRIBUTIONS, "0.20", on=dt.date(2025, 3, 31))
    transfer("c3", CASH, CONTRIBUTIONS, "300.33", on=dt.date(2025, 4, 1))
    transfer("paid", CLAIMS_PAID, CASH, "120.45", on=dt.date(2025, 5, 20))
    transfer("reserve", RESERVE_CHANGE, CLAIMS_RESERVE, "80.00", on=dt.date(2025, 6, 30))
    transfer("ops", OPERATING, CASH, "45.67", on=dt.date(2025, 8, 1))
    wrong = transfer("ops-wrong", OPERATING, CASH, "9.99", on=dt.date(2025, 2, 1))
    entry_reverse(entry=wrong, memo="Posted twice.", date=dt.date(2025, 11, 3))


def test_account_totals_for_a_period_in_normal_signs(year):
    totals = selectors.account_totals(
        codes=[CONTRIBUTIONS, CLAIMS_PAID, OPERATING, "9999"],
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 6, 30),
    )
    assert totals == {
        CONTRIBUTIONS: D("300.63"),
        CLAIMS_PAID: D("120.45"),
        OPERATING: D("9.99"),  # reversed only in November
        "9999": D("0.00"),
    }
    assert selectors.account_totals(codes=[CASH], end=dt.date(2025, 3, 31)) == {
        CASH: D("990.31")  # 1000.00 + 0.30 − 9.99
    }
    assert selectors.account_totals(codes=[OPERATING], end=dt.date(2025, 12, 31)) == {
        OPERATING: D("45.67")
    }


def test_quarterly_statements_are_the_single_period_ones(year):
    statements = selectors.income_statement_by_quarter(year=2025)
    assert [(s.start, s.end) for s in statements] == selectors.quarters_of(2025)
    for statement in statements:
        single = selectors.income_statement(start=statement.start, end=statement.end)
        assert statement.income.rows == single.income.rows
        assert statement.expenses.rows == single.expenses.rows
    q1, q2, q3, q4 = statements
    assert (q1.income.total, q1.expenses.total, q1.net_result) == (D("0.30"), D("9.99"), D("-9.69"))
    assert (q2.income.total, q2.expenses.total) == (D("300.33"), D("200.45"))
    assert q3.net_result == D("-45.67")
    assert q4.expenses.total == D("-9.99")  # the reversal
    assert sum((s.net_result for s in statements), D(0)) == selectors.net_result(
        start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )


def test_a_year_under_way_stops_at_its_last_day(year):
    statements = selectors.income_statement_by_quarter(year=2025, through=dt.date(2025, 5, 20))
    assert [(s.start, s.end) for s in statements] == [Q1, (Q2[0], dt.date(2025, 5, 20))]
    assert statements[1].expenses.total == D("120.45")  # the reserve of 30 June not yet
    balances = selectors.trial_balance_by_quarter(year=2025, through=dt.date(2025, 5, 20))
    assert [b.as_of for b in balances] == [dt.date(2025, 3, 31), dt.date(2025, 5, 20)]


def test_any_periods_in_order_and_overlaps_refused(year):
    june, march = (dt.date(2025, 6, 1), dt.date(2025, 6, 30)), (dt.date(2025, 3, 1), Q1[1])
    statements = selectors.income_statements(periods=[june, march])
    assert [(s.start, s.end) for s in statements] == [march, june]
    assert statements[0].income.total == D("0.30")
    with pytest.raises(ValueError, match="overlap"):
        selectors.income_statements(periods=[Q1, (dt.date(2025, 3, 31), dt.date(2025, 4, 30))])
    with pytest.raises(ValueError, match="ends before it starts"):
        selectors.income_statements(periods=[(Q2[1], Q2[0])])
    assert selectors.income_statements(periods=[]) == []


def test_trial_balances_at_quarter_ends_are_the_single_date_ones(year):
    balances = selectors.trial_balance_by_quarter(year=2025)
    assert [b.as_of for b in balances] == [end for _start, end in selectors.quarters_of(2025)]
    for balance in balances:
        single = selectors.trial_balance(as_of=balance.as_of)
        assert balance.rows == single.rows
        assert balance.difference == D("0.00")
    q1 = {r.account.code: r for r in balances[0].rows}
    assert q1[CASH].balance == D("990.31")
    assert CLAIMS_PAID not in q1  # nothing posted to it by then
    q4 = {r.account.code: r for r in balances[3].rows}
    assert (q4[OPERATING].debits, q4[OPERATING].credits) == (D("55.66"), D("9.99"))


def test_an_empty_ledger(db):
    (balance,) = selectors.trial_balances(dates=[dt.date(2025, 3, 31)])
    assert balance.rows == [] and balance.difference == 0
    (statement,) = selectors.income_statements(periods=[Q1])
    assert statement.net_result == D("0.00")
    assert selectors.trial_balances(dates=[]) == []


def test_queries_do_not_grow_with_postings_or_periods(year, django_assert_num_queries):
    with django_assert_num_queries(2):
        selectors.income_statement_by_quarter(year=2025)
    with django_assert_num_queries(2):
        selectors.trial_balance_by_quarter(year=2025)
    with django_assert_num_queries(1):
        selectors.account_totals(codes=[CONTRIBUTIONS, OPERATING], end=dt.date(2025, 12, 31))
    for i in range(12):
        post(
            f"more-{i}",
            Debit(CASH, "10.01"),
            Credit(CONTRIBUTIONS, "10.01"),
            on=dt.date(2025, i + 1, 15),
        )
        transfer(f"more-ops-{i}", OPERATING, CASH, "1.11", on=dt.date(2025, i + 1, 16))
    months = [
        (dt.date(2025, m, 1), dt.date(2025 + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1))
        for m in range(1, 13)
    ]
    with django_assert_num_queries(2):
        statements = selectors.income_statements(periods=months)
    assert statements[0].income.total == D("10.01")
    with django_assert_num_queries(2):
        balances = selectors.trial_balances(dates=[end for _s, end in months])
    assert balances[-1].rows == selectors.trial_balance(as_of=dt.date(2025, 12, 31)).rows
    with django_assert_num_queries(1):
        totals = selectors.account_totals(
            codes=[CONTRIBUTIONS, OPERATING], end=dt.date(2025, 12, 31)
        )
    assert totals[CONTRIBUTIONS] == D("420.75")  # 300.63 + 12 × 10.01
