"""What a record is called where the admin names it (breadcrumbs, inline headers, links to
a related row) reads like the rest of the page (docs/pages.md): its dates in the
language's one format, amounts grouped, and an event's time in the society's time zone,
not the stored UTC. Before, a due read "Premium 2026-03-08–2026-04-07: 1360.00" on a
Chinese page and an event at 00:34 Shanghai time read "16:34" the day before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from claims.models import ApportionmentPeriod, ClaimEvent, ClaimPayment, ClaimReserve
from ledger.models import Account, IntegrityCheck, JournalEntry, Posting
from members.models import ContributionDue, Payment, PaymentAllocation, Plan

DAY = dt.date(2026, 12, 4)
AMOUNT = Decimal("8000.00")
#: 16:34 UTC is 00:34 the next day in Shanghai (the society's default time zone).
AT = dt.datetime(2026, 12, 4, 16, 34, tzinfo=dt.UTC)

LABELS = [
    (
        ContributionDue(
            kind="premium", period_start=DAY, period_end=dt.date(2027, 12, 3), amount=AMOUNT
        ),  # fmt: skip
        "Premium 4 Dec 2026–3 Dec 2027: 8,000.00",
        "保费 2026年12月4日–2027年12月3日：8,000.00",
    ),
    (
        Payment(received_on=DAY, amount=AMOUNT, member_id=283),
        "4 Dec 2026 8,000.00 (283)",
        "2026年12月4日 8,000.00（283）",
    ),
    (
        PaymentAllocation(payment_id=675, due_id=687, amount=AMOUNT),
        "675 → 687: 8,000.00",
        "675 → 687：8,000.00",
    ),
    (ClaimReserve(as_of=DAY, amount=AMOUNT), "4 Dec 2026 8,000.00", "2026年12月4日 8,000.00"),
    (ClaimPayment(paid_on=DAY, amount=AMOUNT), "4 Dec 2026 8,000.00", "2026年12月4日 8,000.00"),
    (
        ApportionmentPeriod(
            plan=Plan(name="同舟互助计划", name_en="Mutual aid plan"),
            period_start=DAY,
            cutoff=dt.date(2026, 12, 14),
        ),  # fmt: skip
        "Mutual aid plan 4 Dec 2026–14 Dec 2026",
        "同舟互助计划 2026年12月4日–2026年12月14日",
    ),
    (JournalEntry(pk=7, date=DAY, memo="Fund"), "#7 4 Dec 2026 Fund", "#7 2026年12月4日 Fund"),
    (Posting(account=Account(code="6511"), amount=AMOUNT), "6511 8,000.00", "6511 8,000.00"),
    (ClaimEvent(at=AT, type="submitted"), "5 Dec 2026 00:34 Submitted", "2026年12月5日 00:34"),
]


@pytest.mark.parametrize(("record", "english", "chinese"), LABELS)
def test_a_record_is_named_in_the_page_s_formats(record, english, chinese):
    with translation.override("en"):
        assert str(record) == english
    with translation.override("zh-hans"):
        assert str(record).startswith(chinese)


def test_an_integrity_check_says_its_outcome_in_words():
    with translation.override("en"):
        assert str(IntegrityCheck(checked_on=DAY, ok=True)) == "4 Dec 2026 passed"
        assert str(IntegrityCheck(checked_on=DAY, ok=False)) == "4 Dec 2026 failed"


def test_a_ledger_memo_names_a_due_as_it_always_did():
    """Memos are records: the due in them keeps ISO dates and the plain amount whatever
    the language of the moment (they took the due's name, which now follows the page)."""
    due = LABELS[0][0]
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert due.memo_label.endswith(" 2026-12-04–2027-12-03: 8000.00")


def test_a_coverage_is_named_by_its_plan_s_name_not_its_code():
    """It read "M-… 陈美 · ci-cover" on the claim page; the plan's code is for machines."""
    from members.models import Coverage, Member

    coverage = Coverage(
        member=Member(member_number="M-2025-000111-0", legal_name="陈美"),
        plan=Plan(code="ci-cover", name="同舟重疾保障", name_en="Critical illness cover"),
    )
    with translation.override("zh-hans"):
        assert str(coverage) == "M-2025-000111-0 陈美 · 同舟重疾保障"
    with translation.override("en"):
        assert str(coverage) == "M-2025-000111-0 陈美 · Critical illness cover"
