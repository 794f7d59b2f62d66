"""A society's solvency position under a regime, from its numbers: pure and Decimal.

The steps, each a function here, used alike by the assessment service (numbers from the
ledger, holdings, premiums and reserves) and the what-if command (numbers from a file):

1. ``module_charges``: each risk module's charge, Σ factor × exposure (premiums of the
   last 12 months, claims reserves, the unearned premium reserve, asset holdings by
   class and by counterparty rating, optionally weighted by duration).
2. ``requirement``: the charges aggregated with the correlation matrix
   (``aggregation.diversified_requirement``), plus the adjustments added after
   aggregation (control risk, operational risk), times the regime's multiplier (0.5 for
   NAIC RBC's authorised control level); for Solvency II also the MCR corridor.
3. ``admitted_supplementary``: supplementary capital within the regime's limits.
4. ``position``: actual, core and minimum capital, both ratios, and the status on the
   regime's ladder (``ladder_status``).

A threshold is met when capital ≥ threshold% × requirement, compared exactly
(``meets``): exactly at the threshold passes, one cent below fails, whatever the ratio
looks like once rounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from mutualsociety.common.money import ZERO, quantize_money

from .aggregation import HUNDRED, Correlation, diversified_requirement, mcr_corridor, ratio

#: The integrated risk rating of C-ROSS, best first.
RATINGS = ("A", "B", "C", "D")

#: Statuses given when no rung of the ladder is reached.
ADEQUATE = "adequate"
EARLY_WARNING = "early_warning"

#: What a rung of the ladder measures.
COMPREHENSIVE = "comprehensive"  # actual capital / minimum capital (SCR, ACL)
CORE = "core"  # core capital / minimum capital
MCR = "mcr"  # capital eligible for the MCR / MCR (Solvency II)
RATING = "rating"  # the integrated risk rating (C-ROSS)
MEASURES = (COMPREHENSIVE, CORE, MCR, RATING)

#: What a factor multiplies.
PREMIUMS = "premiums"  # premiums billed in the 12 months to the valuation date
CLAIMS_RESERVES = "claims_reserves"  # outstanding claims + IBNR
UNEARNED_PREMIUMS = "unearned_premiums"  # the unearned premium reserve
ASSETS = "assets"  # holdings' market value, filtered by class and/or rating
EXPOSURES = (PREMIUMS, CLAIMS_RESERVES, UNEARNED_PREMIUMS, ASSETS)


# --- 1. Module charges -----------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    """An asset holding as the factors see it."""

    asset_class: str
    rating: str
    market_value: Decimal
    duration: Decimal | None = None


@dataclass(frozen=True)
class Exposures:
    """The amounts factors apply to, at a valuation date."""

    premiums: Decimal = ZERO
    claims_reserves: Decimal = ZERO
    unearned_premiums: Decimal = ZERO
    holdings: tuple[Holding, ...] = ()


@dataclass(frozen=True)
class Factor:
    """``rate`` × an exposure, charged to ``module``. For ``ASSETS`` the holdings of
    ``asset_class`` and ``rating`` (blank: any), by market value, or by market value ×
    duration (years) when ``by_duration``."""

    module: str
    exposure: str
    rate: Decimal
    asset_class: str = ""
    rating: str = ""
    by_duration: bool = False


def factor_base(factor: Factor, exposures: Exposures) -> Decimal:
    """The amount ``factor`` multiplies (exact, not rounded)."""
    if factor.exposure == PREMIUMS:
        return exposures.premiums
    if factor.exposure == CLAIMS_RESERVES:
        return exposures.claims_reserves
    if factor.exposure == UNEARNED_PREMIUMS:
        return exposures.unearned_premiums
    if factor.exposure != ASSETS:
        raise ValueError(f"Unknown exposure {factor.exposure!r}.")
    total = ZERO
    for h in exposures.holdings:
        if factor.asset_class and h.asset_class != factor.asset_class:
            continue
        if factor.rating and h.rating != factor.rating:
            continue
        total += h.market_value * (h.duration or ZERO) if factor.by_duration else h.market_value
    return total


def module_charges(
    modules: Sequence[str], factors: Iterable[Factor], exposures: Exposures
) -> dict[str, Decimal]:
    """Each module's charge, Σ rate × base over its factors, to the cent (a module
    without a factor charges 0). A negative result (a negative exposure) counts as 0."""
    sums = dict.fromkeys(modules, ZERO)
    for f in factors:
        sums[f.module] = sums.get(f.module, ZERO) + f.rate * factor_base(f, exposures)
    return {name: quantize_money(max(total, ZERO)) for name, total in sums.items()}


# --- 2. The requirement ----------------------------------------------------------------


@dataclass(frozen=True)
class MCRRule:
    """Solvency II's MCR: a linear MCR kept within a corridor of the SCR, with a floor."""

    floor_rate: Decimal
    cap_rate: Decimal
    absolute_floor: Decimal


