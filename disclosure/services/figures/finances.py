"""The figures of the financial statements (balance sheet and income statement), from the
ledger's selectors; every label in both languages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from ledger.selectors import Section, balance_sheet, income_statement

from ...reports import jsonable
from .periods import _label


def _result_label() -> dict[str, str]:
    """The ledger's "result not yet appropriated" line in both languages: the content
    must not depend on the language the job runs in."""
    labels = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels[language] = gettext("Result not yet appropriated")
    return labels


def _lines(section: Section) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for account, _name, amount in section.rows:
        if account is None:  # the result not yet appropriated
            out.append({"code": None, "name": _result_label(), "amount": amount})
        else:
            out.append(
                {
                    "code": account.code,
                    "name": _label(account.name, account.name_en),
                    "amount": amount,
                }
            )
    return out


def finances_figures(start: dt.date, end: dt.date) -> dict[str, Any]:
    """The balance sheet at ``end`` and the income statement from ``start`` to ``end``
    (``ledger.selectors``), each line with its account and amount, and the totals."""
    sheet = balance_sheet(as_of=end)
    income = income_statement(start=start, end=end)
    return jsonable(
        {
            "balance_sheet": {
                "as_of": end,
                "assets": _lines(sheet.assets),
                "liabilities": _lines(sheet.liabilities),
                "equity": _lines(sheet.equity),
                "total_assets": sheet.assets.total,
                "total_liabilities": sheet.liabilities.total,
                "total_equity": sheet.equity.total,
            },
            "income_statement": {
                "start": start,
                "end": end,
                "income": _lines(income.income),
                "expenses": _lines(income.expenses),
                "total_income": income.income.total,
                "total_expenses": income.expenses.total,
                "net_result": income.net_result,
            },
        }
    )
