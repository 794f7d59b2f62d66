"""A regime's rules as plain numbers, and a position computed from them: the one path
from exposures and capital to ratios that the assessment service, the stress tests and
the replenishment projection share.

``RegimeRules`` holds what ``calculations.regimes`` needs of a regime (factors, matrix,
adjustments, MCR, limits, thresholds, ladder). The assessment service builds it from the
``Regime`` rows; ``rules_from_snapshot`` builds it from the copy an assessment keeps in
its inputs, so that a stress test or a projection applies exactly the rules the
assessment was computed under. ``evaluate`` is steps 1–4 of ``calculations.regimes``
with the adjustments the regime adds after aggregation (control risk on the diversified
requirement, operational risk on premiums with its cap) and the linear MCR.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mutualsociety.common.money import ZERO, quantize_money

from . import regimes as calc
from .aggregation import Correlation, correlation_check, diversified_requirement


@dataclass(frozen=True)
class RegimeRules:
    modules: tuple[str, ...]
    factors: tuple[calc.Factor, ...]
    correlation: Correlation
    multiplier: Decimal = Decimal(1)
    control_risk_rate: Decimal = ZERO
    operational_premium_rate: Decimal = ZERO
    operational_cap_rate: Decimal | None = None
    mcr_rule: calc.MCRRule | None = None
    mcr_premium_rate: Decimal = ZERO
    mcr_reserve_rate: Decimal = ZERO
    limits: calc.CapitalLimits = calc.CapitalLimits()
    thresholds: calc.Thresholds = calc.Thresholds(comprehensive=Decimal(100))
    rungs: tuple[calc.Rung, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    position: calc.Position
    mcr_linear: Decimal


def evaluate(
    rules: RegimeRules,
    exposures: calc.Exposures,
    *,
    core: Decimal,
    supplementary: Decimal,
    rating: str = "",
) -> Evaluation:
    """The position of ``core`` + ``supplementary`` capital against the requirement of
    ``exposures`` under ``rules``. Raises ``CalculationError`` when the charges do not fit
    the matrix."""
    charges = calc.module_charges(rules.modules, rules.factors, exposures)
    diversified = diversified_requirement(charges, rules.correlation)
    adjustments: dict[str, Decimal] = {}
    if rules.control_risk_rate:
        adjustments["control_risk"] = quantize_money(rules.control_risk_rate * diversified)
    if rules.operational_premium_rate:
        operational = rules.operational_premium_rate * exposures.premiums
        if rules.operational_cap_rate is not None:
            operational = min(operational, rules.operational_cap_rate * diversified)
        adjustments["operational"] = quantize_money(operational)
    mcr_linear = quantize_money(
        rules.mcr_premium_rate * exposures.premiums
        + rules.mcr_reserve_rate * exposures.claims_reserves
    )
    requirement = calc.requirement(
        charges=charges,
        correlation=rules.correlation,
        adjustments=adjustments,
        multiplier=rules.multiplier,
        mcr_rule=rules.mcr_rule,
        mcr_linear=mcr_linear,
    )
    position = calc.position(
        requirement=requirement,
        core=core,
        supplementary=supplementary,
        limits=rules.limits,
        thresholds=rules.thresholds,
        rungs=rules.rungs,
        rating=rating,
    )
    return Evaluation(position, mcr_linear)


# --- From an assessment's stored inputs ------------------------------------------------


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def rules_from_snapshot(regime: Mapping[str, Any]) -> RegimeRules:
    """The rules from the ``regime`` part of an assessment's inputs (written by
    ``services.evaluation``)."""
    correlation = correlation_check(regime["correlation"])
    mcr = regime.get("mcr")
    limits = regime.get("limits") or {}
    thresholds = regime.get("thresholds") or {}
    return RegimeRules(
        modules=correlation.modules,
        factors=tuple(
            calc.Factor(
                module=f["module"],
                exposure=f["exposure"],
                rate=Decimal(str(f["rate"])),
                asset_class=f.get("asset_class", ""),
                rating=f.get("rating", ""),
                by_duration=bool(f.get("by_duration")),
            )
            for f in regime.get("factors", [])
        ),
        correlation=correlation,
        multiplier=Decimal(str(regime.get("requirement_multiplier", "1"))),
        control_risk_rate=_dec(regime.get("control_risk_rate")) or ZERO,
        operational_premium_rate=_dec(regime.get("operational_premium_rate")) or ZERO,
        operational_cap_rate=_dec(regime.get("operational_cap_rate")),
        mcr_rule=(
            calc.MCRRule(
                Decimal(str(mcr["floor_rate"])),
                Decimal(str(mcr["cap_rate"])),
                Decimal(str(mcr["absolute_floor"])),
            )
            if mcr
            else None
        ),
        mcr_premium_rate=_dec((mcr or {}).get("premium_rate")) or ZERO,
        mcr_reserve_rate=_dec((mcr or {}).get("reserve_rate")) or ZERO,
        limits=calc.CapitalLimits(
            of_core=_dec(limits.get("of_core")),
            of_requirement=_dec(limits.get("of_requirement")),
            mcr_of_requirement=_dec(limits.get("mcr_of_requirement")),
        ),
        thresholds=calc.Thresholds(
            comprehensive=Decimal(str(thresholds.get("comprehensive", "100"))),
            core=_dec(thresholds.get("core")),
            mcr=_dec(thresholds.get("mcr")) if mcr else None,
            rating=thresholds.get("rating") or "",
            early_warning_points=_dec(thresholds.get("early_warning_points")) or ZERO,
        ),
        rungs=tuple(
            calc.Rung(
                severity=int(r["severity"]),
                measure=r["measure"],
                status=r["status"],
                below=_dec(r.get("below")),
                rating_at_or_below=r.get("rating_at_or_below") or "",
                deadline_days=r.get("deadline_days"),
            )
            for r in regime.get("rungs", [])
        ),
    )


@dataclass(frozen=True)
class Basis:
    """What an assessment was computed from, as numbers."""

    rules: RegimeRules
    exposures: calc.Exposures
    core: Decimal
    supplementary: Decimal
    rating: str


def basis_from_inputs(inputs: Mapping[str, Any]) -> Basis:
    """The rules, exposures and capital kept in an assessment's ``inputs``."""
    reserves = inputs.get("reserves") or {}
    holdings = (inputs.get("holdings") or {}).get("rows") or []
    capital = inputs.get("capital") or []
    return Basis(
        rules=rules_from_snapshot(inputs["regime"]),
        exposures=calc.Exposures(
            premiums=Decimal(str((inputs.get("premiums") or {}).get("amount", "0"))),
            claims_reserves=Decimal(str(reserves.get("outstanding", "0")))
            + Decimal(str(reserves.get("ibnr", "0"))),
            unearned_premiums=Decimal(str(reserves.get("upr", "0"))),
            holdings=tuple(
                calc.Holding(
                    h["asset_class"],
                    h["rating"],
                    Decimal(str(h["market_value"])),
                    _dec(h["duration"]),
                )
                for h in holdings
            ),
        ),
        core=sum((Decimal(line["amount"]) for line in capital if line["tier"] == "core"), ZERO),
        supplementary=sum(
            (Decimal(line["amount"]) for line in capital if line["tier"] == "supplementary"), ZERO
        ),
        rating=inputs.get("rating") or "",
    )
