"""C-ROSS, the default preset (sources: docs/solvency.md, "Presets")."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from .common import CREDIT_RATES, credit_factors

CROSS: dict[str, Any] = {
    "code": "cross",
    "name": "偿二代（C-ROSS）",
    "name_en": "C-ROSS (China Risk Oriented Solvency System)",
    "is_default": True,
    "description": (
        "C-ROSS Phase II (CBIRC 2021 rules; Regulations on the Solvency Management of "
        "Insurance Companies, CBIRC Order 2021 No. 1). Minimum capital = quantified risks "
        "(insurance, market, credit) aggregated with a correlation matrix, plus the "
        "control-risk adjustment; × 0.9 for a company with total assets under 10 billion "
        "CNY (NFRA 金规〔2023〕5号). Factors for a small mutual: docs/solvency.md."
    ),
    "correlation": {
        "modules": ["insurance", "market", "credit"],
        "matrix": [["1", "0.25", "0.25"], ["0.25", "1", "0.5"], ["0.25", "0.5", "1"]],
    },
    "requirement_multiplier": D("0.9"),
    "control_risk_rate": D("0"),
    "supplementary_limit_of_core": D("1"),
    "comprehensive_min": D("100.00"),
    "core_min": D("50.00"),
    "rating_min": "B",
    "early_warning_points": D("20.00"),
    "modules": [
        ("insurance", "保险风险", "Insurance risk", "premium and reserve risk"),
        ("market", "市场风险", "Market risk", "equity, funds, property, interest rates"),
        ("credit", "信用风险", "Credit risk", "deposits and bonds by rating"),
    ],
    "factors": [
        {"module": "insurance", "exposure": "premiums", "rate": D("0.10"), "source": "our choice"},
        {
            "module": "insurance",
            "exposure": "claims_reserves",
            "rate": D("0.15"),
            "source": "our choice",
        },
        *[
            {
                "module": "market",
                "exposure": "assets",
                "asset_class": cls,
                "rate": rate,
                "source": src,
            }
            for cls, rate, src in (
                (
                    "equity",
                    D("0.31"),
                    "C-ROSS listed equity (main board), order of the rule's factor",
                ),
                ("fund", D("0.20"), "our choice"),
                ("property", D("0.08"), "our choice"),
            )
        ],
        *[
            {
                "module": "market",
                "exposure": "assets",
                "asset_class": cls,
                "rate": D("0.005"),
                "by_duration": True,
                "source": "a 50 bp rise in rates: value × duration × 0.005 (our choice)",
            }
            for cls in ("government_bond", "corporate_bond")
        ],
        *credit_factors("credit", ("deposit", "corporate_bond"), CREDIT_RATES, source="our choice"),
    ],
    "rungs": [
        {
            "severity": 30,
            "measure": "comprehensive",
            "below": D("100.00"),
            "status": "inadequate",
            "name": "偿付能力不达标",
            "name_en": "Solvency inadequate",
            "requires": (
                "监管谈话；提交改善偿付能力的计划；限制盈余分配和初始运营资金偿还；限制业务范围。"
            ),
            "requires_en": (
                "Supervisory talk; a plan to restore solvency; no surplus distribution or "
                "repayment of the initial operating fund; limits on new business."
            ),
            "deadline_days": 30,
            "source": "CBIRC Order 2021 No. 1 (measures); the 30 days are our choice",
        },
        {
            "severity": 30,
            "measure": "core",
            "below": D("50.00"),
            "status": "inadequate",
            "name": "偿付能力不达标（核心）",
            "name_en": "Solvency inadequate (core)",
            "requires": "同上：核心偿付能力充足率低于50%。",
            "requires_en": "As above: the core ratio is below 50%.",
            "deadline_days": 30,
            "source": "CBIRC Order 2021 No. 1; the 30 days are our choice",
        },
        {
            "severity": 30,
            "measure": "rating",
            "rating_at_or_below": "C",
            "status": "inadequate",
            "name": "风险综合评级不达标",
            "name_en": "Integrated risk rating inadequate",
            "requires": "针对风险成因采取监管措施；提交整改计划。",
            "requires_en": "Measures aimed at the causes of the risk; a remediation plan.",
            "deadline_days": 30,
            "source": "CBIRC Order 2021 No. 1 (rating at least B); the 30 days are our choice",
        },
        {
            "severity": 40,
            "measure": "rating",
            "rating_at_or_below": "D",
            "status": "rating_d",
            "name": "风险综合评级D类",
            "name_en": "Integrated risk rating D",
            "requires": "上述措施，并可责令停止新业务、整顿或接管。",
            "requires_en": (
                "The measures above; the regulator may stop new business, order a "
                "restructuring or take control."
            ),
            "deadline_days": 15,
            "source": "CBIRC Order 2021 No. 1; the 15 days are our choice",
        },
    ],
}
