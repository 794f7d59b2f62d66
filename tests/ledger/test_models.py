"""Ledger rows are written once: the models refuse every update and delete."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models.deletion import ProtectedError

from ledger.models import Account, ImmutableRecord, JournalEntry, Posting
from tests.ledger.factories import CASH, CONTRIBUTIONS, ledger_counts, post, posting_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return post("immutable")


def test_an_entry_cannot_be_saved_again(entry):
    """Saving an existing entry raises ImmutableRecord and changes nothing."""
    entry.memo = "rewritten"

    with pytest.raises(ImmutableRecord):
        entry.save()

    assert JournalEntry.objects.get(pk=entry.pk).memo == "Test entry"


def test_a_posting_cannot_be_saved_again(entry):
    """Saving an existing posting raises ImmutableRecord and changes nothing."""
    posting = entry.postings.get(account__code=CASH)
    posting.amount = posting.amount * 2

    with pytest.raises(ImmutableRecord):
        posting.save()

    assert posting_lines(entry) == [(CASH, "100.00"), (CONTRIBUTIONS, "-100.00")]


def test_an_entry_cannot_be_deleted(entry):
    """Deleting an entry raises ImmutableRecord; it and its postings stay."""
    with pytest.raises(ImmutableRecord):
        entry.delete()

    assert ledger_counts() == (1, 2)


def test_a_posting_cannot_be_deleted(entry):
    """Deleting a posting raises ImmutableRecord; it stays."""
    with pytest.raises(ImmutableRecord):
        entry.postings.first().delete()

    assert ledger_counts() == (1, 2)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda: JournalEntry.objects.all().update(memo="x"), id="entries-update"),
        pytest.param(lambda: JournalEntry.objects.all().delete(), id="entries-delete"),
        pytest.param(lambda: Posting.objects.all().update(amount=1), id="postings-update"),
        pytest.param(lambda: Posting.objects.all().delete(), id="postings-delete"),
        pytest.param(
            lambda: JournalEntry.objects.get().postings.all().delete(), id="related-delete"
        ),
        pytest.param(
            lambda: JournalEntry.objects.bulk_update(
                [JournalEntry(pk=JournalEntry.objects.get().pk, memo="x")], ["memo"]
            ),
            id="entries-bulk-update",
        ),
    ],
)
def test_querysets_refuse_update_and_delete(entry, change):
    """Queryset update, delete and bulk_update of entries and postings raise
    ImmutableRecord; nothing changes."""
    with pytest.raises(ImmutableRecord), transaction.atomic():
        change()

    assert ledger_counts() == (1, 2)
    assert JournalEntry.objects.get().memo == "Test entry"
    assert posting_lines(entry) == [(CASH, "100.00"), (CONTRIBUTIONS, "-100.00")]


def test_an_account_with_postings_cannot_be_deleted(entry):
    """The chart keeps every account that has postings (PROTECT)."""
    with pytest.raises(ProtectedError):
        Account.objects.get(code=CASH).delete()


def test_debit_and_credit_read_the_sign_of_a_posting(entry):
    """A posting shows a positive amount as a debit and a negative one as a credit."""
    cash = entry.postings.get(account__code=CASH)
    income = entry.postings.get(account__code=CONTRIBUTIONS)

    assert (str(cash.debit), cash.credit) == ("100.00", None)
    assert (income.debit, str(income.credit)) == (None, "100.00")


def test_the_control_accounts_take_no_manual_entries():
    """Migration 0004 closes 1122, 2202 and 2203 to manual entries; the reserves
    (2601-2603) are closed by the migration that brings the reserve runs (solvency
    0003), which keep them, and 2241 refunds payable is added closed (members 0008, plan
    wind-downs keep it); the others stay open."""
    closed = set(
        Account.objects.filter(manual_postings_allowed=False).values_list("code", flat=True)
    )

    assert closed == {"1122", "2202", "2203", "2241", "2601", "2602", "2603"}
    assert Account.objects.filter(manual_postings_allowed=True, code="6502").exists()
