"""The standard set of stress scenarios, seeded by a data migration
(``seed_stress_scenarios``) and then data the actuary edits. Every number is our choice
for a small mutual (docs/defaults.md, "Stress scenarios"): no rule binding on the
society fixes them.

Idempotent: a scenario whose code exists is left as staff made it.
"""

from __future__ import annotations

SCENARIOS: tuple[dict, ...] = (
    {
        "code": "claims_up_20",
        "name": "赔付上升20%",
        "name_en": "Claims up 20%",
        "description": "A year's claims 20% above the last 12 months (our choice).",
        "shocks": {"claims_pct": "20"},
    },
    {
        "code": "reserves_adverse_15",
        "name": "准备金不利发展15%",
        "name_en": "Reserves deteriorate 15%",
        "description": "Outstanding claims and IBNR 15% short (our choice).",
        "shocks": {"reserve_pct": "15"},
    },
    {
        "code": "assets_fall",
        "name": "资产价格下跌",
        "name_en": "Asset prices fall",
        "description": (
            "Listed equity −30%, funds −20%, property −15%, corporate bonds −5% "
            "(our choice, of the order of the 2008 and 2015 falls of Chinese equities)."
        ),
        "shocks": {
            "asset_pct": {
                "equity": "30",
                "fund": "20",
                "property": "15",
                "corporate_bond": "5",
            }
        },
    },
    {
        "code": "mass_exit_30",
        "name": "会员集中退出30%",
        "name_en": "30% of members leave",
        "description": "30% of the members and their contributions leave (our choice).",
        "shocks": {"exit_pct": "30"},
    },
    {
        "code": "pandemic_year",
        "name": "大流行年份",
        "name_en": "Pandemic year",
        "description": "Claims frequency × 1.5 for a year (our choice).",
        "shocks": {"pandemic_factor": "1.5"},
    },
    {
        "code": "combined",
        "name": "综合情景",
        "name_en": "Combined",
        "description": (
            "Claims +10%, reserves +10%, equity −20%, funds −15%, 10% of members leave "
            "(our choice)."
        ),
        "shocks": {
            "claims_pct": "10",
            "reserve_pct": "10",
            "asset_pct": {"equity": "20", "fund": "15"},
            "exit_pct": "10",
        },
    },
)


def seed_stress_scenarios(apps, schema_editor=None) -> None:
    """Create the standard scenarios that do not exist yet (the historical models come
    from ``apps``)."""
    model = apps.get_model("solvency", "StressScenario")
    for order, scenario in enumerate(SCENARIOS):
        if model.objects.filter(code=scenario["code"]).exists():
            continue
        model.objects.create(order=order, **scenario)
