"""Balances, the trial balance and the financial statements of one date or period.

Every report is one set-based query (``SUM ... GROUP BY account``) over the postings,
whatever their number; nothing iterates postings in Python.

Signs: postings are stored debit-positive. Reports show each balance in the account's
normal sense: assets and expenses debit-positive, liabilities, equity and income
credit-positive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from mutualsociety.common.money import ZERO, quantize_money

from ..models import DEBIT_NORMAL, Account, AccountType, JournalEntry, Posting


def account_get(*, code: str) -> Account | None:
    return Account.objects.filter(code=code).first()


def account_list(*, active_only: bool = False) -> QuerySet[Account]:
    qs = Account.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def _cents(total: Decimal) -> Decimal:
    """A database sum of amounts, to the cent: SQLite adds decimals as binary floats
    (0.10 + 0.20 - 0.30 is not 0 there); PostgreSQL's sums are exact already."""
    return quantize_money(total)


def _normal(account_type: str, debit_positive: Decimal) -> Decimal:
    return debit_positive if account_type in DEBIT_NORMAL else -debit_positive


def account_balance(*, account: Account | str, as_of: dt.date | None = None) -> Decimal:
    """The account's balance at the end of ``as_of`` (all postings when None), normal sign."""
    if isinstance(account, str):
        account = Account.objects.get(code=account)
    qs = Posting.objects.filter(account=account)
    if as_of is not None:
        qs = qs.filter(date__lte=as_of)
    total = qs.aggregate(total=Sum("amount", default=ZERO))["total"]
    return _normal(account.type, _cents(total))


@dataclass(frozen=True)
class BalanceRow:
    account: Account
    debits: Decimal
    credits: Decimal

    @property
    def net(self) -> Decimal:
        """Debits minus credits."""
        return self.debits - self.credits

    @property
    def balance(self) -> Decimal:
        """The balance in the account's normal sense."""
        return _normal(self.account.type, self.net)

    @property
    def debit_balance(self) -> Decimal:
        return self.net if self.net > 0 else ZERO

    @property
    def credit_balance(self) -> Decimal:
        return -self.net if self.net < 0 else ZERO


@dataclass(frozen=True)
class TrialBalance:
    as_of: dt.date | None
    rows: list[BalanceRow]

    @property
    def total_debits(self) -> Decimal:
        return sum((r.debit_balance for r in self.rows), ZERO)

    @property
    def total_credits(self) -> Decimal:
        return sum((r.credit_balance for r in self.rows), ZERO)

    @property
    def difference(self) -> Decimal:
        """Zero in a sound ledger."""
        return self.total_debits - self.total_credits


def _account_sums(
    *, start: dt.date | None = None, end: dt.date | None = None, types: set[str] | None = None
) -> list[BalanceRow]:
    postings = Posting.objects.all()
    if start is not None:
        postings = postings.filter(date__gte=start)
    if end is not None:
        postings = postings.filter(date__lte=end)
    if types is not None:
        postings = postings.filter(account__type__in=types)
    sums = {
        row["account_id"]: row
        for row in postings.values("account_id").annotate(
            debits=Sum("amount", filter=Q(amount__gt=0), default=ZERO),
            credits=Sum("amount", filter=Q(amount__lt=0), default=ZERO),
        )
    }
    accounts = Account.objects.filter(pk__in=sums.keys()).order_by("code")
    return [
        BalanceRow(
            account=a,
            debits=_cents(sums[a.pk]["debits"]),
            credits=-_cents(sums[a.pk]["credits"]),
        )
        for a in accounts
    ]