@dataclass(frozen=True)
class Requirement:
    charges: dict[str, Decimal]
    diversified: Decimal
    adjustments: dict[str, Decimal]
    minimum_capital: Decimal
    mcr: Decimal | None = None

    @property
    def undiversified(self) -> Decimal:
        """The sum of the module charges (the requirement without diversification)."""
        return sum(self.charges.values(), ZERO)


def requirement(
    *,
    charges: Mapping[str, Decimal],
    correlation: Correlation,
    adjustments: Mapping[str, Decimal] | None = None,
    multiplier: Decimal = Decimal(1),
    mcr_rule: MCRRule | None = None,
    mcr_linear: Decimal = ZERO,
) -> Requirement:
    """minimum capital = (diversified requirement + Σ adjustments) × multiplier, to the
    cent; with an ``mcr_rule`` also the MCR of that minimum (the SCR)."""
    diversified = diversified_requirement(charges, correlation)
    adjusted = {name: quantize_money(value) for name, value in (adjustments or {}).items()}
    minimum = quantize_money((diversified + sum(adjusted.values(), ZERO)) * multiplier)
    mcr = None
    if mcr_rule is not None:
        mcr = mcr_corridor(
            scr=minimum,
            linear=mcr_linear,
            floor_rate=mcr_rule.floor_rate,
            cap_rate=mcr_rule.cap_rate,
            absolute_floor=mcr_rule.absolute_floor,
        )
    return Requirement(dict(charges), diversified, adjusted, minimum, mcr)


# --- 3. Admitted capital ---------------------------------------------------------------


@dataclass(frozen=True)
class CapitalLimits:
    """How much supplementary capital counts: at most ``of_core`` × core capital (C-ROSS:
    100%) and at most ``of_requirement`` × the minimum capital (Solvency II: Tier 2 and 3
    at most 50% of the SCR); ``None`` is no limit. ``mcr_of_requirement``: at most this
    share of the MCR counts towards the MCR (Solvency II: Tier 2, 20%)."""

    of_core: Decimal | None = None
    of_requirement: Decimal | None = None
    mcr_of_requirement: Decimal | None = None


def admitted_supplementary(
    *, core: Decimal, supplementary: Decimal, limit: Decimal | None, base: Decimal
) -> Decimal:
    """Supplementary capital that counts: at most ``limit`` × ``base`` (never below 0),
    to the cent, rounded down (admitting a fraction of a cent too much is not allowed)."""
    if supplementary <= 0:
        return quantize_money(supplementary)
    if limit is None:
        return supplementary
    return min(supplementary, quantize_money(max(limit * base, ZERO), rounding=ROUND_FLOOR))


# --- 4. Thresholds, the ladder, the position -------------------------------------------


def meets(capital: Decimal, requirement: Decimal, percent: Decimal) -> bool:
    """capital ≥ percent% × requirement, exactly (no rounding: one cent below fails)."""
    return capital * HUNDRED >= percent * requirement


def rating_rank(rating: str) -> int:
    return RATINGS.index(rating)


@dataclass(frozen=True)
class Rung:
    """A rung of the ladder of intervention: reached when the measure falls below
    ``below`` percent (or, for the rating, is ``rating_at_or_below`` or worse). The
    reached rung of the highest ``severity`` gives the status."""

    severity: int
    measure: str
    status: str
    below: Decimal | None = None
    rating_at_or_below: str = ""
    deadline_days: int | None = None
    key: object = None  # the stored rung, for the caller


@dataclass(frozen=True)
class Thresholds:
    """The regime's pass marks (percent) and its early-warning margin (points)."""

    comprehensive: Decimal
    core: Decimal | None = None
    mcr: Decimal | None = None
    rating: str = ""
    early_warning_points: Decimal = ZERO


@dataclass(frozen=True)
class Amounts:
    """The capital and requirements a status is judged on."""

    actual: Decimal
    core: Decimal
    minimum: Decimal
    mcr_capital: Decimal | None = None
    mcr: Decimal | None = None
    rating: str = ""

    def pair(self, measure: str) -> tuple[Decimal, Decimal] | None:
        if measure == COMPREHENSIVE:
            return self.actual, self.minimum
        if measure == CORE:
            return self.core, self.minimum
        if measure == MCR and self.mcr is not None and self.mcr_capital is not None:
            return self.mcr_capital, self.mcr
        return None


