"""The case-reserve history of a claim (``ClaimReserve``): every change of the estimate is
a dated row, the raw material of the development triangles solvency reads."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from ..models import Claim, ClaimReserve


def reserve_set(*, claim: Claim, amount: Decimal, actor=None, reason: str) -> ClaimReserve | None:
    """Record a new case-reserve estimate when it differs from the last one (dated row)."""
    last = claim.reserves.order_by("-recorded_at", "-id").first()
    if last is not None and last.amount == amount:
        return None
    return ClaimReserve.objects.create(
        claim=claim,
        as_of=timezone.localdate(),
        amount=amount,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason[:200],
    )
