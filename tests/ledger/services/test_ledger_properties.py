"""Property: whatever valid entries and reversals are posted, the books stay balanced."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from importlib import import_module

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import selectors
from ledger.models import DEBIT_NORMAL, Account
from ledger.services import Line, entry_post, entry_reverse
from mutualsociety.common.exceptions import InvalidInput

pytestmark = pytest.mark.django_db

# The chart every society starts with; a module name starting with a digit needs importlib.
CHART = [row[0] for row in import_module("ledger.migrations.0002_chart_of_accounts").CHART]
START = dt.date(2025, 1, 1)

cents = st.integers(min_value=-10_000_000, max_value=10_000_000).filter(bool)


@st.composite
def balanced_lines(draw) -> list[tuple[str, int]]:
    """2 to 5 lines on accounts of the chart, in cents, none zero, summing to zero."""
    count = draw(st.integers(min_value=2, max_value=5))
    amounts = draw(st.lists(cents, min_size=count - 1, max_size=count - 1))
    last = -sum(amounts)
    if last == 0:  # move one cent between two lines to keep every line non-zero
        amounts[0] += 1 if amounts[0] != -1 else 2
        last = -sum(amounts)
    accounts = draw(st.lists(st.sampled_from(CHART), min_size=count, max_size=count))
    return list(zip(accounts, [*amounts, last], strict=True))


post_step = st.tuples(st.just("post"), balanced_lines(), st.integers(0, 400))
reverse_step = st.tuples(st.just("reverse"), st.integers(0, 50), st.integers(0, 30))
steps = st.lists(st.one_of(post_step, post_step, reverse_step), min_size=1, max_size=12)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_valid_entries_and_reversals_keep_the_books_balanced(steps):
    """After any sequence of balanced entries and reversals of earlier ones, total debits
    equal total credits and every account's balance is the sum of what was posted to it
    (in its normal sign). Each example runs in its own transaction, rolled back."""
    with transaction.atomic():
        posted: dict[str, int] = defaultdict(int)  # account code -> net cents, debit > 0
        entries = []  # (entry, its lines in cents, is it a reversal)
        reversed_ids: set[int] = set()
        for index, step in enumerate(steps):
            if step[0] == "post":
                _kind, lines, day = step
                entry = entry_post(
                    idempotency_key=f"p{index}",
                    date=START + dt.timedelta(days=day),
                    memo=f"step {index}",
                    lines=[Line(code, Decimal(amount) / 100) for code, amount in lines],
                )
                entries.append((entry, lines, False))
                for code, amount in lines:
                    posted[code] += amount
                continue
            _kind, pick, delay = step
            if not entries:
                continue
            entry, lines, is_reversal = entries[pick % len(entries)]
            on = entry.date + dt.timedelta(days=delay)
            if is_reversal:
                with pytest.raises(InvalidInput):
                    entry_reverse(entry=entry, date=on)
                continue
            reversal = entry_reverse(entry=entry, date=on)
            if entry.pk in reversed_ids:
                continue  # the same reversal again: nothing new was posted
            reversed_ids.add(entry.pk)
            mirrored = [(code, -amount) for code, amount in lines]
            entries.append((reversal, mirrored, True))
            for code, amount in mirrored:
                posted[code] += amount

        tb = selectors.trial_balance()
        assert tb.total_debits == tb.total_credits
        assert tb.difference == Decimal("0.00")
        for account in Account.objects.filter(code__in=posted):
            expected = Decimal(posted[account.code]) / 100
            if account.type not in DEBIT_NORMAL:
                expected = -expected
            assert selectors.account_balance(account=account) == expected, account.code
        assert {r.account.code: r.net for r in tb.rows} == {
            code: Decimal(net) / 100 for code, net in posted.items()
        }
        transaction.set_rollback(True)
