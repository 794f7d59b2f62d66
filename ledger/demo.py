"""The demo society's opening books: the founders' initial operating fund and its first
uses (part of ``manage.py seed_demo``, after the society).

Idempotent: every entry is posted under its own idempotency key, so a second run finds
each and posts nothing.
"""

from __future__ import annotations

import datetime as dt

from mutualsociety.common.demo import FOUNDED

from . import chart
from .models import JournalEntry
from .services import Credit, Debit, Line, entry_post

# (key, date, memo, lines)
LEDGER: tuple[tuple[str, dt.date, str, list[Line]], ...] = (
    (
        "demo:iof:tranche-1",
        FOUNDED,
        "初始运营资金第一期到账",
        [Debit(chart.CASH, "60000000.00"), Credit(chart.INITIAL_OPERATING_FUND, "60000000.00")],
    ),
    (
        "demo:iof:tranche-2",
        dt.date(2024, 6, 28),
        "初始运营资金第二期到账",
        [Debit(chart.CASH, "40000000.00"), Credit(chart.INITIAL_OPERATING_FUND, "40000000.00")],
    ),
    (
        "demo:invest:2024-07",
        dt.date(2024, 7, 5),
        "购入国债及定期存款",
        [Debit(chart.INVESTMENTS, "70000000.00"), Credit(chart.CASH, "70000000.00")],
    ),
    (
        "demo:setup-costs:2024",
        dt.date(2024, 9, 30),
        "开办费用（系统、场地、人员）",
        [Debit(chart.OPERATING_EXPENSES, "3865420.37"), Credit(chart.CASH, "3865420.37")],
    ),
    (
        "demo:interest:2024-12",
        dt.date(2024, 12, 31),
        "2024年下半年投资收益",
        [Debit(chart.CASH, "1093750.00"), Credit(chart.INVESTMENT_INCOME, "1093750.00")],
    ),
    (
        "demo:interest:2025-06",
        dt.date(2025, 6, 30),
        "2025年上半年投资收益",
        [Debit(chart.CASH, "1137500.00"), Credit(chart.INVESTMENT_INCOME, "1137500.00")],
    ),
    (
        "demo:opex:2025",
        dt.date(2025, 12, 31),
        "2025年业务及管理费",
        [Debit(chart.OPERATING_EXPENSES, "5214800.55"), Credit(chart.CASH, "5214800.55")],
    ),
)


def seed() -> list[JournalEntry]:
    """Post the opening entries (each once); return them."""
    return [
        entry_post(idempotency_key=key, date=date, memo=memo, lines=lines, source_type="demo")
        for key, date, memo, lines in LEDGER
    ]
