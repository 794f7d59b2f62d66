"""The 12-quarter replenishment projection: pure and Decimal (docs/solvency.md,
"Replenishment planning").

From the latest approved assessment's basis (``calculations.snapshot``), quarter by
quarter q = 1 … 12, every amount to the cent:

    growth_q      = (1 + contribution growth / 4) ^ q
    contributions = premiums of the 12 months / 4 × growth_q
    claims        = contributions × loss ratio          (paid and reserved)
    expenses      = contributions × expense ratio
    investment    = assets at the start of the quarter × investment return / 4
    result        = contributions − claims − expenses + investment
    distribution  = max(result, 0) × distribution share
    core capital  = core before + result − distribution − planned repayments
                    (+ a new fund tranche in quarter 1, on that route)
    supplementary = as assessed (+ surplus notes from quarter 1, on that route)

and the requirement is computed again (``snapshot.evaluate``) on premiums of 4 ×
contributions, claims reserves × (1 + reserve growth / 4) ^ q, the unearned premiums ×
growth_q and the holdings scaled pro rata by what capital and the reserves added or took
away (new money is invested like the old). The routes are alternatives to the base line:
every surplus retained (no distribution), the distribution reduced by a share, a new fund
tranche, subordinated surplus notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from mutualsociety.common.money import ZERO, quantize_money

from . import regimes as calc
from .snapshot import Basis, evaluate

ONE = Decimal(1)
FOUR = Decimal(4)
QUARTERS = 12

BASE = "base"
RETAINED = "retained_surplus"
REDUCED = "reduced_distribution"
TRANCHE = "new_tranche"
NOTES = "surplus_notes"
ROUTES = (BASE, RETAINED, REDUCED, TRANCHE, NOTES)


@dataclass(frozen=True)
class Assumptions:
    contribution_growth: Decimal = ZERO
    loss_ratio: Decimal = ZERO
    expense_ratio: Decimal = ZERO
    reserve_growth: Decimal = ZERO
    investment_return: Decimal = ZERO
    distribution_share: Decimal = ZERO
    tranche_amount: Decimal = ZERO
    notes_amount: Decimal = ZERO
    distribution_cut: Decimal = ZERO


@dataclass(frozen=True)
class Quarter:
    number: int
    end: dt.date
    contributions: Decimal
    claims: Decimal
    expenses: Decimal
    investment: Decimal
    result: Decimal
    distribution: Decimal
    repayment: Decimal
    core_capital: Decimal
    actual_capital: Decimal
    minimum_capital: Decimal
    comprehensive_ratio: Decimal | None
    core_ratio: Decimal | None
    status: str
    breach: bool


@dataclass(frozen=True)
class Line:
    route: str
    quarters: tuple[Quarter, ...]

    @property
    def first_breach(self) -> Quarter | None:
        return next((q for q in self.quarters if q.breach), None)


def quarter_end(start: dt.date, n: int) -> dt.date:
    """The last day of the month ``3n`` months after ``start``'s month."""
    months = start.year * 12 + start.month - 1 + 3 * n + 1
    first_of_next = dt.date(months // 12, months % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def _scaled(holdings: Sequence[calc.Holding], total: Decimal, target: Decimal):
    if total <= 0:
        return tuple(holdings)
    factor = max(target, ZERO) / total
    return tuple(replace(h, market_value=quantize_money(h.market_value * factor)) for h in holdings)


def project_line(
    basis: Basis,
    assumptions: Assumptions,
    *,
    start: dt.date,
    repayments: Mapping[int, Decimal] | None = None,
    route: str = BASE,
    quarters: int = QUARTERS,
) -> Line:
    """One line of the projection (see the module's docstring). ``repayments``: planned
    repayments of the fund by quarter number."""
    a = assumptions
    repayments = repayments or {}
    share = a.distribution_share
    if route == RETAINED:
        share = ZERO
    elif route == REDUCED:
        share = a.distribution_share * (ONE - a.distribution_cut)
    b = basis.exposures
    assets0 = sum((h.market_value for h in b.holdings), ZERO)
    core = basis.core
    supplementary = basis.supplementary
    assets = assets0
    rows: list[Quarter] = []
    for q in range(1, quarters + 1):
        growth = (ONE + a.contribution_growth / FOUR) ** q
        contributions = quantize_money(b.premiums / FOUR * growth)
        claims = quantize_money(contributions * a.loss_ratio)
        expenses = quantize_money(contributions * a.expense_ratio)
        investment = quantize_money(assets * a.investment_return / FOUR)
        result = contributions - claims - expenses + investment
        distribution = quantize_money(max(result, ZERO) * share)
        repayment = quantize_money(repayments.get(q, ZERO))
        injected = ZERO
        if q == 1 and route == TRANCHE:
            injected = a.tranche_amount
        if q == 1 and route == NOTES:
            supplementary += a.notes_amount
            injected = a.notes_amount
        core += result - distribution - repayment + (injected if route == TRANCHE else ZERO)
        reserves = quantize_money(b.claims_reserves * (ONE + a.reserve_growth / FOUR) ** q)
        upr = quantize_money(b.unearned_premiums * growth)
        assets = (
            assets0
            + (core - basis.core)
            + (supplementary - basis.supplementary)
            + (reserves - b.claims_reserves)
            + (upr - b.unearned_premiums)
        )
        exposures = calc.Exposures(
            premiums=contributions * FOUR,
            claims_reserves=reserves,
            unearned_premiums=upr,
            holdings=_scaled(b.holdings, assets0, assets),
        )
        position = evaluate(
            basis.rules, exposures, core=core, supplementary=supplementary, rating=basis.rating
        ).position
        rows.append(
            Quarter(
                number=q,
                end=quarter_end(start, q),
                contributions=contributions,
                claims=claims,
                expenses=expenses,
                investment=investment,
                result=result,
                distribution=distribution,
                repayment=repayment,
                core_capital=core,
                actual_capital=position.actual_capital,
                minimum_capital=position.requirement.minimum_capital,
                comprehensive_ratio=position.comprehensive_ratio,
                core_ratio=position.core_ratio,
                status=position.ladder.status,
                breach=position.ladder.rung is not None,
            )
        )
    return Line(route, tuple(rows))


def project(
    basis: Basis,
    assumptions: Assumptions,
    *,
    start: dt.date,
    repayments: Mapping[int, Decimal] | None = None,
    quarters: int = QUARTERS,
) -> tuple[Line, ...]:
    """The base line and each replenishment route."""
    return tuple(
        project_line(
            basis, assumptions, start=start, repayments=repayments, route=r, quarters=quarters
        )
        for r in ROUTES
    )


def repayments_by_quarter(
    planned: Sequence[tuple[dt.date, Decimal]], *, start: dt.date, quarters: int = QUARTERS
) -> dict[int, Decimal]:
    """Planned repayments (date, amount) summed by the quarter they fall in (after
    ``start``, up to the last quarter); others are left out."""
    out: dict[int, Decimal] = {}
    ends = [start] + [quarter_end(start, q) for q in range(1, quarters + 1)]
    for day, amount in planned:
        for q in range(1, quarters + 1):
            if ends[q - 1] < day <= ends[q]:
                out[q] = out.get(q, ZERO) + amount
                break
    return out
