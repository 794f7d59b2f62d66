"""Pure arithmetic of claims and apportionment (Decimal; no ORM)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
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
    base = quantize_money(total / members, ROUND_DOWN)
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


def _squash(text: str) -> str:
    return re.sub(r"[\s\-_.·・]+", "", text or "").casefold()


def birth_date_spellings(born: dt.date) -> set[str]:
    """Common ways to write a date of birth, squashed (no spaces, dashes or dots)."""
    y, m, d = born.year, born.month, born.day
    out = set()
    for mm, dd in {(f"{m:02d}", f"{d:02d}"), (str(m), str(d))}:
        out |= {
            f"{y}{mm}{dd}",
            f"{y}/{mm}/{dd}",
            f"{dd}/{mm}/{y}",
            f"{mm}/{dd}/{y}",
            f"{y}年{mm}月{dd}日",
        }
    return {_squash(x) for x in out}


def identifying_words(
    text: str, *, legal_name: str, id_number: str, date_of_birth: dt.date | None
) -> list[str]:
    """What in ``text`` would identify the claimant: their legal name, identity number or
    date of birth (ISO, slashed, dotted, compact, day-first, month-first, 年月日). Spaces,
    dashes and dots are ignored, letters compared without case. Empty: publishable."""
    squashed = _squash(text)
    if not squashed:
        return []
    found = []
    name = _squash(legal_name)
    if len(name) >= 2:
        if name.isascii():  # a Latin-letter name: as whole words, any spacing
            words = [re.escape(w) for w in re.split(r"[\s\-.]+", legal_name.strip()) if w]
            pattern = r"\b" + r"[\s\-.]*".join(words) + r"\b"
            if re.search(pattern, text, flags=re.IGNORECASE):
                found.append("name")
        elif name in squashed:
            found.append("name")
    number = _squash(id_number)
    if len(number) >= 6 and number in squashed:
        found.append("id_number")
    if date_of_birth and any(d in squashed for d in birth_date_spellings(date_of_birth)):
        found.append("date_of_birth")
    return found
