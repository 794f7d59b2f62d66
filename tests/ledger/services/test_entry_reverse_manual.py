"""ledger.services.entry_reverse_manual: a person reverses only entries people posted."""

from __future__ import annotations

import pytest

from ledger.services import Credit, Debit, entry_post, entry_reverse, entry_reverse_manual
from mutualsociety.common.exceptions import InvalidInput, NotFound
from tests.ledger.factories import (
    CASH,
    CLAIMS_PAYABLE,
    CONTRIBUTIONS,
    INITIAL_FUND,
    JAN_15,
    PREPAID,
    RECEIVABLE,
    ledger_counts,
    manual,
    posting_lines,
    system,
)

pytestmark = pytest.mark.django_db


def test_a_manual_entry_is_reversed(finance_user):
    """The mirror entry is posted, pointing to the original, by the actor."""
    original = manual("bank-1", CASH, CONTRIBUTIONS, "10.00", actor=finance_user)

    reversal = entry_reverse_manual(entry=original.pk, date=JAN_15, actor=finance_user)

    assert reversal.reverses_id == original.pk
    assert reversal.source_type == "ledger.reversal"
    assert reversal.created_by == finance_user
    assert posting_lines(reversal) == [(CASH, "-10.00"), (CONTRIBUTIONS, "10.00")]
    assert entry_reverse_manual(entry=original, actor=finance_user).pk == reversal.pk
    assert ledger_counts() == (2, 4)


def test_a_demo_entry_is_reversed(finance_user):
    """The demo society's opening entries (source "demo") count as manual."""
    original = system("demo", "demo:fund", CASH, INITIAL_FUND, "1000.00")

    reversal = entry_reverse_manual(entry=original, date=JAN_15, actor=finance_user)

    assert reversal.reverses_id == original.pk


@pytest.mark.parametrize(
    ("source", "debit", "credit"),
    [
        ("members.due", RECEIVABLE, CONTRIBUTIONS),
        ("members.payment", CASH, PREPAID),
        ("members.allocation", PREPAID, RECEIVABLE),
        ("claims.payment", CLAIMS_PAYABLE, CASH),
        ("", CASH, CONTRIBUTIONS),
    ],
)
def test_an_entry_of_another_part_of_the_system_is_refused(finance_user, source, debit, credit):
    """Reversing it alone would leave the record it stands for (a due, a payment) and the
    ledger disagreeing: refused on "entry", the message naming the entry and its source
    and saying to correct it there; nothing is posted."""
    original = system(source, "sys:1", debit, credit, "30.00")

    with pytest.raises(InvalidInput) as refused:
        entry_reverse_manual(entry=original.pk, date=JAN_15, actor=finance_user)

    assert refused.value.fields == {"entry": [refused.value.message]}
    assert str(original.pk) in refused.value.message
    assert source in refused.value.message
    assert ledger_counts() == (1, 2)


def test_the_owning_part_still_reverses_its_entry():
    """Other apps keep calling entry_reverse for their own entries (cancelling a due)."""
    original = system("members.due", "members.due:1", RECEIVABLE, CONTRIBUTIONS, "30.00")

    reversal = entry_reverse(entry=original, date=JAN_15)

    assert reversal.reverses_id == original.pk


def test_a_reversal_keeps_its_own_refusal(finance_user):
    """A reversal is refused as entry_reverse refuses it: post a new entry instead."""
    original = manual("bank-1", CASH, CONTRIBUTIONS, "10.00", actor=finance_user)
    reversal = entry_reverse_manual(entry=original, date=JAN_15, actor=finance_user)

    with pytest.raises(InvalidInput) as refused:
        entry_reverse_manual(entry=reversal, date=JAN_15, actor=finance_user)
    with pytest.raises(InvalidInput) as by_entry_reverse:
        entry_reverse(entry=reversal, date=JAN_15)

    assert refused.value.fields == by_entry_reverse.value.fields
    assert ledger_counts() == (2, 4)


def test_an_old_manual_entry_on_a_control_account_can_be_reversed(finance_user):
    """A manual entry posted on 1122 before it was closed is reversed, putting the
    account back: a reversal is not a new manual posting."""
    original = entry_post(
        idempotency_key="legacy",
        date=JAN_15,
        memo="Before migration 0004",
        lines=[Debit(RECEIVABLE, "5.00"), Credit(CASH, "5.00")],
        source_type="ledger.manual",
    )

    reversal = entry_reverse_manual(entry=original, date=JAN_15, actor=finance_user)

    assert posting_lines(reversal) == [(CASH, "5.00"), (RECEIVABLE, "-5.00")]


def test_an_unknown_entry_is_not_found(finance_user):
    """Reversing an entry that does not exist raises NotFound."""
    with pytest.raises(NotFound):
        entry_reverse_manual(entry=987654, actor=finance_user)


def test_reversing_again_with_another_date_or_memo_is_a_conflict(finance_user):
    """A replay (nothing asked, or what was asked the first time) returns the reversal;
    asking for another date or memo is a second reversal of the same entry: refused 409
    on the field, and nothing is posted."""
    import datetime as dt

    from mutualsociety.common.exceptions import IdempotencyConflict

    original = manual("bank-2", CASH, CONTRIBUTIONS, "10.00", actor=finance_user)
    reversal = entry_reverse_manual(
        entry=original, date=JAN_15, memo="Typed twice.", actor=finance_user
    )

    replay = entry_reverse_manual(
        entry=original, date=JAN_15, memo="Typed twice.", actor=finance_user
    )
    assert (replay.pk, replay.replayed) == (reversal.pk, True)
    assert entry_reverse_manual(entry=original, actor=finance_user).pk == reversal.pk

    with pytest.raises(IdempotencyConflict) as other_date:
        entry_reverse_manual(entry=original, date=JAN_15 + dt.timedelta(days=1), actor=finance_user)
    with pytest.raises(IdempotencyConflict) as other_memo:
        entry_reverse_manual(entry=original, memo="Another reason.", actor=finance_user)

    assert set(other_date.value.fields) == {"date"}
    assert set(other_memo.value.fields) == {"memo"}
    assert other_date.value.http_status == 409
    assert ledger_counts() == (2, 4)