@dataclass(frozen=True)
class LadderResult:
    status: str
    rung: Rung | None
    early_warning: bool
    #: the measures within the early-warning margin above their threshold
    warnings: tuple[str, ...] = ()
    #: every rung reached, most severe first
    reached: tuple[Rung, ...] = field(default_factory=tuple)


def rung_reached(rung: Rung, amounts: Amounts) -> bool:
    if rung.measure == RATING:
        return bool(
            amounts.rating
            and rung.rating_at_or_below
            and rating_rank(amounts.rating) >= rating_rank(rung.rating_at_or_below)
        )
    pair = amounts.pair(rung.measure)
    if pair is None or rung.below is None:
        return False
    return not meets(pair[0], pair[1], rung.below)


def ladder_status(rungs: Sequence[Rung], thresholds: Thresholds, amounts: Amounts) -> LadderResult:
    """The status on the ladder: the most severe rung reached (ties: the first listed);
    when none is, ``early_warning`` if a ratio is below its threshold plus the margin
    (exactly threshold + margin is clear), else ``adequate``. A rating worse than the
    regime's minimum is among the warnings too (its rung, if any, gives the status)."""
    reached = sorted(
        (r for r in rungs if rung_reached(r, amounts)),
        key=lambda r: -r.severity,
    )
    warnings: list[str] = []
    margin = thresholds.early_warning_points
    for measure, threshold in (
        (COMPREHENSIVE, thresholds.comprehensive),
        (CORE, thresholds.core),
        (MCR, thresholds.mcr),
    ):
        pair = amounts.pair(measure)
        if threshold is None or pair is None:
            continue
        if not meets(pair[0], pair[1], threshold + margin):
            warnings.append(measure)
    if (
        thresholds.rating
        and amounts.rating
        and rating_rank(amounts.rating) > rating_rank(thresholds.rating)
    ):
        warnings.append(RATING)
    if reached:
        top = reached[0]
        return LadderResult(top.status, top, bool(warnings), tuple(warnings), tuple(reached))
    status = EARLY_WARNING if warnings else ADEQUATE
    return LadderResult(status, None, bool(warnings), tuple(warnings), ())


@dataclass(frozen=True)
class Position:
    """Everything an assessment or a what-if reports."""

    requirement: Requirement
    core_capital: Decimal
    supplementary_capital: Decimal
    admitted_supplementary: Decimal
    actual_capital: Decimal
    comprehensive_ratio: Decimal | None
    core_ratio: Decimal | None
    mcr_capital: Decimal | None
    mcr_ratio: Decimal | None
    ladder: LadderResult


def position(
    *,
    requirement: Requirement,
    core: Decimal,
    supplementary: Decimal,
    limits: CapitalLimits,
    thresholds: Thresholds,
    rungs: Sequence[Rung],
    rating: str = "",
) -> Position:
    """The solvency position: supplementary capital admitted within both limits, actual
    capital = core + admitted supplementary, the ratios to the minimum capital (and to the
    MCR where there is one), and the status on the ladder."""
    minimum = requirement.minimum_capital
    admitted = supplementary
    if limits.of_core is not None:
        admitted = admitted_supplementary(
            core=core, supplementary=admitted, limit=limits.of_core, base=core
        )
    if limits.of_requirement is not None:
        admitted = admitted_supplementary(
            core=core, supplementary=admitted, limit=limits.of_requirement, base=minimum
        )
    actual = core + admitted
    mcr_capital = None
    if requirement.mcr is not None:
        mcr_supplementary = admitted_supplementary(
            core=core,
            supplementary=admitted,
            limit=limits.mcr_of_requirement,
            base=requirement.mcr,
        )
        mcr_capital = core + mcr_supplementary
    amounts = Amounts(
        actual=actual,
        core=core,
        minimum=minimum,
        mcr_capital=mcr_capital,
        mcr=requirement.mcr,
        rating=rating,
    )
    return Position(
        requirement=requirement,
        core_capital=core,
        supplementary_capital=supplementary,
        admitted_supplementary=admitted,
        actual_capital=actual,
        comprehensive_ratio=ratio(actual, minimum),
        core_ratio=ratio(core, minimum),
        mcr_capital=mcr_capital,
        mcr_ratio=(
            ratio(mcr_capital, requirement.mcr)
            if mcr_capital is not None and requirement.mcr is not None
            else None
        ),
        ladder=ladder_status(rungs, thresholds, amounts),
    )
