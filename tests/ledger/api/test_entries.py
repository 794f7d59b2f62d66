"""API: /api/v1/ledger/entries/ — list and post manual entries; reverse an entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ledger.models import JournalEntry
from ledger.services import Credit, Debit, entry_post
from tests.helpers import assert_error
from tests.ledger.factories import (
    CASH,
    CONTRIBUTIONS,
    JAN_15,
    OPERATING,
    PREPAID,
    RECEIVABLE,
    ledger_counts,
    manual,
    post,
    system,
    transfer,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/ledger/entries/"


def body(**overrides) -> dict:
    data = {
        "idempotency_key": "manual-1",
        "date": "2025-01-15",
        "memo": "Contributions banked",
        "lines": [
            {"account": CASH, "debit": "100.00"},
            {"account": CONTRIBUTIONS, "credit": "100.00"},
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def finance(client, finance_user):
    client.force_login(finance_user)
    return client


# --- Who may do what -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_refused_with_403(client, method):
    """Session authentication has no login challenge, so DRF answers 403 (not 401) with
    the code not_authenticated, in the error shape; nothing is posted."""
    response = getattr(client, method)(URL, body(), content_type="application/json")

    assert_error(response, 403, "not_authenticated", fields=set())
    assert ledger_counts() == (0, 0)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_user_without_the_permission_is_refused(client, plain_user, method):
    """A signed-in person without the ledger permissions gets 403 permission_denied."""
    client.force_login(plain_user)

    response = getattr(client, method)(URL, body(), content_type="application/json")

    assert_error(response, 403, "permission_denied", fields=set())
    assert ledger_counts() == (0, 0)


def test_a_regulator_reads_entries_but_cannot_post(client, regulator_user):
    """The regulator's read-only role lists entries (200) and is refused a post (403)."""
    post("existing")
    client.force_login(regulator_user)

    listed = client.get(URL)
    posted = client.post(URL, body(), content_type="application/json")

    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert_error(posted, 403, "permission_denied")
    assert ledger_counts() == (1, 2)


