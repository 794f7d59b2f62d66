"""The ledger over several periods at once (the disclosure pages, the regulator's trial
balance by quarter, the key figures): one ``GROUP BY account, period`` over the postings
whatever their number and however many periods are asked for, then one query for the
accounts. A posting's period is a ``CASE`` on its date, so the periods are any the caller
names (quarters, months, a fiscal year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Sum, Value, When

from mutualsociety.common.money import ZERO
from mutualsociety.common.periods import period_end, period_index, period_start

from ..models import Account, AccountType, Posting
from .statements import (
    BalanceRow,
    IncomeStatement,
    TrialBalance,
    _cents,
    _normal,
    income_statement_from_rows,
)

Period = tuple[dt.date, dt.date]


def account_totals(
    *, codes: Iterable[str], end: dt.date, start: dt.date | None = None
) -> dict[str, Decimal]:
    """{code: what was posted to the account from ``start`` (the beginning when None)
    to ``end``, both included, in the account's normal sense}; 0.00 for an account
    without postings (or an unknown code). For income and expense accounts that is the
    flow of the period; for the others the movement (the balance when ``start`` is
    None). One query: a sum per account over the (account, date) index."""
    codes = list(codes)
    postings = Posting.objects.filter(account=OuterRef("pk"), date__lte=end)
    if start is not None:
        postings = postings.filter(date__gte=start)
    # Per account, a sum over its dates: an index-only range scan of the (account, date)
    # index that carries the amount, rather than a hash of every posting by the
    # account's code and type.
    total = postings.order_by().values("account").annotate(total=Sum("amount")).values("total")
    totals = dict.fromkeys(codes, ZERO)
    rows = Account.objects.filter(code__in=codes).annotate(total=Subquery(total))
    for code, account_type, amount in rows.values_list("code", "type", "total"):
        if amount is not None:
            totals[code] = _normal(account_type, _cents(amount))
    return totals


def quarters_of(year: int, *, through: dt.date | None = None) -> list[Period]:
    """The calendar quarters of ``year`` (first and last day), up to the one holding
    ``through`` when given (a year under way)."""
    first = year * 4
    last = first + 3
    if through is not None:
        last = min(last, period_index(through, "quarter"))
    return [(period_start(i, "quarter"), period_end(i, "quarter")) for i in range(first, last + 1)]


def _periods_check(periods: Sequence[Period]) -> list[Period]:
    """The periods in order; each must start on or before it ends and none overlap
    (a posting belongs to one period)."""
    ordered = sorted(periods)
    for start, end in ordered:
        if start > end:
            raise ValueError(f"The period {start}–{end} ends before it starts.")
    for (_s1, end1), (start2, _e2) in zip(ordered, ordered[1:], strict=False):
        if start2 <= end1:
            raise ValueError("Periods must not overlap.")
    return ordered


def _sums_by_bucket(postings, bucket: Case) -> tuple[dict[int, Account], dict[int, dict]]:
    """({account id: account}, {bucket: {account id: (debits, credits)}}): two queries."""
    rows = (
        postings.annotate(bucket=bucket)
        .exclude(bucket=None)
        .values("bucket", "account_id")
        .annotate(
            debits=Sum("amount", filter=Q(amount__gt=0), default=ZERO),
            credits=Sum("amount", filter=Q(amount__lt=0), default=ZERO),
        )
        .order_by()
    )
    sums: dict[int, dict] = {}
    for row in rows:
        sums.setdefault(row["bucket"], {})[row["account_id"]] = (
            _cents(row["debits"]),
            -_cents(row["credits"]),
        )
    ids = {account_id for by_account in sums.values() for account_id in by_account}
    accounts = {a.pk: a for a in Account.objects.filter(pk__in=ids)} if ids else {}
    return accounts, sums


def income_statements(*, periods: Sequence[Period]) -> list[IncomeStatement]:
    """One income statement per period (non-overlapping; returned in date order), as
    ``income_statement`` would give each: two queries however many periods."""
    ordered = _periods_check(periods)
    if not ordered:
        return []
    bucket = Case(
        *(When(date__range=period, then=Value(i)) for i, period in enumerate(ordered)),
        default=None,
        output_field=IntegerField(),
    )
    postings = Posting.objects.filter(
        date__gte=ordered[0][0],
        date__lte=ordered[-1][1],
        account__type__in=(AccountType.INCOME, AccountType.EXPENSE),
    )
    accounts, sums = _sums_by_bucket(postings, bucket)
    statements = []
    for i, (start, end) in enumerate(ordered):
        by_account = sums.get(i, {})
        rows = sorted(
            (
                BalanceRow(account=accounts[pk], debits=debits, credits=credits)
                for pk, (debits, credits) in by_account.items()
            ),
            key=lambda r: r.account.code,
        )
        statements.append(income_statement_from_rows(start=start, end=end, rows=rows))
    return statements


def income_statement_by_quarter(
    *, year: int, through: dt.date | None = None
) -> list[IncomeStatement]:
    """The income statement of each quarter of ``year`` (up to the quarter holding
    ``through`` when given, the last one then ending at ``through``), oldest first.
    Two queries."""
    periods = quarters_of(year, through=through)
    if through is not None and periods and through < periods[-1][1]:
        periods[-1] = (periods[-1][0], through)
    return income_statements(periods=periods)


def trial_balances(*, dates: Iterable[dt.date]) -> list[TrialBalance]:
    """The trial balance at the end of each date (in date order), as ``trial_balance``
    would give each: the postings are summed per account and per interval between two
    dates in one query, and the intervals added up in Python (accounts × dates rows,
    never postings). Two queries however many dates."""
    ordered = sorted(set(dates))
    if not ordered:
        return []
    bucket = Case(
        *(When(date__lte=day, then=Value(i)) for i, day in enumerate(ordered)),
        default=None,
        output_field=IntegerField(),
    )
    accounts, sums = _sums_by_bucket(Posting.objects.filter(date__lte=ordered[-1]), bucket)
    running: dict[int, tuple[Decimal, Decimal]] = {}
    balances = []
    for i, day in enumerate(ordered):
        for pk, (debits, credits) in sums.get(i, {}).items():
            before = running.get(pk, (ZERO, ZERO))
            running[pk] = (before[0] + debits, before[1] + credits)
        rows = sorted(
            (
                BalanceRow(account=accounts[pk], debits=debits, credits=credits)
                for pk, (debits, credits) in running.items()
            ),
            key=lambda r: r.account.code,
        )
        balances.append(TrialBalance(as_of=day, rows=rows))
    return balances


def trial_balance_by_quarter(*, year: int, through: dt.date | None = None) -> list[TrialBalance]:
    """The trial balance at each quarter end of ``year`` (the last one at ``through``
    when it falls inside a quarter: a year under way), oldest first. Two queries."""
    quarters = quarters_of(year, through=through)
    ends = [end for _start, end in quarters]
    if through is not None and ends and through < ends[-1]:
        ends[-1] = max(through, quarters[-1][0])
    return trial_balances(dates=ends)
