"""Claims with a dated history, written straight into the tables (as the benchmark and
the demo's past would be): the reserve and payment rows that the development triangles
read, at the dates a test chooses (the services date them today)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from claims.models import Claim, ClaimPayment, ClaimReserve
from ledger.services import Credit, Debit, entry_post
from members.models import Member

_numbers = itertools.count(1)


def _entry():
    return entry_post(
        idempotency_key="test-claim-history",
        date=dt.date(2020, 1, 1),
        memo="claims paid (test history)",
        lines=[Debit("6511", "1.00"), Credit("1002", "1.00")],
    )


def claim_with_history(
    member: Member,
    event_date: dt.date,
    *,
    reserves: list[tuple[dt.date, str]] = (),  # type: ignore[assignment]
    payments: list[tuple[dt.date, str]] = (),  # type: ignore[assignment]
    status: str = Claim.Status.APPROVED,
) -> Claim:
    """A claim of ``member`` with the case-reserve estimates and payments given, in order."""
    n = next(_numbers)
    coverage = member.coverages.first()
    claim = Claim.objects.create(
        number=f"T-H-{n:06d}",
        member=member,
        coverage=coverage,
        plan=coverage.plan,
        kind=Claim.Kind.ILLNESS,
        event_date=event_date,
        description="history",
        amount_claimed=Decimal("1000.00"),
        bank_account_name="test",
        bank_account_number="6222000000000000",
        status=status,
        age_band="30-39",
        region="11",
        benefit=Decimal("100000.00"),
    )
    now = timezone.now()
    for i, (as_of, amount) in enumerate(reserves):
        ClaimReserve.objects.create(
            claim=claim,
            as_of=as_of,
            amount=Decimal(amount),
            recorded_at=now + dt.timedelta(seconds=i),
        )
    entry = _entry() if payments else None
    for paid_on, amount in payments:
        ClaimPayment.objects.create(
            claim=claim,
            amount=Decimal(amount),
            paid_on=paid_on,
            idempotency_key=f"test-history-{n}-{paid_on}-{amount}",
            ledger_entry=entry,
        )
    return claim
