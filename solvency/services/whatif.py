"""What-if: a regime applied to charges and capital given by hand, outside the
society's data (``manage.py solvency_whatif``, for actuaries and regulators).

Input (a JSON object; docs/solvency.md, "What-if")::

    {"regime": "cross" | "solvency2" | "rbc",          # a regime's code
     "modules": {"<module>": charge, ...},              # the regime's modules
     "correlation": {"modules": [...], "matrix": [[...]]},   # optional, overrides
     "adjustments": {"operational": x, "control_risk": y, ...},  # optional, added
                                                        # after aggregation
     "capital": {"core": a, "supplementary": b},
     "rating": "A" | "B" | "C" | "D",                   # optional
     "mcr_linear": m}                                   # optional, Solvency II

The regime's data gives the multiplier (RBC: ACL = ½ × RBC), the capital limits, the
thresholds and the ladder; its factors do not apply (the charges are given). For
Solvency II the minimum capital is the SCR and the MCR is reported beside it; without
``mcr_linear`` the linear MCR is taken as 0, so the MCR is the corridor's floor (25% of
the SCR) or the absolute floor, whichever is higher.

Charges and capital are rounded to the cent (ROUND_HALF_UP) as they are read.
A refusal is an ``InvalidInput`` whose field names the part at fault (``modules.xyz``,
``capital.core``, ``correlation.matrix[1][0]``...).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.money import quantize_money

from .. import selectors
from ..calculations import regimes as calc
from ..calculations.aggregation import CalculationError, Correlation, correlation_check
from ..models import Regime, RiskModule

RATINGS = calc.RATINGS


def _number(value: Any, field: str, *, negative: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise InvalidInput(_("%(field)s must be a number.") % {"field": field}, field=field)
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            _("%(field)s must be a number.") % {"field": field}, field=field
        ) from None
    if not number.is_finite():
        raise InvalidInput(_("%(field)s must be a finite number.") % {"field": field}, field=field)
    if abs(number) >= Decimal("1e30"):
        raise InvalidInput(_("%(field)s is too large.") % {"field": field}, field=field)
    if number < 0 and not negative:
        raise InvalidInput(_("%(field)s cannot be negative.") % {"field": field}, field=field)
    return number


def _object(data: Mapping, key: str, *, required: bool = True) -> Mapping | None:
    if key not in data:
        if required:
            raise InvalidInput(_("%(field)s is missing.") % {"field": key}, field=key)
        return None
    value = data[key]
    if not isinstance(value, Mapping):
        raise InvalidInput(_("%(field)s must be an object.") % {"field": key}, field=key)
    return value


def _regime(data: Mapping) -> Regime:
    if "regime" not in data:
        raise InvalidInput(_("%(field)s is missing.") % {"field": "regime"}, field="regime")
    code = data["regime"]
    regime = selectors.regime_get(code=code) if isinstance(code, str) else None
    if regime is None:
        codes = ", ".join(Regime.objects.order_by("code").values_list("code", flat=True))
        raise InvalidInput(
            _("regime: unknown regime %(code)s; one of %(codes)s.")
            % {"code": json_text(code), "codes": codes},
            field="regime",
        )
    return regime


def json_text(value: Any) -> str:
    import json

    try:
        return json.dumps(value, ensure_ascii=False, default=str)[:60]
    except (TypeError, ValueError):
        return repr(value)[:60]


def _correlation(data: Mapping, regime: Regime, known: list[str]) -> Correlation:
    source = data.get("correlation", regime.correlation)
    try:
        correlation = correlation_check(source, field="correlation")
    except CalculationError as error:
        raise InvalidInput(f"{error.field}: {error.message}", field=error.field) from None
    for i, name in enumerate(correlation.modules):
        if name not in known:
            field = f"correlation.modules[{i}]"
            raise InvalidInput(
                _("%(field)s: %(name)s is not a module of the regime %(regime)s.")
                % {"field": field, "name": name, "regime": regime.code},
                field=field,
            )
    return correlation


def whatif_run(data: Any) -> dict[str, Any]:
    """Apply the named regime to the input (see the module's docstring) and return the
    output: ``regime``, ``diversified_requirement``, ``minimum_capital``,
    ``actual_capital``, ``core_capital``, ``comprehensive_ratio``, ``core_ratio``,
    ``status``, ``modules``, plus ``mcr`` and ``mcr_ratio`` for a regime with an MCR and
    the details (``adjustments``, ``admitted_supplementary``, ``early_warning``,
    ``warnings``). Amounts and ratios are Decimals (ratios in percent, 2 places,
    rounded down)."""
    if not isinstance(data, Mapping):
        raise InvalidInput(_("The input must be a JSON object."), field="input")
    regime = _regime(data)
    known = list(
        RiskModule.objects.filter(regime=regime)
        .order_by("order", "code")
        .values_list("code", flat=True)
    )
    modules = _object(data, "modules") or {}
    charges: dict[str, Decimal] = {}
    for name, value in modules.items():
        field = f"modules.{name}"
        if name not in known:
            raise InvalidInput(
                _("%(field)s: unknown module for %(regime)s; its modules are %(known)s.")
                % {"field": field, "regime": regime.code, "known": ", ".join(known)},
                field=field,
            )
        charges[name] = quantize_money(_number(value, field))
    correlation = _correlation(data, regime, known)
    for name in charges:
        if name not in correlation.modules:
            field = f"modules.{name}"
            raise InvalidInput(
                _("%(field)s: the correlation matrix has no row for this module.")
                % {"field": field},
                field=field,
            )
    adjustments: dict[str, Decimal] = {}
    given = _object(data, "adjustments", required=False) or {}
    for name, value in given.items():
        adjustments[str(name)] = _number(value, f"adjustments.{name}", negative=True)
    capital = _object(data, "capital") or {}
    for key in ("core", "supplementary"):
        if key not in capital:
            field = f"capital.{key}"
            raise InvalidInput(_("%(field)s is missing.") % {"field": field}, field=field)
    core = quantize_money(_number(capital["core"], "capital.core", negative=True))
    supplementary = quantize_money(_number(capital["supplementary"], "capital.supplementary"))
    rating = data.get("rating", "") or ""
    if rating not in ("", *RATINGS):
        raise InvalidInput(_("rating must be one of A, B, C, D."), field="rating")
    mcr_linear = _number(data.get("mcr_linear", 0), "mcr_linear")
    try:
        requirement = calc.requirement(
            charges=charges,
            correlation=correlation,
            adjustments=adjustments,
            multiplier=regime.requirement_multiplier,
            mcr_rule=regime.mcr_rule(),
            mcr_linear=mcr_linear,
        )
    except CalculationError as error:
        raise InvalidInput(f"{error.field}: {error.message}", field=error.field) from None
    position = calc.position(
        requirement=requirement,
        core=core,
        supplementary=supplementary,
        limits=regime.limits(),
        thresholds=regime.thresholds(),
        rungs=[r.as_rung() for r in regime.rungs.all()],
        rating=rating,
    )
    out: dict[str, Any] = {
        "regime": regime.code,
        "diversified_requirement": requirement.diversified,
        "minimum_capital": requirement.minimum_capital,
        "actual_capital": position.actual_capital,
        "core_capital": position.core_capital,
        "comprehensive_ratio": position.comprehensive_ratio,
        "core_ratio": position.core_ratio,
        "status": position.ladder.status,
        "modules": {name: requirement.charges[name] for name in charges},
    }
    if requirement.mcr is not None:
        out["mcr"] = requirement.mcr
        out["mcr_ratio"] = position.mcr_ratio
    out["adjustments"] = requirement.adjustments
    out["admitted_supplementary"] = position.admitted_supplementary
    out["early_warning"] = position.ladder.early_warning
    out["warnings"] = list(position.ladder.warnings)
    return out


def json_exact(value: Any) -> str:
    """JSON with every Decimal written as the number it is (``125.00``, not a binary
    float's nearest text): one line, keys in the order given."""
    import json

    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return (
            "{"
            + ", ".join(
                f"{json.dumps(str(k), ensure_ascii=False)}: {json_exact(v)}"
                for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ", ".join(json_exact(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