def test_a_post_needs_the_csrf_token_of_the_session(finance_user):
    """With session authentication a write without the CSRF token is refused (403)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(finance_user)

    response = client.post(URL, body(), content_type="application/json")

    error = assert_error(response, 403, "permission_denied")
    assert "CSRF" in error["message"]
    assert ledger_counts() == (0, 0)


# --- Posting -------------------------------------------------------------------------------


def test_finance_posts_a_balanced_entry(finance, finance_user):
    """201 with the entry; amounts are decimal strings, debits positive; the entry is a
    manual one recorded by the user, its key shown as stored (manual:<key>)."""
    response = finance.post(URL, body(), content_type="application/json")

    assert response.status_code == 201, response.content
    data = response.json()
    entry = JournalEntry.objects.get()
    assert data["id"] == entry.pk
    assert {k: data[k] for k in data if k not in {"id", "created_at"}} == {
        "idempotency_key": "manual:manual-1",
        "date": "2025-01-15",
        "memo": "Contributions banked",
        "currency": "CNY",
        "source_type": "ledger.manual",
        "source_id": str(finance_user.pk),
        "reverses": None,
        "postings": [
            {"account": CASH, "amount": "100.00"},
            {"account": CONTRIBUTIONS, "amount": "-100.00"},
        ],
    }
    assert entry.created_by == finance_user
    assert ledger_counts() == (1, 2)


def test_posting_the_same_key_again_returns_the_entry_with_200(finance):
    """The replay answers 200 with the first entry; one entry exists."""
    first = finance.post(URL, body(), content_type="application/json")

    again = finance.post(URL, body(), content_type="application/json")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert ledger_counts() == (1, 2)


def test_the_same_key_for_other_lines_is_a_409_conflict(finance):
    """Reusing a key for another entry answers 409 idempotency_conflict on the key."""
    finance.post(URL, body(), content_type="application/json")

    response = finance.post(
        URL,
        body(lines=[{"account": CASH, "debit": "5.00"}, {"account": OPERATING, "credit": "5.00"}]),
        content_type="application/json",
    )

    assert_error(response, 409, "idempotency_conflict", fields={"idempotency_key"})
    assert ledger_counts() == (1, 2)


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        pytest.param(
            body(
                lines=[
                    {"account": CASH, "debit": "100.00"},
                    {"account": CONTRIBUTIONS, "credit": "99.99"},
                ]
            ),
            {"lines"},
            id="unbalanced",
        ),
        pytest.param(
            body(lines=[{"account": CASH, "debit": "1.00"}, {"account": "9999", "credit": "1.00"}]),
            {"lines"},
            id="unknown-account",
        ),
        pytest.param(
            body(
                lines=[{"account": CASH, "debit": "0"}, {"account": CONTRIBUTIONS, "credit": "0"}]
            ),
            {"lines"},
            id="zero-lines",
        ),
        pytest.param(body(lines=[]), {"lines.non_field_errors"}, id="no-lines"),
        pytest.param(body(lines=[{"account": CASH, "debit": "1.00"}]), {"lines"}, id="one-line"),
        pytest.param(
            body(
                lines=[
                    {"account": CASH, "debit": "10.005"},
                    {"account": CONTRIBUTIONS, "credit": "10.005"},
                ]
            ),
            {"lines.0.debit", "lines.1.credit"},
            id="three-decimals",
        ),
        pytest.param(
            body(
                lines=[
                    {"account": CASH, "debit": "-5.00"},
                    {"account": CONTRIBUTIONS, "debit": "5.00"},
                ]
            ),
            {"lines.0.debit"},
            id="negative-debit",
        ),
        pytest.param(
            body(
                lines=[
                    {"account": CASH, "debit": "5.00", "credit": "5.00"},
                    {"account": CONTRIBUTIONS},
                ]
            ),
            {"lines.0.non_field_errors", "lines.1.non_field_errors"},
            id="both-or-neither-side",
        ),
        pytest.param(body(date="15/01/2025"), {"date"}, id="bad-date"),
        pytest.param(body(memo=""), {"memo"}, id="empty-memo"),
        pytest.param(body(idempotency_key=""), {"idempotency_key"}, id="empty-key"),
        pytest.param(body(idempotency_key="   "), {"idempotency_key"}, id="blank-key"),
        pytest.param(body(idempotency_key="k" * 194), {"idempotency_key"}, id="key-too-long"),
        pytest.param({}, {"idempotency_key", "date", "memo", "lines"}, id="nothing"),
    ],
)
def test_an_invalid_entry_is_a_400_and_nothing_is_saved(finance, data, fields):
    """Shape errors from the serializer and rule errors from the service both answer 400
    invalid in the error shape, naming the fields (nested ones as "lines.0.debit")."""
    response = finance.post(URL, data, content_type="application/json")

    assert_error(response, 400, "invalid", fields=fields)
    assert ledger_counts() == (0, 0)


def test_the_unbalanced_message_gives_the_amounts(finance):
    """The message of an unbalanced entry is the service's, naming the difference."""
    response = finance.post(
        URL,
        body(lines=[{"account": CASH, "debit": "100.00"}, {"account": OPERATING, "credit": "1"}]),
        content_type="application/json",
    )

    error = assert_error(response, 400, "invalid", fields={"lines"})
    assert error["fields"]["lines"] == [error["message"]]
    assert "99.00" in error["message"]


@pytest.mark.parametrize("code", [RECEIVABLE, PREPAID, "2202"])
def test_a_line_on_a_control_account_is_a_400_naming_it(finance, code):
    """A control account (kept by another part of the system) takes no manual line: 400
    invalid on "lines", the message naming the account; nothing is saved."""
    response = finance.post(
        URL,
        body(lines=[{"account": code, "debit": "5.00"}, {"account": CASH, "credit": "5.00"}]),
        content_type="application/json",
    )

    error = assert_error(response, 400, "invalid", fields={"lines"})
    assert code in error["message"]
    assert ledger_counts() == (0, 0)


