"""Data the fund's repayment brings with it (called by a data migration, on the historical
models): the initial operating fund (4001) takes no manual debits — it is reduced only by
``services.repayment.fund_repay``, which checks every condition of a repayment
(``ledger.Account.manual_debits_allowed``, the ledger's own switch). Receipts of new
tranches are still recorded by finance as manual entries (credits)."""

from __future__ import annotations

FUND_ACCOUNT = "4001"


def seed_fund(apps, schema_editor) -> None:
    Account = apps.get_model("ledger", "Account")
    Account.objects.filter(code=FUND_ACCOUNT).update(manual_debits_allowed=False)


def unseed_fund(apps, schema_editor) -> None:
    Account = apps.get_model("ledger", "Account")
    Account.objects.filter(code=FUND_ACCOUNT).update(manual_debits_allowed=True)
