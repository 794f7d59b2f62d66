"""ledger.services.entry_post: the one way money moves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ledger.models import Account, AccountType, JournalEntry
from ledger.services import Credit, Debit, Line, entry_post
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput
from tests.ledger.factories import (
    CASH,
    CLAIMS_PAID,
    CONTRIBUTIONS,
    JAN_15,
    OPERATING,
    ledger_counts,
    post,
    posting_lines,
)

pytestmark = pytest.mark.django_db

BALANCED = [Debit(CASH, "100.00"), Credit(CONTRIBUTIONS, "100.00")]


def call(**overrides):
    kwargs = {
        "idempotency_key": "entry-1",
        "date": JAN_15,
        "memo": "Contributions received",
        "lines": BALANCED,
    }
    kwargs.update(overrides)
    return entry_post(**kwargs)


def test_a_balanced_entry_is_posted_with_its_lines():
    """A balanced entry is stored with one posting per line, debits positive, credits
    negative, dated like the entry, in the society's currency, recorded by the actor."""
    entry = call(
        lines=[
            Debit(CASH, "100.00"),
            Credit(CONTRIBUTIONS, "60.00"),
            Credit(CONTRIBUTIONS, "40.00"),
        ]
    )

    entry.refresh_from_db()
    assert entry.idempotency_key == "entry-1"
    assert entry.date == JAN_15
    assert entry.memo == "Contributions received"
    assert entry.currency == "CNY"
    assert entry.reverses is None
    assert posting_lines(entry) == [
        (CASH, "100.00"),
        (CONTRIBUTIONS, "-40.00"),
        (CONTRIBUTIONS, "-60.00"),
    ]
    assert set(entry.postings.values_list("date", flat=True)) == {JAN_15}
    assert ledger_counts() == (1, 3)


def test_the_actor_and_source_are_recorded(finance_user):
    """The entry keeps who recorded it and what caused it."""
    entry = call(actor=finance_user, source_type="members.payment", source_id=42)

    entry.refresh_from_db()
    assert entry.created_by == finance_user
    assert entry.source_type == "members.payment"
    assert entry.source_id == "42"


def test_whole_amounts_are_stored_to_the_cent():
    """An amount without decimals (Decimal, int or text) is stored with two places."""
    entry = call(lines=[Debit(CASH, 100), Credit(CONTRIBUTIONS, Decimal("100"))])

    assert posting_lines(entry) == [(CASH, "100.00"), (CONTRIBUTIONS, "-100.00")]


REFUSED = [
    pytest.param(
        {"lines": [Debit(CASH, "100.00"), Credit(CONTRIBUTIONS, "99.99")]},
        "lines",
        id="unbalanced",
    ),
    pytest.param({"lines": []}, "lines", id="empty-entry"),
    pytest.param({"lines": [Debit(CASH, "100.00")]}, "lines", id="one-line"),
    pytest.param(
        {"lines": [Debit(CASH, "100.00"), Credit(CONTRIBUTIONS, "100.00"), Debit(OPERATING, 0)]},
        "lines",
        id="zero-line",
    ),
    pytest.param(
        {"lines": [Debit(CASH, "10.005"), Credit(CONTRIBUTIONS, "10.005")]},
        "lines",
        id="three-decimals",
    ),
    pytest.param(
        {"lines": [Line(CASH, 1.5), Line(CONTRIBUTIONS, -1.5)]},  # type: ignore[arg-type]
        "lines",
        id="float-amount",
    ),
    pytest.param(
        {"lines": [Line(CASH, Decimal("NaN")), Line(CONTRIBUTIONS, Decimal("NaN"))]},
        "lines",
        id="not-a-number",
    ),
    pytest.param(
        {"lines": [Debit("9999", "1.00"), Credit(CONTRIBUTIONS, "1.00")]},
        "lines",
        id="unknown-account",
    ),
    pytest.param({"idempotency_key": ""}, "idempotency_key", id="empty-key"),
    pytest.param({"idempotency_key": "   "}, "idempotency_key", id="blank-key"),
    pytest.param({"idempotency_key": "k" * 201}, "idempotency_key", id="key-too-long"),
    pytest.param({"memo": ""}, "memo", id="empty-memo"),
    pytest.param({"memo": "  \n "}, "memo", id="blank-memo"),
    pytest.param(
        {"date": dt.datetime(2025, 1, 15, 12, tzinfo=dt.UTC)}, "date", id="datetime-not-date"
    ),
]