def test_a_manual_key_in_a_system_namespace_does_not_block_the_system(finance):
    """The key "members.due:1" posted by hand is stored as manual:members.due:1; the
    system's later post under members.due:1 makes its own entry."""
    response = finance.post(URL, body(idempotency_key="members.due:1"), "application/json")

    theirs = entry_post(
        idempotency_key="members.due:1",
        date=JAN_15,
        memo="Premium due",
        lines=[Debit(RECEIVABLE, "30.00"), Credit(CONTRIBUTIONS, "30.00")],
        source_type="members.due",
    )

    assert response.status_code == 201
    assert response.json()["idempotency_key"] == "manual:members.due:1"
    assert theirs.pk != response.json()["id"]
    assert ledger_counts() == (2, 4)


def test_the_accounts_say_whether_they_take_manual_entries(finance):
    """The chart of accounts shows manual_postings_allowed (off for 1122, 2202, 2203, 2241
    refunds payable and the reserves 2601-2603, which the approved reserve runs keep)."""
    accounts = {a["code"]: a for a in finance.get("/api/v1/ledger/accounts/").json()}

    assert {c for c, a in accounts.items() if not a["manual_postings_allowed"]} == {
        RECEIVABLE,
        "2202",
        PREPAID,
        "2241",
        "2601",
        "2602",
        "2603",
    }


# --- Listing -------------------------------------------------------------------------------


def test_the_list_is_paginated_newest_first(finance):
    """Entries come newest first in pages (count, next, previous, results); without a
    limit the first page holds up to 50."""
    for n in range(3):
        transfer(f"e{n}", CASH, CONTRIBUTIONS, f"{n + 1}.00")

    response = finance.get(URL)
    limited = finance.get(URL, {"limit": 2})

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert [e["idempotency_key"] for e in data["results"]] == ["e2", "e1", "e0"]
    assert data["results"][0]["postings"] == [
        {"account": CASH, "amount": "3.00"},
        {"account": CONTRIBUTIONS, "amount": "-3.00"},
    ]
    assert [e["idempotency_key"] for e in limited.json()["results"]] == ["e2", "e1"]
    assert limited.json()["next"].endswith("?limit=2&offset=2")


def test_the_list_filters_by_account_and_dates(finance):
    """?account= keeps entries touching it; ?date_from/date_to bound the dates."""
    import datetime as dt

    transfer("jan", CASH, CONTRIBUTIONS, "1.00", on=dt.date(2025, 1, 10))
    transfer("feb", OPERATING, CASH, "2.00", on=dt.date(2025, 2, 10))

    by_account = finance.get(URL, {"account": OPERATING}).json()
    by_date = finance.get(URL, {"date_from": "2025-01-01", "date_to": "2025-01-31"}).json()

    assert [e["idempotency_key"] for e in by_account["results"]] == ["feb"]
    assert [e["idempotency_key"] for e in by_date["results"]] == ["jan"]


def test_a_bad_date_filter_is_a_400(finance):
    """A date filter that is not a date answers 400 naming it."""
    assert_error(finance.get(URL, {"date_from": "yesterday"}), 400, "invalid", {"date_from"})


def test_the_list_runs_a_constant_number_of_queries(finance):
    """The page does not grow queries with the number of entries it shows."""

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert finance.get(URL).status_code == 200
        return len(captured)

    transfer("one", CASH, CONTRIBUTIONS, "1.00")
    with_one = queries_for_page()
    for n in range(10):
        transfer(f"more{n}", CASH, OPERATING, "1.00")

    assert queries_for_page() == with_one


# --- Reversing -----------------------------------------------------------------------------


def reverse_url(entry_id: int) -> str:
    return f"{URL}{entry_id}/reverse/"


