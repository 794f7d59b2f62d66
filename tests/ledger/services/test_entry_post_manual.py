"""ledger.services.entry_post_manual: an entry a person posts stays off the control
accounts and out of the system's key namespace."""

from __future__ import annotations

import pytest

from ledger.models import Account, JournalEntry
from ledger.services import Credit, Debit, entry_post, entry_post_manual
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput
from tests.ledger.factories import (
    CASH,
    CLAIMS_PAYABLE,
    CLAIMS_RESERVE,
    CONTRIBUTIONS,
    JAN_15,
    OPERATING,
    PREPAID,
    RECEIVABLE,
    ledger_counts,
    manual,
    posting_lines,
)

pytestmark = pytest.mark.django_db


def test_a_manual_entry_is_posted_under_a_namespaced_key(finance_user):
    """The entry is a manual one by the actor, stored under manual:<client key>."""
    entry = manual(" bank-1 ", CASH, CONTRIBUTIONS, "10.00", actor=finance_user)

    entry.refresh_from_db()
    assert entry.idempotency_key == "manual:bank-1"
    assert entry.source_type == "ledger.manual"
    assert entry.source_id == str(finance_user.pk)
    assert entry.created_by == finance_user
    assert posting_lines(entry) == [(CASH, "10.00"), (CONTRIBUTIONS, "-10.00")]


def test_posting_the_same_client_key_again_returns_the_entry(finance_user):
    """A replay with the same key and lines returns the first entry; other lines conflict."""
    first = manual("bank-1", CASH, CONTRIBUTIONS, "10.00", actor=finance_user)

    again = manual("bank-1", CASH, CONTRIBUTIONS, "10.00", actor=finance_user)
    with pytest.raises(IdempotencyConflict):
        manual("bank-1", CASH, OPERATING, "10.00", actor=finance_user)

    assert again.pk == first.pk
    assert ledger_counts() == (1, 2)


@pytest.mark.parametrize("code", [RECEIVABLE, CLAIMS_PAYABLE, PREPAID])
def test_a_line_on_a_control_account_is_refused_naming_it(finance_user, code):
    """1122, 2202 and 2203 are kept by other parts of the system (migration 0004): a
    manual line on them is refused on "lines", the message names the account, and
    nothing is posted."""
    with pytest.raises(InvalidInput) as refused:
        manual("adjust", code, CASH, "5.00", actor=finance_user)

    assert refused.value.fields == {"lines": [refused.value.message]}
    assert code in refused.value.message
    assert ledger_counts() == (0, 0)


def test_the_control_accounts_are_data_that_staff_change(finance_user):
    """Turning the flag off closes an account to manual entries; turning it on opens it."""
    Account.objects.filter(code=CLAIMS_RESERVE).update(manual_postings_allowed=False)
    with pytest.raises(InvalidInput):
        manual("reserve", OPERATING, CLAIMS_RESERVE, "5.00", actor=finance_user)

    Account.objects.filter(code=RECEIVABLE).update(manual_postings_allowed=True)
    entry = manual("receivable", RECEIVABLE, CASH, "5.00", actor=finance_user)

    assert posting_lines(entry) == [(CASH, "-5.00"), (RECEIVABLE, "5.00")]
    assert ledger_counts() == (1, 2)


def test_the_system_still_posts_to_control_accounts():
    """The flag binds manual entries only: entry_post (other apps) posts to 1122."""
    entry = entry_post(
        idempotency_key="members.due:1",
        date=JAN_15,
        memo="Premium due",
        lines=[Debit(RECEIVABLE, "30.00"), Credit(CONTRIBUTIONS, "30.00")],
        source_type="members.due",
    )

    assert posting_lines(entry) == [(RECEIVABLE, "30.00"), (CONTRIBUTIONS, "-30.00")]


def test_a_replay_after_the_account_was_closed_returns_the_entry(finance_user):
    """Replaying changes nothing, so a replay is answered even when an account of the
    entry was closed to manual entries since."""
    first = manual("fee", CASH, OPERATING, "3.00", actor=finance_user)
    Account.objects.filter(code=OPERATING).update(manual_postings_allowed=False)

    assert manual("fee", CASH, OPERATING, "3.00", actor=finance_user).pk == first.pk


def test_a_manual_key_in_a_system_namespace_does_not_block_the_system(finance_user):
    """A client key "members.due:1" is stored as manual:members.due:1, so the system's
    later post under members.due:1 makes its own entry instead of a conflict."""
    mine = manual("members.due:1", CASH, CONTRIBUTIONS, "1.00", actor=finance_user)

    theirs = entry_post(
        idempotency_key="members.due:1",
        date=JAN_15,
        memo="Premium due",
        lines=[Debit(RECEIVABLE, "30.00"), Credit(CONTRIBUTIONS, "30.00")],
        source_type="members.due",
    )

    assert theirs.pk != mine.pk
    assert sorted(JournalEntry.objects.values_list("idempotency_key", flat=True)) == [
        "manual:members.due:1",
        "members.due:1",
    ]


@pytest.mark.parametrize(
    ("key", "ok"),
    [pytest.param("k" * 193, True, id="193"), pytest.param("k" * 194, False, id="194")],
)
def test_a_client_key_leaves_room_for_the_prefix(finance_user, key, ok):
    """The stored key is at most 200 characters, so a client key is at most 193."""
    if ok:
        assert len(manual(key, CASH, CONTRIBUTIONS, "1.00").idempotency_key) == 200
    else:
        with pytest.raises(InvalidInput) as refused:
            manual(key, CASH, CONTRIBUTIONS, "1.00", actor=finance_user)
        assert set(refused.value.fields) == {"idempotency_key"}
        assert ledger_counts() == (0, 0)


@pytest.mark.parametrize("key", ["", "   "])
def test_a_manual_entry_needs_a_key(finance_user, key):
    """An empty key is refused on the key, not stored as the bare prefix."""
    with pytest.raises(InvalidInput) as refused:
        manual(key, CASH, CONTRIBUTIONS, "1.00", actor=finance_user)

    assert set(refused.value.fields) == {"idempotency_key"}
    assert ledger_counts() == (0, 0)


def test_the_rules_of_entry_post_still_apply(finance_user):
    """An unbalanced manual entry is refused as entry_post refuses it."""
    with pytest.raises(InvalidInput) as refused:
        entry_post_manual(
            idempotency_key="x",
            date=JAN_15,
            memo="Unbalanced",
            lines=[Debit(CASH, "1.00"), Credit(CONTRIBUTIONS, "2.00")],
            actor=finance_user,
        )

    assert set(refused.value.fields) == {"lines"}
    assert ledger_counts() == (0, 0)


def test_the_fund_takes_manual_receipts_but_no_manual_repayment(finance_user):
    """4001 (the initial operating fund) is reduced only through the fund's repayment
    rules (solvency closes it to manual debits): a receipt is a manual credit and
    posts; a manual debit is refused naming the account, and nothing is saved."""
    fund = "4001"
    assert not Account.objects.get(code=fund).manual_debits_allowed
    receipt = manual("fund-in", CASH, fund, "1000.00", actor=finance_user)
    assert posting_lines(receipt) == [(CASH, "1000.00"), (fund, "-1000.00")]

    with pytest.raises(InvalidInput) as refused:
        manual("fund-out", fund, CASH, "1000.00", actor=finance_user)
    assert fund in refused.value.message and "manual entry" in refused.value.message
    assert refused.value.fields == {"lines": [refused.value.message]}
    assert ledger_counts() == (1, 2)
