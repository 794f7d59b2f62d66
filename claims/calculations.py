"""Pure arithmetic of claims and apportionment (Decimal; no ORM)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from mutualsociety.common.money import CENT, ZERO, quantize_money


def management_fee(benefits: Decimal, rate: Decimal) -> Decimal:
    """The fee on the benefits shared in a period, to the cent (ROUND_HALF_UP)."""
    return quantize_money(benefits * rate)


@dataclass(frozen=True)
class Split:
    """An equal split of ``total`` among ``members``: everyone pays ``base``; the first
    ``extra_cents`` members (by coverage number) pay one cent more, so that the shares add
    up to the total exactly."""

    base: Decimal
    extra_cents: int

    def total(self, members: int) -> Decimal:
        return self.base * members + CENT * self.extra_cents


def equal_split(total: Decimal, members: int) -> Split:
    """Split ``total`` (whole cents) equally among ``members``, the remainder in cents."""
    if members <= 0:
        return Split(ZERO, 0)
    base = (total / members).quantize(CENT, rounding=ROUND_DOWN)
    extra = int((total - base * members) / CENT)
    return Split(base, extra)


def shortfall_cover(shortfall: Decimal, fee: Decimal) -> tuple[Decimal, Decimal]:
    """How an unfunded amount is met: first the society waives its management fee, then
    the rest comes out of the surplus. Returns (fee waived, from surplus)."""
    waived = min(shortfall, fee)
    return waived, shortfall - waived


def age_band_label(age: int, width: int = 10) -> str:
    """A de-identified age band: 34 → "30–39"."""
    low = age // width * width
    return f"{low}–{low + width - 1}"


def draw_key(seed: str, member_number: str) -> str:
    """The sort key of a member in a panel draw: hex sha256 of seed followed by the number.

    The database computes the same (``encode(sha256(convert_to(seed || number, 'UTF8')),
    'hex')`` on PostgreSQL), so anyone with the seed and the eligible list can reproduce it.
    """
    return hashlib.sha256(f"{seed}{member_number}".encode()).hexdigest()


def panel_outcome(uphold: int, overturn: int, quorum: int) -> str | None:
    """The majority of votes cast decides if at least ``quorum`` voted; a tie upholds the
    decision (it stands unless a majority overturns it). None: no quorum."""
    if uphold + overturn < quorum:
        return None
    return "overturn" if overturn > uphold else "uphold"


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (what PostgreSQL's percentile_cont does)."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)