@pytest.mark.parametrize(("overrides", "field"), REFUSED)
def test_an_invalid_entry_is_refused_and_leaves_nothing_behind(overrides, field):
    """An unbalanced, empty, one-line, zero-line, sub-cent, float, unknown-account,
    key-less or memo-less entry is refused with InvalidInput naming the field, and neither
    an entry nor a posting is left behind."""
    post("existing")  # the ledger is not empty: nothing of it may change either
    before = ledger_counts()

    with pytest.raises(InvalidInput) as refused:
        call(**overrides)

    error = refused.value
    assert error.code == "invalid"
    assert error.http_status == 400
    assert error.fields == {field: [error.message]}
    assert error.message
    assert ledger_counts() == before == (1, 2)


def test_an_unbalanced_entry_names_the_difference():
    """The refusal of an unbalanced entry gives debits, credits and the difference."""
    with pytest.raises(InvalidInput) as refused:
        call(lines=[Debit(CASH, "100.00"), Credit(CONTRIBUTIONS, "99.99")])

    assert "100.00" in refused.value.message
    assert "99.99" in refused.value.message
    assert "0.01" in refused.value.message


def test_an_inactive_account_takes_no_new_postings():
    """An entry touching an inactive account is refused and leaves nothing behind."""
    Account.objects.create(
        code="6699",
        name="旧费用",
        name_en="Old expenses",
        type=AccountType.EXPENSE,
        is_active=False,
    )
    before = ledger_counts()

    with pytest.raises(InvalidInput) as refused:
        call(lines=[Debit("6699", "5.00"), Credit(CASH, "5.00")])

    assert refused.value.fields == {"lines": [refused.value.message]}
    assert "6699" in refused.value.message
    assert ledger_counts() == before == (0, 0)


def test_posting_twice_with_the_same_key_posts_once():
    """Replaying an entry (same key, date and lines) returns the first entry; nothing is
    added."""
    first = call()
    after_first = ledger_counts()

    again = call()

    assert again.pk == first.pk
    assert ledger_counts() == after_first == (1, 2)


def test_a_replay_may_list_the_lines_in_another_order_and_spelling():
    """Lines are compared as a set of (account, amount): order and 100 vs 100.00 don't
    matter, and surrounding spaces in the key are ignored."""
    first = call(lines=[Debit(CASH, "100.00"), Credit(CONTRIBUTIONS, "100.00")])

    again = call(
        idempotency_key="  entry-1 ",
        lines=[Credit(CONTRIBUTIONS, 100), Debit(CASH, Decimal("100"))],
    )

    assert again.pk == first.pk
    assert ledger_counts() == (1, 2)


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param(
            {"lines": [Debit(CASH, "100.01"), Credit(CONTRIBUTIONS, "100.01")]}, id="amount"
        ),
        pytest.param(
            {"lines": [Debit(CLAIMS_PAID, "100.00"), Credit(CASH, "100.00")]}, id="accounts"
        ),
        pytest.param(
            {
                "lines": [
                    Debit(CASH, "100.00"),
                    Credit(CONTRIBUTIONS, "50.00"),
                    Credit(CONTRIBUTIONS, "50.00"),
                ]
            },
            id="split-line",
        ),
        pytest.param({"date": dt.date(2025, 1, 16)}, id="date"),
    ],
)
def test_the_same_key_for_another_entry_is_a_conflict(overrides):
    """Reusing a key with other lines or another date raises IdempotencyConflict on the
    key; the first entry is untouched and nothing is added."""
    first = call()

    with pytest.raises(IdempotencyConflict) as conflict:
        call(**overrides)

    error = conflict.value
    assert error.code == "idempotency_conflict"
    assert error.http_status == 409
    assert error.fields == {"idempotency_key": [error.message]}
    assert str(first.pk) in error.message
    assert ledger_counts() == (1, 2)
    assert posting_lines(first) == [(CASH, "100.00"), (CONTRIBUTIONS, "-100.00")]


def test_a_replay_with_another_memo_returns_the_first_entry():
    """The memo is description, not substance: a replay with another memo is the same
    entry and keeps the first memo."""
    first = call(memo="first memo")

    again = call(memo="second memo")

    assert again.pk == first.pk
    assert JournalEntry.objects.get().memo == "first memo"


def test_an_amount_larger_than_a_posting_holds_is_refused_before_the_database():
    """A posting holds 18 digits (less than 10^16): a larger amount is refused on "lines"
    naming the line, not left to the database (PostgreSQL: numeric field overflow, a
    500). Up to that the system may post: its computed amounts are not held to the
    society's largest single amount."""
    with pytest.raises(InvalidInput) as error:
        post("too-big", Debit(CASH, "10000000000000000.00"), Credit(CONTRIBUTIONS, "1E16"))

    assert error.value.fields["lines"] == [
        "Line 1: 10000000000000000.00 is more than one posting can hold (9999999999999999.99)."
    ]
    assert ledger_counts() == (0, 0)
    assert post(
        "largest", Debit(CASH, "9999999999999999.99"), Credit(CONTRIBUTIONS, "9999999999999999.99")
    )
