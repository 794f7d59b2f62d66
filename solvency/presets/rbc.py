"""NAIC risk-based capital, the P&C formula (sources: docs/solvency.md, "Presets")."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

RBC: dict[str, Any] = {
    "code": "rbc",
    "name": "美国NAIC风险资本（财产险公式）",
    "name_en": "NAIC risk-based capital (P&C formula)",
    "description": (
        "NAIC Risk-Based Capital (RBC) for Insurers Model Act (#312) and the P&C RBC "
        "formula: RBC = R0 + sqrt(R1² + R2² + R3² + R4² + R5²); the authorised control "
        "level (ACL) is half of it. Action levels at 200%, 150%, 100% and 70% of ACL."
    ),
    "correlation": {
        "modules": ["r1_fixed_income", "r2_equity", "r3_credit", "r4_reserve", "r5_premium"],
        "matrix": [
            ["1", "0", "0", "0", "0"],
            ["0", "1", "0", "0", "0"],
            ["0", "0", "1", "0", "0"],
            ["0", "0", "0", "1", "0"],
            ["0", "0", "0", "0", "1"],
        ],
    },
    "requirement_multiplier": D("0.5"),
    "comprehensive_min": D("200.00"),
    "core_min": None,
    "rating_min": "",
    "early_warning_points": D("100.00"),
    "modules": [
        ("r1_fixed_income", "R1 固定收益资产", "R1 Fixed income", "bonds and deposits"),
        ("r2_equity", "R2 权益资产", "R2 Equity", "stocks, funds, property"),
        ("r3_credit", "R3 信用", "R3 Credit", "receivables (none by default)"),
        ("r4_reserve", "R4 准备金风险", "R4 Reserve risk", "claims reserves"),
        ("r5_premium", "R5 保费风险", "R5 Premium risk", "premiums written"),
    ],
    "factors": [
        *[
            {
                "module": "r1_fixed_income",
                "exposure": "assets",
                "asset_class": cls,
                "rating": rating,
                "rate": rate,
                "source": "NAIC P&C bond factors by NAIC designation 1–6 (approximate)",
            }
            for cls in ("corporate_bond", "deposit")
            for rating, rate in (
                ("AAA", D("0.003")),
                ("AA", D("0.003")),
                ("A", D("0.003")),
                ("BBB", D("0.01")),
                ("BB", D("0.02")),
                ("B", D("0.045")),
                ("CCC", D("0.10")),
                ("unrated", D("0.30")),
            )
        ],
        {
            "module": "r2_equity",
            "exposure": "assets",
            "asset_class": "equity",
            "rate": D("0.15"),
            "source": "NAIC P&C unaffiliated common stock 15%",
        },
        {
            "module": "r2_equity",
            "exposure": "assets",
            "asset_class": "fund",
            "rate": D("0.15"),
            "source": "as common stock",
        },
        {
            "module": "r2_equity",
            "exposure": "assets",
            "asset_class": "property",
            "rate": D("0.10"),
            "source": "NAIC P&C real estate 10%",
        },
        {
            "module": "r4_reserve",
            "exposure": "claims_reserves",
            "rate": D("0.20"),
            "source": "our choice",
        },
        {"module": "r5_premium", "exposure": "premiums", "rate": D("0.25"), "source": "our choice"},
    ],
    "rungs": [
        {
            "severity": 10,
            "measure": "comprehensive",
            "below": D("200.00"),
            "status": "company_action_level",
            "name": "公司行动水平",
            "name_en": "Company action level",
            "requires": "45日内向监管机构提交RBC计划。",
            "requires_en": "Submit an RBC plan to the commissioner within 45 days.",
            "deadline_days": 45,
            "source": "NAIC RBC Model Act #312, section 2",
        },
        {
            "severity": 20,
            "measure": "comprehensive",
            "below": D("150.00"),
            "status": "regulatory_action_level",
            "name": "监管行动水平",
            "name_en": "Regulatory action level",
            "requires": "45日内提交RBC计划；监管检查并发出纠正令。",
            "requires_en": (
                "Submit an RBC plan within 45 days; examination and corrective orders by "
                "the commissioner."
            ),
            "deadline_days": 45,
            "source": "NAIC RBC Model Act #312, section 3",
        },
        {
            "severity": 30,
            "measure": "comprehensive",
            "below": D("100.00"),
            "status": "authorized_control_level",
            "name": "授权控制水平",
            "name_en": "Authorised control level",
            "requires": "监管机构可接管公司。",
            "requires_en": "The commissioner may take control of the insurer.",
            "deadline_days": None,
            "source": "NAIC RBC Model Act #312, section 4",
        },
        {
            "severity": 40,
            "measure": "comprehensive",
            "below": D("70.00"),
            "status": "mandatory_control_level",
            "name": "强制控制水平",
            "name_en": "Mandatory control level",
            "requires": "监管机构必须接管公司（整顿或清算）。",
            "requires_en": "The commissioner must take control (rehabilitation or liquidation).",
            "deadline_days": 90,
            "source": "NAIC RBC Model Act #312, section 5 (within 90 days)",
        },
    ],
}
