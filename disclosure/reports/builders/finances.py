"""The annual report's finances: the balance sheet and the income statement."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mutualsociety.common.display import format_date, format_money

from ..document import Section, Table, money, text
from ..figures import Reader
from .common import Common, money_sum


def _ledger_table(c: Common, caption: str, lines: list[Reader]) -> Table:
    """One block of ledger lines (account, name, amount) with its total."""
    return Table(
        caption=caption,
        headers=[_("Account"), pgettext("ledger", "Account name"), _("Amount")],
        rows=[
            [
                text(line.text("code", required=False) or ""),
                text(line.req_label("name", c.language)),
                money(line.req_money("amount")),
            ]
            for line in lines
        ],
        total=[text(""), text(_("Total")), money(money_sum(lines))],
    )


def finances_section(c: Common, block: Reader) -> Section:
    sheet = block.req_obj("balance_sheet")
    statement = block.req_obj("income_statement")
    tables = [
        _ledger_table(c, caption, sheet.items(key))
        for key, caption in (
            ("assets", _("Assets")),
            ("liabilities", _("Liabilities")),
            ("equity", _("Equity")),
        )
    ]
    income = statement.items("income")
    expenses = statement.items("expenses")
    tables += [
        _ledger_table(c, _("Income"), income),
        _ledger_table(c, _("Expenses"), expenses),
    ]
    net = money_sum(income) - money_sum(expenses)
    paragraphs = [
        _("Balance sheet as at %(date)s; income statement from %(start)s to %(end)s.")
        % {
            "date": format_date(sheet.req_date("as_of")),
            "start": format_date(statement.req_date("start")),
            "end": format_date(statement.req_date("end")),
        },
        (
            _("Surplus of the period: %(amount)s.")
            if net >= 0
            else _("Deficit of the period: %(amount)s.")
        )
        % {"amount": format_money(abs(net), c.currency)},
    ]
    notes = []
    claims_on_assets = money_sum(sheet.items("liabilities")) + money_sum(sheet.items("equity"))
    if money_sum(sheet.items("assets")) != claims_on_assets:
        notes.append(
            _("The balance sheet does not balance: assets differ from liabilities and equity.")
        )
    return Section(heading=_("Finances"), paragraphs=paragraphs, tables=tables, notes=notes)
