"""What an assessment is computed from, and the computation itself, without writing:
the inputs at a valuation date (capital, premiums of the 12 months to it, the latest
approved reserve run's totals, the latest statement of holdings), the regime applied
to them (``calculations.regimes``), and the JSON snapshot of both that the assessment
keeps (``assessment_evaluate``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from members.selectors import premiums_billed
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.money import ZERO, quantize_money

from .. import selectors
from ..calculations import regimes as calc
from ..calculations.aggregation import CalculationError, Correlation
from ..calculations.snapshot import RegimeRules, evaluate
from ..models import Regime, RiskFactor, RiskModule
from .capital import capital_position


def twelve_months_to(day: dt.date) -> dt.date:
    """The first day of the 12 months ending on ``day`` (29 February counts from
    1 March of the year before)."""
    try:
        year_before = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        year_before = day.replace(year=day.year - 1, day=28)
    return year_before + dt.timedelta(days=1)


def reserve_figures(totals: Any) -> dict[str, Decimal]:
    """The reserve amounts an assessment uses, from ``selectors.reserve_totals``:
    unearned premiums, outstanding claims and IBNR (0 where a run has none)."""
    return {
        name: quantize_money(getattr(totals, name, None) or ZERO)
        for name in ("upr", "outstanding", "ibnr")
    }


def json_ready(value: Any) -> Any:
    """Decimals and dates as text, for the JSON snapshot."""
    if isinstance(value, Decimal | dt.date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def _regime_loaded(regime: Regime) -> Regime:
    return Regime.objects.prefetch_related(
        Prefetch("modules", queryset=RiskModule.objects.order_by("order", "code")),
        Prefetch("modules__factors", queryset=RiskFactor.objects.order_by("id")),
        "rungs",
    ).get(pk=regime.pk)


def _regime_snapshot(regime: Regime) -> dict[str, Any]:
    return json_ready(
        {
            "code": regime.code,
            "correlation": regime.correlation,
            "requirement_multiplier": regime.requirement_multiplier,
            "control_risk_rate": regime.control_risk_rate,
            "operational_premium_rate": regime.operational_premium_rate,
            "operational_cap_rate": regime.operational_cap_rate,
            "mcr": (
                {
                    "floor_rate": regime.mcr_floor_rate,
                    "cap_rate": regime.mcr_cap_rate,
                    "absolute_floor": regime.mcr_absolute_floor,
                    "premium_rate": regime.mcr_premium_rate,
                    "reserve_rate": regime.mcr_reserve_rate,
                }
                if regime.has_mcr
                else None
            ),
            "limits": {
                "of_core": regime.supplementary_limit_of_core,
                "of_requirement": regime.supplementary_limit_of_requirement,
                "mcr_of_requirement": regime.mcr_supplementary_limit,
            },
            "thresholds": {
                "comprehensive": regime.comprehensive_min,
                "core": regime.core_min,
                "mcr": regime.mcr_min,
                "rating": regime.rating_min,
                "early_warning_points": regime.early_warning_points,
            },
            "factors": [
                {
                    "module": m.code,
                    "exposure": f.exposure,
                    "asset_class": f.asset_class,
                    "rating": f.rating,
                    "by_duration": f.by_duration,
                    "rate": f.rate,
                }
                for m in regime.modules.all()
                for f in m.factors.all()
            ],
            "rungs": [
                {
                    "severity": r.severity,
                    "measure": r.measure,
                    "below": r.below,
                    "rating_at_or_below": r.rating_at_or_below,
                    "status": r.status,
                    "deadline_days": r.deadline_days,
                }
                for r in regime.rungs.all()
            ],
        }
    )


def regime_rules(
    regime: Regime, *, modules: list[RiskModule], correlation: Correlation
) -> RegimeRules:
    """The rules of a loaded regime (``_regime_loaded``) as plain numbers."""
    return RegimeRules(
        modules=tuple(m.code for m in modules),
        factors=tuple(f.as_factor() for m in modules for f in m.factors.all()),
        correlation=correlation,
        multiplier=regime.requirement_multiplier,
        control_risk_rate=regime.control_risk_rate,
        operational_premium_rate=regime.operational_premium_rate,
        operational_cap_rate=regime.operational_cap_rate,
        mcr_rule=regime.mcr_rule(),
        mcr_premium_rate=regime.mcr_premium_rate,
        mcr_reserve_rate=regime.mcr_reserve_rate,
        limits=regime.limits(),
        thresholds=regime.thresholds(),
        rungs=tuple(r.as_rung() for r in regime.rungs.all()),
    )


def assessment_evaluate(
    *, valuation_date: dt.date, regime: Regime, rating: str = ""
) -> tuple[calc.Position, dict[str, Any]]:
    """Compute the position at ``valuation_date`` under ``regime`` without writing
    anything: the position and the inputs it used (JSON-ready). Raises ``InvalidInput``
    when the regime's data cannot be used (its correlation matrix)."""
    regime = _regime_loaded(regime)
    modules = list(regime.modules.all())
    try:
        correlation = regime.correlation_matrix()
    except CalculationError as error:
        raise InvalidInput(
            _("The regime's correlation matrix is unusable: %(error)s") % {"error": error},
            field="regime",
        ) from None
    capital = capital_position(valuation_date=valuation_date)
    start = twelve_months_to(valuation_date)
    premiums = premiums_billed(start=start, end=valuation_date)
    run = selectors.reserve_run_latest_approved(valuation_date)
    reserves = reserve_figures(selectors.reserve_totals(run))
    holdings_date, holdings = selectors.holdings_as_of(valuation_date)
    rows = list(holdings)
    exposures = calc.Exposures(
        premiums=premiums,
        claims_reserves=reserves["outstanding"] + reserves["ibnr"],
        unearned_premiums=reserves["upr"],
        holdings=tuple(
            calc.Holding(h.asset_class, h.rating, h.market_value, h.duration) for h in rows
        ),
    )
    rules = regime_rules(regime, modules=modules, correlation=correlation)
    try:
        evaluation = evaluate(
            rules, exposures, core=capital.core, supplementary=capital.supplementary, rating=rating
        )
    except CalculationError as error:
        raise InvalidInput(
            _("The regime's modules do not fit its correlation matrix: %(error)s")
            % {"error": error},
            field="regime",
        ) from None
    position, mcr_linear = evaluation.position, evaluation.mcr_linear
    inputs = json_ready(
        {
            "valuation_date": valuation_date,
            "regime": _regime_snapshot(regime),
            "rating": rating,
            "capital": [line.as_json() for line in capital.lines],
            "premiums": {"from": start, "to": valuation_date, "amount": premiums},
            "reserves": {"run": getattr(run, "pk", None), **reserves},
            "holdings": {
                "as_of": holdings_date,
                "rows": [
                    {
                        "id": h.pk,
                        "asset_class": h.asset_class,
                        "issuer": h.issuer,
                        "rating": h.rating,
                        "market_value": h.market_value,
                        "duration": h.duration,
                    }
                    for h in rows
                ],
            },
            "mcr_linear": mcr_linear if regime.has_mcr else None,
            "warnings": list(capital.warnings),
        }
    )
    return position, inputs
