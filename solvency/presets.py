"""The preset regimes, seeded by a data migration (``seed_presets``) and then data that
the actuary edits in the admin. Sources of every number: docs/solvency.md ("Presets")
and docs/defaults.md ("Solvency"); where no rule fixes a factor for a small mutual, the
number is our choice and says so there.

``seed_presets`` is idempotent: a regime whose code exists is left as staff made it.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

#: Ratings from best to worst, as ``CreditRating`` stores them.
RATINGS = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "unrated")

#: Default and credit charges of a deposit or bond by rating (our choice, between the
#: C-ROSS counterparty factors and Solvency II's spread factors for about 4 years).
CREDIT_RATES = dict(
    zip(
        RATINGS,
        (D("0.005"), D("0.01"), D("0.02"), D("0.05"), D("0.10"), D("0.20"), D("0.35"), D("0.10")),
        strict=True,
    )
)
#: Solvency II spread risk on bonds, per year of duration (Delegated Regulation (EU)
#: 2015/35, art. 176(3): credit quality steps 0–6 for a duration up to 5 years; unrated
#: 3.0%).
SPREAD_RATES = dict(
    zip(
        RATINGS,
        (
            D("0.009"),
            D("0.011"),
            D("0.014"),
            D("0.025"),
            D("0.045"),
            D("0.075"),
            D("0.075"),
            D("0.03"),
        ),
        strict=True,
    )
)


def _credit(module: str, classes: tuple[str, ...], rates: dict, *, by_duration=False, source=""):
    return [
        {
            "module": module,
            "exposure": "assets",
            "asset_class": cls,
            "rating": rating,
            "rate": rate,
            "by_duration": by_duration,
            "source": source,
        }
        for cls in classes
        for rating, rate in rates.items()
    ]


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
        *_credit("credit", ("deposit", "corporate_bond"), CREDIT_RATES, source="our choice"),
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
        *_credit(
            "market",
            ("corporate_bond",),
            SPREAD_RATES,
            by_duration=True,
            source="spread risk on bonds, art. 176",
        ),
        *_credit("counterparty_default", ("deposit",), CREDIT_RATES, source="our choice"),
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

PRESETS: tuple[dict[str, Any], ...] = (CROSS, SOLVENCY2, RBC)

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