def test_finance_reverses_an_entry(finance):
    """201 with the mirror entry, pointing to the original."""
    entry = manual("orig", CASH, CONTRIBUTIONS, "12.34")

    response = finance.post(
        reverse_url(entry.pk), {"date": "2025-02-01", "memo": "Typo"}, "application/json"
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["reverses"] == entry.pk
    assert data["date"] == "2025-02-01"
    assert data["memo"] == "Typo"
    assert data["source_type"] == "ledger.reversal"
    assert data["postings"] == [
        {"account": CASH, "amount": "-12.34"},
        {"account": CONTRIBUTIONS, "amount": "12.34"},
    ]
    assert ledger_counts() == (2, 4)


def test_reversing_twice_returns_the_same_reversal(finance):
    """The second call answers 200 with the first reversal; nothing more is posted."""
    entry = manual("orig", CASH, CONTRIBUTIONS, "12.34")

    first = finance.post(reverse_url(entry.pk), {}, "application/json")
    again = finance.post(reverse_url(entry.pk), {}, "application/json")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert ledger_counts() == (2, 4)


def test_a_reversal_cannot_be_reversed_through_the_api(finance):
    """Reversing a reversal answers 400 naming the entry."""
    entry = manual("orig", CASH, CONTRIBUTIONS, "12.34")
    reversal_id = finance.post(reverse_url(entry.pk), {}, "application/json").json()["id"]

    response = finance.post(reverse_url(reversal_id), {}, "application/json")

    assert_error(response, 400, "invalid", fields={"entry"})
    assert ledger_counts() == (2, 4)


def test_a_reversal_dated_before_the_entry_is_a_400(finance):
    """The date may not be before the entry's."""
    entry = manual("orig", CASH, CONTRIBUTIONS, "12.34")

    response = finance.post(reverse_url(entry.pk), {"date": "2025-01-01"}, "application/json")

    assert_error(response, 400, "invalid", fields={"date"})
    assert ledger_counts() == (1, 2)


def test_reversing_an_unknown_entry_is_a_404(finance):
    """An entry that does not exist answers 404 not_found."""
    assert_error(finance.post(reverse_url(999999), {}, "application/json"), 404, "not_found")


@pytest.mark.parametrize("source", ["members.due", "members.payment", "members.allocation"])
def test_an_entry_of_another_part_of_the_system_is_refused(finance, source):
    """An entry another part of the system posted stands for a record kept there: 400
    invalid on "entry", the message naming the entry and its source; nothing is posted."""
    entry = system(source, f"{source}:1", RECEIVABLE, CONTRIBUTIONS, "30.00")

    response = finance.post(reverse_url(entry.pk), {}, "application/json")

    error = assert_error(response, 400, "invalid", fields={"entry"})
    assert str(entry.pk) in error["message"]
    assert source in error["message"]
    assert ledger_counts() == (1, 2)


def test_an_entry_the_system_reversed_is_still_refused(finance):
    """Once its owner reversed it, the entry still answers 400, not that reversal."""
    from ledger.services import entry_reverse

    entry = system("members.due", "members.due:1", RECEIVABLE, CONTRIBUTIONS, "30.00")
    entry_reverse(entry=entry)

    response = finance.post(reverse_url(entry.pk), {}, "application/json")

    assert_error(response, 400, "invalid", fields={"entry"})
    assert ledger_counts() == (2, 4)


def test_a_regulator_cannot_reverse(client, regulator_user):
    """Reversing is posting: the read-only role gets 403."""
    entry = manual("orig", CASH, CONTRIBUTIONS, "12.34")
    client.force_login(regulator_user)

    response = client.post(reverse_url(entry.pk), {}, "application/json")

    assert_error(response, 403, "permission_denied")
    assert ledger_counts() == (1, 2)


# --- Amounts and dates a person types (issue: money and dates) ---------------------------


def lines_of(debit, credit=None) -> list[dict]:
    return [
        {"account": CASH, "debit": debit},
        {"account": CONTRIBUTIONS, "credit": debit if credit is None else credit},
    ]


def test_an_amount_over_the_largest_single_amount_is_refused_naming_the_line(finance):
    """9,999,999,999,999,999.99 was accepted (201) and then broke the daily integrity
    check; it is over the society's largest single amount, refused on "lines" with the
    line named, and nothing is posted."""
    response = finance.post(
        URL, body(lines=lines_of("9999999999999999.99")), content_type="application/json"
    )

    error = assert_error(response, 400, "invalid", fields={"lines"})
    assert error["fields"]["lines"] == [
        "Line 1: 9,999,999,999,999,999.99 is over 1,000,000,000.00, the largest single "
        "amount the society accepts; check the amount, or ask an administrator to raise "
        "the limit."
    ]
    assert ledger_counts() == (0, 0)


def test_the_largest_single_amount_itself_is_posted(finance):
    """The default limit lets a general society's whole initial operating fund in as one
    amount (ten times the 100 M CNY minimum)."""
    response = finance.post(
        URL, body(lines=lines_of("1000000000.00")), content_type="application/json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["postings"][0]["amount"] == "1000000000.00"


@pytest.mark.parametrize(
    "amount",
    ["1E3", "1_000", "１００", "١٠٠", "1,000.00", "100.00 ", 100, 100.0],
    ids=["exponent", "underscore", "full-width", "arabic-indic", "comma", "space", "int", "float"],
)
def test_money_that_is_not_an_ascii_decimal_string_is_refused(finance, amount):
    """Only a string of ASCII digits with at most two decimals is money: exponents, digit
    separators, non-ASCII digits and JSON numbers are refused on the line's field.
    (A trailing space is trimmed, so "100.00 " is the one accepted spelling here.)"""
    data = body(lines=lines_of(amount, "100.00"))

    response = finance.post(URL, data, content_type="application/json")

    if amount == "100.00 ":
        assert response.status_code == 201, response.content
        return
    error = assert_error(response, 400, "invalid", fields={"lines.0.debit"})
    if not isinstance(amount, str):
        assert "Send debit as a string" in error["fields"]["lines.0.debit"][0]
    assert ledger_counts() == (0, 0)


@pytest.mark.parametrize(
    "date", ["0001-01-01", "1999-12-31", "9999-12-31"], ids=["year-1", "before-2000", "year-9999"]
)
def test_a_date_outside_the_plausible_window_is_refused(finance, date):
    """Dates 0001-01-01 and 9999-12-31 were accepted; an entry is dated from the
    society's founding (2000-01-01 while unset) to the end of the current month."""
    response = finance.post(URL, body(date=date), content_type="application/json")

    assert_error(response, 400, "invalid", fields={"date"})
    assert ledger_counts() == (0, 0)


def test_an_entry_may_be_dated_to_the_end_of_this_month_but_not_later(finance):
    from mutualsociety.common.selectors import current_period_end

    end = current_period_end()

    ok = finance.post(URL, body(date=end.isoformat()), content_type="application/json")
    late = finance.post(
        URL,
        body(idempotency_key="next", date=(end + dt.timedelta(days=1)).isoformat()),
        content_type="application/json",
    )

    assert ok.status_code == 201, ok.content
    error = assert_error(late, 400, "invalid", fields={"date"})
    assert "end of the current accounting period" in error["message"]
    assert ledger_counts() == (1, 2)


def test_the_founding_date_bounds_entries_once_filled_in(finance):
    from mutualsociety.common.selectors import society_get

    society = society_get()
    society.founded_on = dt.date(2025, 1, 16)
    society.save()

    response = finance.post(URL, body(), content_type="application/json")  # 2025-01-15

    error = assert_error(response, 400, "invalid", fields={"date"})
    assert "when the society was founded" in error["message"]


def test_a_reversal_dated_after_this_month_is_refused(finance):
    entry = manual("to-reverse", CASH, CONTRIBUTIONS, "10.00")

    response = finance.post(
        reverse_url(entry.pk), {"date": "9999-12-31"}, content_type="application/json"
    )

    assert_error(response, 400, "invalid", fields={"date"})
    assert JournalEntry.objects.count() == 1