def trial_balance(*, as_of: dt.date | None = None) -> TrialBalance:
    """Every account with postings up to ``as_of``: its debit or credit balance."""
    return TrialBalance(as_of=as_of, rows=_account_sums(end=as_of))


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[tuple[Account | None, str, Decimal]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((amount for _a, _label, amount in self.rows), ZERO)


@dataclass(frozen=True)
class BalanceSheet:
    as_of: dt.date
    assets: Section
    liabilities: Section
    equity: Section

    @property
    def balances(self) -> bool:
        return self.assets.total == self.liabilities.total + self.equity.total


@dataclass(frozen=True)
class IncomeStatement:
    start: dt.date
    end: dt.date
    income: Section
    expenses: Section

    @property
    def net_result(self) -> Decimal:
        """Surplus (positive) or deficit (negative) of the period."""
        return self.income.total - self.expenses.total


def balance_sheet(*, as_of: dt.date) -> BalanceSheet:
    """Assets = liabilities + equity at the end of ``as_of``.

    Income and expense accounts are not closed into equity by an entry; their net result
    to date appears in equity as "result not yet appropriated", so the sheet balances at
    any date.
    """
    rows = _account_sums(end=as_of)
    by_type: dict[str, list[BalanceRow]] = {t: [] for t in AccountType.values}
    for row in rows:
        by_type[row.account.type].append(row)
    result = sum((r.balance for r in by_type[AccountType.INCOME]), ZERO) - sum(
        (r.balance for r in by_type[AccountType.EXPENSE]), ZERO
    )

    def section(title: str, account_type: str) -> Section:
        return Section(
            title,
            [(r.account, r.account.display_name, r.balance) for r in by_type[account_type]],
        )

    equity = section(_("Equity"), AccountType.EQUITY)
    if result:
        equity.rows.append((None, _("Result not yet appropriated"), result))
    return BalanceSheet(
        as_of=as_of,
        assets=section(_("Assets"), AccountType.ASSET),
        liabilities=section(_("Liabilities"), AccountType.LIABILITY),
        equity=equity,
    )


def income_statement(*, start: dt.date, end: dt.date) -> IncomeStatement:
    """Income and expenses posted from ``start`` to ``end``, both included."""
    rows = _account_sums(start=start, end=end, types={AccountType.INCOME, AccountType.EXPENSE})
    return income_statement_from_rows(start=start, end=end, rows=rows)


def income_statement_from_rows(
    *, start: dt.date, end: dt.date, rows: list[BalanceRow]
) -> IncomeStatement:
    """The statement of a period from its income and expense rows (by account code)."""
    income = Section(
        _("Income"),
        [
            (r.account, r.account.display_name, r.balance)
            for r in rows
            if r.account.type == AccountType.INCOME
        ],
    )
    expenses = Section(
        _("Expenses"),
        [
            (r.account, r.account.display_name, r.balance)
            for r in rows
            if r.account.type == AccountType.EXPENSE
        ],
    )
    return IncomeStatement(start=start, end=end, income=income, expenses=expenses)


def net_result(*, end: dt.date, start: dt.date | None = None) -> Decimal:
    """Income less expenses posted from ``start`` (the beginning when None) to ``end``,
    both included: the result not yet appropriated (income and expense accounts are not
    closed by entries). One aggregate over the postings; positive is a surplus."""
    postings = Posting.objects.filter(
        date__lte=end, account__type__in=(AccountType.INCOME, AccountType.EXPENSE)
    )
    if start is not None:
        postings = postings.filter(date__gte=start)
    total = postings.aggregate(total=Sum("amount", default=ZERO))["total"]
    # Stored debit-positive: income is credited (negative), expenses debited.
    return -_cents(total)


def entry_list(
    *,
    account: str | None = None,
    source_type: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[JournalEntry]:
    qs = JournalEntry.objects.select_related("created_by", "reverses").prefetch_related(
        "postings__account"
    )
    if account:
        qs = qs.filter(postings__account__code=account).distinct()
    if source_type:
        qs = qs.filter(source_type=source_type)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs


def first_posting_date() -> dt.date | None:
    """The date of the earliest posting (None for empty books): where the periods the
    society has accounts for begin (the disclosure pages' period list). One aggregate."""
    return Posting.objects.aggregate(first=Min("date"))["first"]
