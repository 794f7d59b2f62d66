"""The preset regimes, seeded by a data migration (``seed_presets``) and then data that
the actuary edits in the admin. Sources of every number: docs/solvency.md ("Presets")
and docs/defaults.md ("Solvency"); where no rule fixes a factor for a small mutual, the
number is our choice and says so there.

``seed_presets`` is idempotent: a regime whose code exists is left as staff made it.
"""

from __future__ import annotations

from .cross import CROSS
from .rbc import RBC
from .solvency2 import SOLVENCY2

__all__ = ["CROSS", "PRESETS", "RBC", "SOLVENCY2", "seed_presets"]

PRESETS: tuple[dict, ...] = (CROSS, SOLVENCY2, RBC)

_REGIME_FIELDS = (
    "name",
    "name_en",
    "is_default",
    "description",
    "correlation",
    "requirement_multiplier",
    "control_risk_rate",
    "operational_premium_rate",
    "operational_cap_rate",
    "has_mcr",
    "mcr_floor_rate",
    "mcr_cap_rate",
    "mcr_absolute_floor",
    "mcr_premium_rate",
    "mcr_reserve_rate",
    "supplementary_limit_of_core",
    "supplementary_limit_of_requirement",
    "mcr_supplementary_limit",
    "comprehensive_min",
    "core_min",
    "mcr_min",
    "rating_min",
    "early_warning_points",
)


def seed_presets(apps, schema_editor=None) -> None:
    """Create the preset regimes that do not exist yet (a data migration calls this; the
    historical models come from ``apps``)."""
    regime_model = apps.get_model("solvency", "Regime")
    module_model = apps.get_model("solvency", "RiskModule")
    factor_model = apps.get_model("solvency", "RiskFactor")
    rung_model = apps.get_model("solvency", "LadderRung")
    for preset in PRESETS:
        if regime_model.objects.filter(code=preset["code"]).exists():
            continue
        fields = {k: preset[k] for k in _REGIME_FIELDS if k in preset}
        if fields.get("is_default") and regime_model.objects.filter(is_default=True).exists():
            fields["is_default"] = False
        regime = regime_model.objects.create(code=preset["code"], **fields)
        modules = {}
        for order, (code, name, name_en, description) in enumerate(preset["modules"]):
            modules[code] = module_model.objects.create(
                regime=regime,
                code=code,
                name=name,
                name_en=name_en,
                order=order,
                description=description,
            )
        for factor in preset["factors"]:
            values = dict(factor)
            factor_model.objects.create(module=modules[values.pop("module")], **values)
        for rung in preset["rungs"]:
            rung_model.objects.create(regime=regime, **rung)
