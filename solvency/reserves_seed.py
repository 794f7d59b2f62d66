"""Data the reserves bring with them (called by a data migration, so a plain function on
the historical models): the reserve accounts 2601-2603 close to manual entries — from
now on their balances are what the approved reserve runs posted
(``ledger.Account.manual_postings_allowed``, the ledger's own switch) — and the
reserving basis of the monthly run gets its one row with the defaults."""

from __future__ import annotations

RESERVE_ACCOUNTS = ("2601", "2602", "2603")


def seed_reserves(apps, schema_editor) -> None:
    Account = apps.get_model("ledger", "Account")
    Account.objects.filter(code__in=RESERVE_ACCOUNTS).update(manual_postings_allowed=False)
    ReservingBasis = apps.get_model("solvency", "ReservingBasis")
    if not ReservingBasis.objects.exists():
        ReservingBasis.objects.create()


def unseed_reserves(apps, schema_editor) -> None:
    Account = apps.get_model("ledger", "Account")
    Account.objects.filter(code__in=RESERVE_ACCOUNTS).update(manual_postings_allowed=True)
