"""Stress scenarios applied to what an assessment was computed from: pure and Decimal.

A scenario's shocks (``Shocks``) change the exposures and the capital of a ``Basis``
(``calculations.snapshot``); the position is then computed again with the same rules
(``snapshot.evaluate``). The shocks, each optional, add up:

- **claims +x%** and **a pandemic year (frequency × k)**: the claims of a year are
  ``claims × (1 + x/100) × k``; the extra claims are a loss (core capital falls by them)
  and stay unpaid at the horizon (the claims reserves rise by them);
- **reserve deterioration +x%**: the outstanding claims and IBNR reserves rise by x%,
  a loss of the same amount;
- **an asset shock by class**: each holding of a shocked class loses x% of its market
  value (to the cent, holding by holding), a loss of the same amount; the market and
  credit charges are computed on what is left;
- **a mass exit of x% of the members**: premiums, the unearned premium reserve and the
  members fall by x%; the unearned premiums refunded leave with the reserve that held
  them, so capital does not move (the exit's cost is in liquidity and the projection).

Losses come out of core capital (the surplus and the result absorb them first).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, Decimal

from mutualsociety.common.money import ZERO, quantize_money

from . import regimes as calc
from .aggregation import CalculationError
from .snapshot import Basis, Evaluation, evaluate

HUNDRED = Decimal(100)
ONE = Decimal(1)


@dataclass(frozen=True)
class Shocks:
    claims_pct: Decimal = ZERO
    reserve_pct: Decimal = ZERO
    asset_pct: Mapping[str, Decimal] = field(default_factory=dict)
    exit_pct: Decimal = ZERO
    pandemic_factor: Decimal = ONE


@dataclass(frozen=True)
class StressBase:
    """An assessment's basis plus what only the stress needs: the claims incurred in the
    12 months to the valuation date and the members counted then."""

    basis: Basis
    claims: Decimal = ZERO
    members: int = 0


@dataclass(frozen=True)
class Shocked:
    exposures: calc.Exposures
    core: Decimal
    supplementary: Decimal
    members: int
    claims_loss: Decimal
    reserve_loss: Decimal
    asset_loss: Decimal
    exit_premiums: Decimal

    @property
    def loss(self) -> Decimal:
        return self.claims_loss + self.reserve_loss + self.asset_loss


def shock(base: StressBase, shocks: Shocks) -> Shocked:
    """The exposures, capital and members after ``shocks`` (see the module's docstring),
    every amount to the cent."""
    b = base.basis.exposures
    claims_loss = quantize_money(
        base.claims * (ONE + shocks.claims_pct / HUNDRED) * shocks.pandemic_factor - base.claims
    )
    reserve_loss = quantize_money(b.claims_reserves * shocks.reserve_pct / HUNDRED)
    holdings = []
    asset_loss = ZERO
    for h in b.holdings:
        pct = shocks.asset_pct.get(h.asset_class, ZERO)
        value = quantize_money(h.market_value * (ONE - pct / HUNDRED)) if pct else h.market_value
        asset_loss += h.market_value - value
        holdings.append(replace(h, market_value=value))
    keep = ONE - shocks.exit_pct / HUNDRED
    premiums = quantize_money(b.premiums * keep)
    exposures = calc.Exposures(
        premiums=premiums,
        claims_reserves=b.claims_reserves + reserve_loss + claims_loss,
        unearned_premiums=quantize_money(b.unearned_premiums * keep),
        holdings=tuple(holdings),
    )
    return Shocked(
        exposures=exposures,
        core=base.basis.core - claims_loss - reserve_loss - asset_loss,
        supplementary=base.basis.supplementary,
        members=int(quantize_money(base.members * keep, rounding=ROUND_FLOOR)),
        claims_loss=claims_loss,
        reserve_loss=reserve_loss,
        asset_loss=asset_loss,
        exit_premiums=b.premiums - premiums,
    )


def stress(base: StressBase, shocks: Shocks) -> tuple[Shocked, Evaluation]:
    """The shocked numbers and the position computed from them under the basis' rules."""
    shocked = shock(base, shocks)
    evaluation = evaluate(
        base.basis.rules,
        shocked.exposures,
        core=shocked.core,
        supplementary=shocked.supplementary,
        rating=base.basis.rating,
    )
    return shocked, evaluation


# --- Checking a scenario's shocks as stored (JSON) -------------------------------------

SHOCK_KEYS = ("claims_pct", "reserve_pct", "asset_pct", "exit_pct", "pandemic_factor")
#: The bounds of each shock: (lowest, highest), both included.
BOUNDS = {
    "claims_pct": (Decimal(0), Decimal(1000)),
    "reserve_pct": (Decimal(0), Decimal(1000)),
    "asset_pct": (Decimal(0), HUNDRED),
    "exit_pct": (Decimal(0), HUNDRED),
    "pandemic_factor": (ONE, HUNDRED),
}


def _number(value: object, where: str, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal | float):
        raise CalculationError("must be a number", field=where)
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise CalculationError("must be a number", field=where) from None
    low, high = BOUNDS[key]
    if not number.is_finite() or not low <= number <= high:
        raise CalculationError(f"must be between {low} and {high}", field=where)
    return number


def shocks_check(data: object, *, asset_classes: tuple[str, ...], field: str = "shocks") -> Shocks:
    """Check a scenario's shocks as stored (``{"claims_pct": "10", "asset_pct":
    {"equity": "30"}, ...}``, every key optional) and return them as ``Shocks``. An
    unknown key or asset class, a value that is not a number or out of its bounds
    (``BOUNDS``) raises ``CalculationError`` naming the field (``shocks.asset_pct.xyz``)."""
    if not isinstance(data, Mapping):
        raise CalculationError("must be an object", field=field)
    for key in data:
        if key not in SHOCK_KEYS:
            raise CalculationError(
                f"unknown shock; the shocks are {', '.join(SHOCK_KEYS)}", field=f"{field}.{key}"
            )
    assets = data.get("asset_pct") or {}
    if not isinstance(assets, Mapping):
        raise CalculationError("must be an object of asset classes", field=f"{field}.asset_pct")
    asset_pct = {}
    for name, value in assets.items():
        where = f"{field}.asset_pct.{name}"
        if name not in asset_classes:
            raise CalculationError(
                f"unknown asset class; one of {', '.join(asset_classes)}", field=where
            )
        asset_pct[name] = _number(value, where, "asset_pct")
    values = {
        key: _number(data[key], f"{field}.{key}", key)
        for key in ("claims_pct", "reserve_pct", "exit_pct", "pandemic_factor")
        if key in data and data[key] is not None and data[key] != ""
    }
    return Shocks(asset_pct=asset_pct, **values)
