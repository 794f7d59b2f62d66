"""The staff face of the ledger: read-only records, reversals as an action, statements."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from ledger.models import Account, JournalEntry
from tests.ledger.factories import (
    CASH,
    CONTRIBUTIONS,
    RECEIVABLE,
    ledger_counts,
    manual,
    system,
)

pytestmark = pytest.mark.django_db

ENTRIES = "/admin/ledger/journalentry/"
STATEMENTS = "/admin/ledger/account/statements/"


@pytest.fixture
def entry():
    return manual("orig", CASH, CONTRIBUTIONS, "250.00")


@pytest.fixture
def finance(client, finance_user):
    client.force_login(finance_user)
    return client


@pytest.fixture
def regulator(client, regulator_user):
    client.force_login(regulator_user)
    return client


def test_finance_lists_and_views_entries(finance, entry):
    """The journal lists entries and shows one, read-only."""
    listed = finance.get(ENTRIES)
    shown = finance.get(f"{ENTRIES}{entry.pk}/change/")

    assert listed.status_code == 200
    assert shown.status_code == 200
    assert shown.context["has_change_permission"] is False
    assert shown.context["has_delete_permission"] is False


@pytest.mark.parametrize(
    "path",
    [f"{ENTRIES}add/", "/admin/ledger/posting/add/", "/admin/ledger/integritycheck/add/"],
)
def test_no_one_adds_ledger_records_in_the_admin(admin_client, path):
    """Even a superuser cannot add entries, postings or checks by hand: 403."""
    assert admin_client.get(path).status_code == 403


def test_no_one_deletes_an_entry_in_the_admin(admin_client, entry):
    """The delete page is refused (403) and the entry stays."""
    response = admin_client.post(f"{ENTRIES}{entry.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert ledger_counts() == (1, 2)


def test_the_reverse_action_posts_mirror_entries(finance, entry):
    """Finance reverses selected entries with the admin action; reversals once."""
    data = {"action": "reverse_entries", "_selected_action": [entry.pk]}

    first = finance.post(ENTRIES, data)
    again = finance.post(ENTRIES, data)

    assert first.status_code == again.status_code == 302
    assert JournalEntry.objects.get(reverses=entry).source_type == "ledger.reversal"
    assert ledger_counts() == (2, 4)


def test_the_reverse_action_refuses_an_entry_of_another_part_of_the_system(finance, entry):
    """An entry posted by members.due is refused with the service's message saying to
    correct it there; the manual entry selected with it is still reversed."""
    due = system("members.due", "members.due:1", RECEIVABLE, CONTRIBUTIONS, "30.00")

    response = finance.post(
        ENTRIES,
        {"action": "reverse_entries", "_selected_action": [due.pk, entry.pk]},
        follow=True,
    )

    shown = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    errors = [text for level, text in shown if level == "error"]
    assert len(errors) == 1
    assert f"#{due.pk}" in errors[0]
    assert "members.due" in errors[0]
    assert not JournalEntry.objects.filter(reverses=due).exists()
    assert JournalEntry.objects.filter(reverses=entry).exists()
    assert ledger_counts() == (3, 6)


def test_the_reverse_action_on_system_entries_only_posts_nothing(finance):
    """Selecting only entries of other parts of the system posts nothing."""
    due = system("members.due", "members.due:1", RECEIVABLE, CONTRIBUTIONS, "30.00")
    paid = system("members.payment", "members.payment:1", CASH, RECEIVABLE, "30.00")

    response = finance.post(
        ENTRIES, {"action": "reverse_entries", "_selected_action": [due.pk, paid.pk]}
    )

    assert response.status_code == 302
    assert ledger_counts() == (2, 4)


def test_staff_close_an_account_to_manual_entries(admin_client):
    """manual_postings_allowed is edited on the account's admin page (code and type stay)."""
    account = Account.objects.get(code=CASH)
    url = f"/admin/ledger/account/{account.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    assert "manual_postings_allowed" in form.fields

    response = admin_client.post(
        url,
        {
            "name": account.name,
            "name_en": account.name_en,
            "description": account.description,
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.manual_postings_allowed is False


def test_the_regulator_cannot_reverse(regulator, entry):
    """The read-only role's action posts nothing."""
    regulator.post(ENTRIES, {"action": "reverse_entries", "_selected_action": [entry.pk]})

    assert ledger_counts() == (1, 2)


def test_the_statements_page_renders(regulator, entry):
    """The regulator opens the statements page for a period."""
    response = regulator.get(STATEMENTS, {"start": "2025-01-01", "end": "2025-12-31"})

    assert response.status_code == 200
    assert response.context["trial_balance"].total_debits == 250
    assert response.context["errors"] == []
    assert response.context["balance_sheet"].balances is True


def test_bad_dates_on_the_statements_page_are_reported(regulator):
    """A date that is not a date falls back to the default and says so."""
    response = regulator.get(STATEMENTS, {"start": "soon", "end": "2025-13-45"})

    assert response.status_code == 200
    assert len(response.context["errors"]) == 2


def test_the_statements_page_needs_the_permission(client, make_user):
    """Staff without the ledger's view permission are refused (403)."""
    client.force_login(make_user("clerk", is_staff=True))

    assert client.get(STATEMENTS).status_code == 403


def test_an_entry_s_postings_read_as_debit_and_credit_amounts(finance):
    """The entry page and the postings list show each posting's side with its label and
    the amount grouped; the empty side is a dash, not "None" (the columns were the model's
    bare properties: "DEBIT", "8000.00", "None")."""
    big = manual("big", CASH, CONTRIBUTIONS, "8000.00")

    shown = finance.get(f"{ENTRIES}{big.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    listed = finance.get("/admin/ledger/posting/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = shown.content.decode()
    assert "8,000.00" in page and "8000.00" not in page
    assert ">None<" not in page and "None\n" not in page
    assert "Debit" in page and "Credit" in page
    chinese = listed.content.decode()
    assert "借方" in chinese and "贷方" in chinese and "8,000.00" in chinese
