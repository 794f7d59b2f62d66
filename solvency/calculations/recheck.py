"""An assessment checked again with other capital, and what the ladder makes of a
position: pure, on Decimal, from the regime's snapshot an assessment keeps in its inputs.

- ``recheck``: the position of a stored assessment (its minimum capital and MCR as they
  were computed) with other core and supplementary capital: after a repayment of the
  initial operating fund (capital less the amount), or with today's capital from the
  ledger (daily monitoring). The requirement is not computed again: it depends on the
  exposures at the valuation date, which the capital does not change.
- ``findings``: what a position means for the alerts: each rung of the ladder reached (a
  breach), each threshold missed where no rung covers the measure (a breach), each ratio
  within the early-warning margin above its threshold (an early warning).
- ``thresholds_met``: every threshold at or above (the early-warning margin is not a
  threshold: a position inside it meets them).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mutualsociety.common.money import ZERO

from . import regimes as calc

#: The ladder status of a breach of a threshold no rung of the regime covers.
BELOW_THRESHOLD = "below_threshold"
BREACH = "breach"
EARLY_WARNING = "early_warning"


def _decimal(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


@dataclass(frozen=True)
class Rules:
    """The parts of a regime the ladder needs, as an assessment stored them."""

    limits: calc.CapitalLimits
    thresholds: calc.Thresholds
    rungs: tuple[calc.Rung, ...]


def rules_from_snapshot(snapshot: dict[str, Any]) -> Rules:
    """The limits, thresholds and rungs of a regime snapshot (``inputs["regime"]``);
    each rung's ``key`` is its index in the snapshot."""
    limits = snapshot.get("limits") or {}
    thresholds = snapshot.get("thresholds") or {}
    return Rules(
        limits=calc.CapitalLimits(
            of_core=_decimal(limits.get("of_core")),
            of_requirement=_decimal(limits.get("of_requirement")),
            mcr_of_requirement=_decimal(limits.get("mcr_of_requirement")),
        ),
        thresholds=calc.Thresholds(
            comprehensive=_decimal(thresholds.get("comprehensive")) or ZERO,
            core=_decimal(thresholds.get("core")),
            mcr=_decimal(thresholds.get("mcr")),
            rating=thresholds.get("rating") or "",
            early_warning_points=_decimal(thresholds.get("early_warning_points")) or ZERO,
        ),
        rungs=tuple(
            calc.Rung(
                severity=int(r["severity"]),
                measure=r["measure"],
                status=r["status"],
                below=_decimal(r.get("below")),
                rating_at_or_below=r.get("rating_at_or_below") or "",
                deadline_days=r.get("deadline_days"),
                key=i,
            )
            for i, r in enumerate(snapshot.get("rungs") or [])
        ),
    )


def recheck(
    *,
    rules: Rules,
    minimum_capital: Decimal,
    mcr: Decimal | None,
    core: Decimal,
    supplementary: Decimal,
    rating: str = "",
) -> calc.Position:
    """The position with ``core`` and ``supplementary`` capital against the stored
    requirement (``minimum_capital``, ``mcr``), under the stored ``rules``."""
    requirement = calc.Requirement(
        charges={},
        diversified=minimum_capital,
        adjustments={},
        minimum_capital=minimum_capital,
        mcr=mcr,
    )
    return calc.position(
        requirement=requirement,
        core=core,
        supplementary=supplementary,
        limits=rules.limits,
        thresholds=rules.thresholds,
        rungs=rules.rungs,
        rating=rating,
    )


def _pair(position: calc.Position, measure: str) -> tuple[Decimal, Decimal] | None:
    minimum = position.requirement.minimum_capital
    if measure == calc.COMPREHENSIVE:
        return position.actual_capital, minimum
    if measure == calc.CORE:
        return position.core_capital, minimum
    if measure == calc.MCR and position.requirement.mcr is not None:
        if position.mcr_capital is None:
            return None
        return position.mcr_capital, position.requirement.mcr
    return None


def ratio_of(position: calc.Position, measure: str) -> Decimal | None:
    return {
        calc.COMPREHENSIVE: position.comprehensive_ratio,
        calc.CORE: position.core_ratio,
        calc.MCR: position.mcr_ratio,
    }.get(measure)


def _threshold(thresholds: calc.Thresholds, measure: str) -> Decimal | None:
    return {
        calc.COMPREHENSIVE: thresholds.comprehensive,
        calc.CORE: thresholds.core,
        calc.MCR: thresholds.mcr,
    }.get(measure)


def thresholds_missed(
    position: calc.Position, thresholds: calc.Thresholds, rating: str = ""
) -> list[str]:
    """The measures below their threshold (capital × 100 < threshold × requirement,
    exactly), and ``rating`` when the rating is worse than the regime's minimum."""
    missed = []
    for measure in (calc.COMPREHENSIVE, calc.CORE, calc.MCR):
        threshold, pair = _threshold(thresholds, measure), _pair(position, measure)
        if threshold is not None and pair is not None and not calc.meets(*pair, threshold):
            missed.append(measure)
    if (
        thresholds.rating
        and rating
        and calc.rating_rank(rating) > calc.rating_rank(thresholds.rating)
    ):
        missed.append(calc.RATING)
    return missed


def thresholds_met(position: calc.Position, thresholds: calc.Thresholds, rating: str = "") -> bool:
    return not thresholds_missed(position, thresholds, rating)


@dataclass(frozen=True)
class Finding:
    """One alert a position calls for: ``key`` names it across assessments (one standing
    alert per key); ``threshold`` is the rung's percentage for a rung, the threshold for
    a missed threshold, the threshold plus the margin for an early warning."""

    kind: str
    key: str
    measure: str
    ladder_status: str
    ratio: Decimal | None
    threshold: Decimal | None
    rung: calc.Rung | None = None


def findings(
    position: calc.Position, thresholds: calc.Thresholds, rating: str = ""
) -> list[Finding]:
    """Every alert ``position`` calls for (see the module's docstring), most severe
    first: the rungs reached, then the thresholds missed that no reached rung covers,
    then the early warnings of measures still at or above their threshold."""
    found: list[Finding] = []
    covered = set()
    for rung in position.ladder.reached:
        covered.add(rung.measure)
        found.append(
            Finding(
                BREACH,
                f"rung:{rung.status}:{rung.measure}",
                rung.measure,
                rung.status,
                ratio_of(position, rung.measure),
                rung.below,
                rung,
            )
        )
    missed = thresholds_missed(position, thresholds, rating)
    for measure in missed:
        if measure in covered:
            continue
        found.append(
            Finding(
                BREACH,
                f"threshold:{measure}",
                measure,
                BELOW_THRESHOLD,
                ratio_of(position, measure),
                _threshold(thresholds, measure),
            )
        )
    for measure in position.ladder.warnings:
        if measure in missed or measure == calc.RATING:
            continue
        threshold = _threshold(thresholds, measure)
        found.append(
            Finding(
                EARLY_WARNING,
                f"early_warning:{measure}",
                measure,
                calc.EARLY_WARNING,
                ratio_of(position, measure),
                None if threshold is None else threshold + thresholds.early_warning_points,
            )
        )
    return found
