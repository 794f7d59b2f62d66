"""ledger.services.entry_reverse: a mistake is corrected by posting the mirror entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from ledger import selectors
from ledger.services import Credit, Debit, entry_reverse
from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import InvalidInput, NotFound
from tests.ledger.factories import (
    CASH,
    CONTRIBUTIONS,
    JAN_15,
    OPERATING,
    ledger_counts,
    post,
    posting_lines,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def original():
    return post(
        "orig",
        Debit(CASH, "100.00"),
        Debit(OPERATING, "0.50"),
        Credit(CONTRIBUTIONS, "100.50"),
    )


def test_a_reversal_posts_the_mirror_of_the_entry(original, finance_user):
    """The reversal has every posting of the original with the opposite sign, points to
    the original, and brings the accounts back to where they were."""
    reversal = entry_reverse(entry=original, date=dt.date(2025, 2, 1), actor=finance_user)

    reversal.refresh_from_db()
    assert reversal.pk != original.pk
    assert reversal.reverses == original
    assert reversal.date == dt.date(2025, 2, 1)
    assert reversal.source_type == "ledger.reversal"
    assert reversal.source_id == str(original.pk)
    assert reversal.idempotency_key == f"reversal:{original.pk}"
    assert reversal.created_by == finance_user
    assert str(original.pk) in reversal.memo
    assert posting_lines(reversal) == [
        (CASH, "-100.00"),
        (CONTRIBUTIONS, "100.50"),
        (OPERATING, "-0.50"),
    ]
    assert ledger_counts() == (2, 6)
    for code in (CASH, OPERATING, CONTRIBUTIONS):
        assert selectors.account_balance(account=code) == Decimal("0.00")


def test_a_reversal_keeps_a_memo_given_and_accepts_the_entry_id(original):
    """The entry may be given by id; a memo given is used as is."""
    reversal = entry_reverse(entry=original.pk, memo="Typed twice", date=JAN_15)

    assert reversal.reverses_id == original.pk
    assert reversal.memo == "Typed twice"


def test_a_reversal_is_dated_today_by_default(original):
    """Without a date the reversal is dated today (the society's time zone)."""
    reversal = entry_reverse(entry=original)

    assert reversal.date == timezone.localdate()


def test_reversing_twice_returns_the_same_reversal(original):
    """An entry is reversed at most once: the second call returns the first reversal and
    posts nothing, whatever date or memo it names."""
    first = entry_reverse(entry=original, date=JAN_15)
    counts = ledger_counts()

    again = entry_reverse(entry=original, date=dt.date(2025, 3, 1), memo="again")

    assert again.pk == first.pk
    assert ledger_counts() == counts == (2, 6)


def test_a_reversal_cannot_be_reversed(original):
    """Reversing a reversal is refused on the entry; post a new entry instead."""
    reversal = entry_reverse(entry=original, date=JAN_15)
    counts = ledger_counts()

    with pytest.raises(InvalidInput) as refused:
        entry_reverse(entry=reversal, date=JAN_15)

    assert refused.value.fields == {"entry": [refused.value.message]}
    assert str(reversal.pk) in refused.value.message
    assert ledger_counts() == counts


def test_a_reversal_cannot_be_dated_before_the_entry(original):
    """A reversal dated before the entry it reverses is refused on the date; nothing is
    posted."""
    with pytest.raises(InvalidInput) as refused:
        entry_reverse(entry=original, date=JAN_15 - dt.timedelta(days=1))

    assert refused.value.fields == {"date": [refused.value.message]}
    # The entry's date, in the language's one format (it read 2025-01-15 before issue 10).
    assert f"({format_date(JAN_15)})" in refused.value.message
    assert ledger_counts() == (1, 3)


def test_a_reversal_on_the_day_of_the_entry_is_allowed(original):
    """The same day as the entry is not before it."""
    assert entry_reverse(entry=original, date=JAN_15).date == JAN_15


def test_reversing_an_unknown_entry_is_not_found():
    """Reversing an entry that does not exist raises NotFound (404)."""
    with pytest.raises(NotFound) as missing:
        entry_reverse(entry=987654)

    assert missing.value.http_status == 404
    assert "987654" in missing.value.message
    assert ledger_counts() == (0, 0)


def test_an_entry_on_an_account_closed_since_can_still_be_reversed(original):
    """Deactivating an account stops new postings, not the correction of old ones."""
    from ledger.models import Account

    Account.objects.filter(code=OPERATING).update(is_active=False)

    reversal = entry_reverse(entry=original, memo="Wrong account")

    assert reversal.reverses_id == original.pk
    assert selectors.account_balance(account=OPERATING) == Decimal("0.00")
