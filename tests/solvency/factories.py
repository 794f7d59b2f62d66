"""Helpers that set up solvency data the way staff and the other apps create it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ledger.services import Credit, Debit, entry_post
from members.models import ContributionDue
from solvency.models import AssetHolding, CapitalItem, FundTranche
from tests.claims.history import claim_with_history
from tests.members.factories import member_make

CASH = "1002"
FUND = "4001"
SURPLUS = "4104"
CONTRIBUTIONS = "6031"
OPERATING = "6601"
VALUATION = dt.date(2025, 12, 31)


def post(key: str, debit: str, credit: str, amount: str, on: dt.date) -> None:
    entry_post(
        idempotency_key=key,
        date=on,
        memo="test",
        lines=[Debit(debit, amount), Credit(credit, amount)],
    )


def books() -> None:
    """The fund 1,000,000; surplus 20,000; 300,000 of result in 2024; 200,000 income and
    50,000 expenses in 2025 (a result of 150,000 for the year)."""
    post("fund", CASH, FUND, "1000000.00", dt.date(2024, 1, 10))
    post("surplus", CASH, SURPLUS, "20000.00", dt.date(2024, 2, 1))
    post("income-2024", CASH, CONTRIBUTIONS, "300000.00", dt.date(2024, 6, 30))
    post("income-2025", CASH, CONTRIBUTIONS, "200000.00", dt.date(2025, 3, 31))
    post("opex-2025", OPERATING, CASH, "50000.00", dt.date(2025, 4, 30))
    # after the valuation date: not counted
    post("income-2026", CASH, CONTRIBUTIONS, "999.00", dt.date(2026, 1, 5))


def holding(
    as_of=VALUATION, asset_class="equity", rating="unrated", value="100000.00", duration=None
):
    return AssetHolding.objects.create(
        as_of=as_of,
        asset_class=asset_class,
        issuer="Issuer",
        rating=rating,
        market_value=Decimal(value),
        duration=Decimal(duration) if duration is not None else None,
    )


def holdings() -> None:
    """Equity 100,000; an AA deposit 500,000; a AAA government bond 200,000 of 5 years."""
    holding()
    holding(asset_class="deposit", rating="AA", value="500000.00")
    holding(asset_class="government_bond", rating="AAA", value="200000.00", duration="5")


def item(amount: str, tier: str, kind="surplus_notes", start=dt.date(2025, 1, 1), until=None):
    return CapitalItem.objects.create(
        kind=kind,
        tier=tier,
        description=f"{kind} {amount}",
        amount=Decimal(amount),
        valid_from=start,
        valid_until=until,
    )


def tranche(amount: str, tier="core", kind="donation", on=dt.date(2024, 1, 10)):
    return FundTranche.objects.create(
        provider="Founder", amount=Decimal(amount), received_on=on, kind=kind, tier=tier
    )


D = dt.date


def reserve_history():
    """Four claims over 2023-2024 (as in tests/claims/test_selectors_reserving.py) and a
    premium of 366.00 for 2024 (184.00 unearned at the end of June, 92.00 of September)."""
    member = member_make()
    claim_with_history(
        member,
        D(2023, 11, 15),
        reserves=[(D(2023, 11, 20), "1000"), (D(2024, 2, 10), "800"), (D(2024, 5, 1), "0")],
        payments=[(D(2024, 2, 10), "200"), (D(2024, 5, 1), "700")],
    )
    claim_with_history(
        member,
        D(2024, 1, 20),
        reserves=[(D(2024, 1, 25), "600"), (D(2024, 4, 2), "300"), (D(2024, 7, 5), "0")],
        payments=[(D(2024, 4, 2), "300"), (D(2024, 7, 5), "300")],
    )
    claim_with_history(member, D(2024, 5, 10), reserves=[(D(2024, 5, 11), "2000")])
    claim_with_history(member, D(2024, 7, 1), reserves=[(D(2024, 7, 2), "50")])
    coverage = member.coverages.first()
    ContributionDue.objects.create(
        member=member,
        coverage=coverage,
        kind="premium",
        period_start=D(2024, 1, 1),
        period_end=D(2024, 12, 31),
        due_date=D(2024, 1, 1),
        grace_ends_on=D(2024, 1, 31),
        amount=Decimal("366.00"),
    )
    return member
