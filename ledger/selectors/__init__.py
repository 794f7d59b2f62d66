"""Reads of the ledger: balances, the trial balance and the financial statements, every
name importable from here (``from ledger.selectors import trial_balance``).

- ``statements``: one date or period — an account's balance, the trial balance, the
  balance sheet, the income statement, the net result, the journal;
- ``periods``: several periods at once in one grouped query — an account's totals for a
  period, the income statements of several periods (by quarter), the trial balances at
  several dates (each quarter end).

Signs: postings are stored debit-positive. Reports show each balance in the account's
normal sense: assets and expenses debit-positive, liabilities, equity and income
credit-positive.
"""

from .periods import (
    Period,
    account_totals,
    income_statement_by_quarter,
    income_statements,
    quarters_of,
    trial_balance_by_quarter,
    trial_balances,
)
from .statements import (
    BalanceRow,
    BalanceSheet,
    IncomeStatement,
    Section,
    TrialBalance,
    account_balance,
    account_get,
    account_list,
    balance_sheet,
    entry_list,
    first_posting_date,
    income_statement,
    income_statement_from_rows,
    net_result,
    trial_balance,
)

__all__ = [
    "BalanceRow",
    "BalanceSheet",
    "IncomeStatement",
    "Period",
    "Section",
    "TrialBalance",
    "account_balance",
    "account_get",
    "account_list",
    "account_totals",
    "balance_sheet",
    "entry_list",
    "first_posting_date",
    "income_statement",
    "income_statement_by_quarter",
    "income_statement_from_rows",
    "income_statements",
    "net_result",
    "quarters_of",
    "trial_balance",
    "trial_balance_by_quarter",
    "trial_balances",
]
