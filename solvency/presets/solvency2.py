"""The Solvency II standard formula (sources: docs/solvency.md, "Presets")."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from .common import CREDIT_RATES, SPREAD_RATES, credit_factors

SOLVENCY2: dict[str, Any] = {
    "code": "solvency2",
    "name": "欧盟偿付能力II标准公式",
    "name_en": "Solvency II standard formula",
    "description": (
        "Directive 2009/138/EC, art. 100–144 and Annex IV (the BSCR correlation matrix); "
        "Delegated Regulation (EU) 2015/35, art. 87 (aggregation), 204 (operational "
        "risk), 248–253 (MCR). SCR = BSCR + adjustments + operational risk; MCR within "
        "25–45% of the SCR, at least the absolute floor."
    ),
    "correlation": {
        "modules": ["market", "counterparty_default", "life", "health", "non_life"],
        "matrix": [
            ["1", "0.25", "0.25", "0.25", "0.25"],
            ["0.25", "1", "0.25", "0.25", "0.5"],
            ["0.25", "0.25", "1", "0.25", "0"],
            ["0.25", "0.25", "0.25", "1", "0"],
            ["0.25", "0.5", "0", "0", "1"],
        ],
    },
    "operational_premium_rate": D("0.03"),
    "operational_cap_rate": D("0.30"),
    "has_mcr": True,
    "mcr_floor_rate": D("0.25"),
    "mcr_cap_rate": D("0.45"),
    "mcr_absolute_floor": D("21000000.00"),
    "mcr_premium_rate": D("0.085"),
    "mcr_reserve_rate": D("0.047"),
    "supplementary_limit_of_requirement": D("0.5"),
    "mcr_supplementary_limit": D("0.2"),
    "comprehensive_min": D("100.00"),
    "core_min": D("50.00"),
    "mcr_min": D("100.00"),
    "rating_min": "",
    "early_warning_points": D("20.00"),
    "modules": [
        ("market", "市场风险", "Market risk", "equity 39%/49%, property 25%, rates, spread"),
        (
            "counterparty_default",
            "交易对手违约风险",
            "Counterparty default risk",
            "deposits by rating",
        ),
        ("life", "寿险承保风险", "Life underwriting risk", "none by default"),
        ("health", "健康险承保风险", "Health underwriting risk", "3σ on premiums and reserves"),
        ("non_life", "非寿险承保风险", "Non-life underwriting risk", "none by default"),
    ],
    "factors": [
        {
            "module": "health",
            "exposure": "premiums",
            "rate": D("0.255"),
            "source": "3 × σ 8.5%, income protection premium risk (Delegated Reg. art. 147)",
        },
        {
            "module": "health",
            "exposure": "claims_reserves",
            "rate": D("0.42"),
            "source": "3 × σ 14%, income protection reserve risk (Delegated Reg. art. 147)",
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
                ("equity", D("0.39"), "type 1 equity, art. 169 (before the symmetric adjustment)"),
                ("fund", D("0.49"), "type 2 equity, art. 169"),
                ("property", D("0.25"), "property risk, art. 174"),
            )
        ],
        *[
            {
                "module": "market",
                "exposure": "assets",
                "asset_class": cls,
                "rate": D("0.01"),
                "by_duration": True,
                "source": "interest rate up: at least 1 point, art. 166 (value × duration × 0.01)",
            }
            for cls in ("government_bond", "corporate_bond")
        ],
        *credit_factors(
            "market",
            ("corporate_bond",),
            SPREAD_RATES,
            by_duration=True,
            source="spread risk on bonds, art. 176",
        ),
        *credit_factors("counterparty_default", ("deposit",), CREDIT_RATES, source="our choice"),
    ],
    "rungs": [
        {
            "severity": 30,
            "measure": "comprehensive",
            "below": D("100.00"),
            "status": "scr_breach",
            "name": "未满足SCR",
            "name_en": "SCR not covered",
            "requires": "立即报告监管机构；两个月内提交可行的恢复计划；六个月内恢复。",
            "requires_en": (
                "Inform the supervisor at once; a realistic recovery plan within two "
                "months; compliance restored within six months."
            ),
            "deadline_days": 60,
            "source": "Directive 2009/138/EC, art. 138",
        },
        {
            "severity": 40,
            "measure": "mcr",
            "below": D("100.00"),
            "status": "mcr_breach",
            "name": "未满足MCR",
            "name_en": "MCR not covered",
            "requires": "一个月内提交短期融资方案；三个月内恢复，否则撤销许可。",
            "requires_en": (
                "A short-term realistic finance scheme within one month; the MCR restored "
                "within three months, or the authorisation is withdrawn."
            ),
            "deadline_days": 30,
            "source": "Directive 2009/138/EC, art. 139 and 144",
        },
    ],
}
