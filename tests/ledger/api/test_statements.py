"""API: the chart of accounts, trial balance, balance sheet and income statement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ledger.services import Credit, Debit
from tests.helpers import assert_error
from tests.ledger.factories import (
    CASH,
    CLAIMS_PAID,
    CLAIMS_RESERVE,
    CONTRIBUTIONS,
    INITIAL_FUND,
    RESERVE_CHANGE,
    post,
    transfer,
)

pytestmark = pytest.mark.django_db

TRIAL_BALANCE = "/api/v1/ledger/trial-balance/"
BALANCE_SHEET = "/api/v1/ledger/balance-sheet/"
INCOME_STATEMENT = "/api/v1/ledger/income-statement/"
ACCOUNTS = "/api/v1/ledger/accounts/"


@pytest.fixture
def books():
    transfer("fund", CASH, INITIAL_FUND, "1000.00", on=dt.date(2025, 1, 5))
    post(
        "contributions",
        Debit(CASH, "300.50"),
        Credit(CONTRIBUTIONS, "300.50"),
        on=dt.date(2025, 2, 5),
    )
    transfer("claim", CLAIMS_PAID, CASH, "120.25", on=dt.date(2025, 2, 20))
    transfer("reserve", RESERVE_CHANGE, CLAIMS_RESERVE, "80.00", on=dt.date(2025, 3, 31))


@pytest.fixture
def regulator(client, regulator_user):
    client.force_login(regulator_user)
    return client


@pytest.mark.parametrize("url", [TRIAL_BALANCE, BALANCE_SHEET, INCOME_STATEMENT, ACCOUNTS])
def test_anonymous_is_refused(client, url):
    """Every ledger read needs a signed-in person: 403 not_authenticated."""
    assert_error(client.get(url), 403, "not_authenticated")


@pytest.mark.parametrize("url", [TRIAL_BALANCE, BALANCE_SHEET, INCOME_STATEMENT, ACCOUNTS])
def test_a_user_without_the_permission_is_refused(client, plain_user, url):
    """A person without the ledger's view permissions gets 403 permission_denied."""
    client.force_login(plain_user)

    assert_error(client.get(url), 403, "permission_denied")


def test_the_trial_balance_with_amounts_as_strings(regulator, books):
    """The regulator reads the trial balance at a date: rows per account with debit and
    credit as two-decimal strings, and equal totals."""
    response = regulator.get(TRIAL_BALANCE, {"as_of": "2025-02-28"})

    assert response.status_code == 200
    data = response.json()
    assert data["as_of"] == "2025-02-28"
    assert [(r["account"], r["type"], r["debit"], r["credit"]) for r in data["rows"]] == [
        (CASH, "asset", "1180.25", "0.00"),
        (INITIAL_FUND, "equity", "0.00", "1000.00"),
        (CONTRIBUTIONS, "income", "0.00", "300.50"),
        (CLAIMS_PAID, "expense", "120.25", "0.00"),
    ]
    assert all(r["name"] for r in data["rows"])
    assert data["total_debits"] == data["total_credits"] == "1300.50"


def test_the_trial_balance_defaults_to_today(regulator, books):
    """Without as_of the trial balance is at the end of today."""
    data = regulator.get(TRIAL_BALANCE).json()

    assert data["as_of"] == timezone.localdate().isoformat()
    assert data["total_debits"] == data["total_credits"] == "1380.50"


@pytest.mark.parametrize("url", [TRIAL_BALANCE, BALANCE_SHEET])
def test_a_bad_as_of_is_a_400_naming_it(regulator, url):
    """?as_of=notadate answers 400 invalid with error.fields.as_of."""
    error = assert_error(regulator.get(url, {"as_of": "notadate"}), 400, "invalid", {"as_of"})

    assert error["message"].startswith("as_of: ")


def test_the_balance_sheet_balances(regulator, books):
    """Assets = liabilities + equity; equity shows the unappropriated result as a row
    without an account."""
    data = regulator.get(BALANCE_SHEET, {"as_of": "2025-03-31"}).json()

    assert data["as_of"] == "2025-03-31"
    assert [(r["account"], r["amount"]) for r in data["assets"]["rows"]] == [(CASH, "1180.25")]
    assert data["assets"]["total"] == "1180.25"
    assert [(r["account"], r["amount"]) for r in data["liabilities"]["rows"]] == [
        (CLAIMS_RESERVE, "80.00")
    ]
    assert [(r["account"], r["amount"]) for r in data["equity"]["rows"]] == [
        (INITIAL_FUND, "1000.00"),
        (None, "100.25"),  # 300.50 - 120.25 - 80.00
    ]
    assert data["equity"]["total"] == "1100.25"
    assert all(data[s]["title"] for s in ("assets", "liabilities", "equity"))


def test_the_income_statement_for_a_period(regulator, books):
    """Only postings inside the period count; the result is a string."""
    data = regulator.get(INCOME_STATEMENT, {"start": "2025-02-01", "end": "2025-02-28"}).json()

    assert (data["start"], data["end"]) == ("2025-02-01", "2025-02-28")
    assert [(r["account"], r["amount"]) for r in data["income"]["rows"]] == [
        (CONTRIBUTIONS, "300.50")
    ]
    assert [(r["account"], r["amount"]) for r in data["expenses"]["rows"]] == [
        (CLAIMS_PAID, "120.25")
    ]
    assert data["net_result"] == "180.25"


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        pytest.param({}, {"start", "end"}, id="missing"),
        pytest.param({"start": "2025-03-01", "end": "2025-02-01"}, {"end"}, id="end-first"),
        pytest.param({"start": "2025-13-01", "end": "2025-02-01"}, {"start"}, id="bad-date"),
    ],
)
def test_a_bad_period_is_a_400(regulator, params, fields):
    """The period needs a start and an end, the end not before the start."""
    assert_error(regulator.get(INCOME_STATEMENT, params), 400, "invalid", fields)


def test_the_chart_of_accounts(regulator):
    """The regulator lists the chart seeded by the migration, in code order."""
    response = regulator.get(ACCOUNTS)

    assert response.status_code == 200
    accounts = response.json()
    assert len(accounts) == 18  # 17 of ledger 0002, 2241 refunds payable of members 0008
    assert accounts[0] == {
        "code": CASH,
        "name": "银行存款",
        "name_en": "Cash at bank",
        "type": "asset",
        "is_active": True,
        "manual_postings_allowed": True,
    }
    assert [a["code"] for a in accounts] == sorted(a["code"] for a in accounts)


def test_the_statements_refuse_writes(client, finance_user, regulator_user):
    """The statements are read-only endpoints: a POST is 405 in the error shape (the
    regulator's read-only account is refused any write before that: 403)."""
    client.force_login(finance_user)
    assert_error(client.post(TRIAL_BALANCE, {}), 405, "method_not_allowed")
    client.force_login(regulator_user)
    assert_error(client.post(TRIAL_BALANCE, {}), 403, "permission_denied")
