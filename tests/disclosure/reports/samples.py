"""Figures of a small society, in the layout ``disclosure.reports.builders`` documents:
what the lead's job will take from the selectors, written out by hand."""

from __future__ import annotations

import copy
from typing import Any

SOCIETY = {"name": "众安互助相互保险社", "name_en": "Zhong'an Mutual Insurance Society"}

SOLVENCY: dict[str, Any] = {
    "assessment_id": 42,
    "version": 1,
    "valuation_date": "2026-09-30",
    "approved_on": "2026-10-15",
    "regime": {"code": "cross", "name": {"zh-hans": "偿二代", "en": "C-ROSS"}},
    "comprehensive_ratio": "185.43",
    "core_ratio": "120.07",
    "mcr_ratio": None,
    "rating": "A",
    "status": "adequate",
    "status_label": {"zh-hans": "充足", "en": "Adequate"},
    "early_warning": False,
    "deadline": None,
    "thresholds": {
        "comprehensive": "100.00",
        "core": "50.00",
        "mcr": None,
        "rating": "B",
        "early_warning_points": "20.00",
    },
    "capital": {
        "core": "81234567.89",
        "supplementary": "45000000.00",
        "admitted_supplementary": "44221954.24",
        "actual": "125456522.13",
        "minimum": "67656543.21",
        "mcr": None,
    },
    "requirement": {
        "modules_total": "80111222.33",
        "diversified": "66456543.21",
        "adjustments": "1200000.00",
    },
    "modules": [
        {
            "code": "insurance",
            "name": {"zh-hans": "保险风险", "en": "Insurance risk"},
            "amount": "60100200.30",
        },
        {
            "code": "market",
            "name": {"zh-hans": "市场风险", "en": "Market risk"},
            "amount": "20011022.03",
        },
    ],
    "adjustments": [
        {
            "code": "control",
            "name": {"zh-hans": "控制风险", "en": "Control risk"},
            "amount": "1200000.00",
        }
    ],
    "capital_lines": [
        {
            "code": "fund",
            "name": {"zh-hans": "初始运营资金", "en": "Initial operating fund"},
            "tier": "core",
            "amount": "100000000.00",
        }
    ],
}

HISTORY = [
    {
        "quarter": f"{year}Q{q}",
        "valuation_date": f"{year}-{q * 3:02d}-{30 if q in (2, 3) else 31}",
        "comprehensive_ratio": f"{170 + i}.5{i}",
        "core_ratio": f"{110 + i}.0{i}",
        "mcr_ratio": None,
        "status": "adequate",
        "status_label": {"zh-hans": "充足", "en": "Adequate"},
        "early_warning": False,
    }
    for i, (year, q) in enumerate([(2025, 4), (2026, 1), (2026, 2), (2026, 3)])
]

RESERVES = {
    "valuation_date": "2026-09-30",
    "upr": "3456789.01",
    "outstanding": "2345678.90",
    "ibnr": "1234567.89",
}


def quarterly() -> dict[str, Any]:
    return copy.deepcopy(
        {
            "schema": 1,
            "society": SOCIETY,
            "currency": "CNY",
            "period": {"start": "2026-07-01", "end": "2026-09-30"},
            "generated_on": "2026-10-20",
            "solvency": SOLVENCY,
            "history": HISTORY,
            "reserves": RESERVES,
        }
    )


def by_month(rows: int) -> list[dict[str, Any]]:
    """``rows`` months of claims by plan (a long table)."""
    plans = [
        {"zh-hans": "重疾互助计划", "en": "Critical illness mutual aid plan"},
        {"zh-hans": "意外互助计划", "en": "Accident mutual aid plan"},
    ]
    return [
        {
            "plan": plans[i % 2],
            "month": f"{2000 + i // 24}-{(i // 2) % 12 + 1:02d}-01",
            "claims": 10 + i,
            "amount_claimed": f"{100000 + i * 1111}.{i % 100:02d}",
            "amount_approved": f"{90000 + i * 999}.{(i * 7) % 100:02d}",
            "amount_paid": f"{80000 + i * 888}.{(i * 3) % 100:02d}",
            "rejected": i % 3,
        }
        for i in range(rows)
    ]


def annual(*, months: int = 12) -> dict[str, Any]:
    figures = quarterly()
    figures.update(
        {
            "period": {"start": "2026-01-01", "end": "2026-12-31"},
            "generated_on": "2027-02-10",
            "key_figures": {
                "members_in_force": 123456,
                "contributions": "98765432.10",
                "claims_paid": "61234567.89",
                "claims_ratio": 0.62,
                "expense_ratio": 0.0815,
            },
            "governance": {
                "bodies": [
                    {
                        "kind": "board",
                        "name": {"zh-hans": "董事会", "en": "Board of directors"},
                        "seats": 3,
                        "mandates": [
                            {
                                "name": "张伟",
                                "role": "chair",
                                "starts_on": "2025-06-01",
                                "ends_on": "2028-05-31",
                            },
                            {
                                "name": "王芳",
                                "role": "member",
                                "starts_on": "2025-06-01",
                                "ends_on": "2028-05-31",
                            },
                        ],
                    }
                ],
                "meetings": [
                    {
                        "title": "2026年度会员代表大会",
                        "body": {"zh-hans": "会员代表大会", "en": "Representative assembly"},
                        "closed_on": "2026-05-20",
                        "roll_size": 120,
                        "roll_hash": "9f2c" * 16,
                        "motions": [
                            {
                                "number": 1,
                                "title": "2025年度财务报告",
                                "kind": "ordinary",
                                "eligible": 120,
                                "participants": 96,
                                "votes_for": 90,
                                "votes_against": 4,
                                "abstentions": 2,
                                "outcome": "adopted",
                                "elected": [],
                            },
                            {
                                "number": 2,
                                "title": "选举监事",
                                "kind": "election",
                                "eligible": 120,
                                "participants": 95,
                                "votes_for": None,
                                "votes_against": None,
                                "abstentions": 3,
                                "outcome": "elected",
                                "elected": ["李娜"],
                            },
                        ],
                    }
                ],
            },
            "finances": {
                "balance_sheet": {
                    "as_of": "2026-12-31",
                    "assets": [
                        {
                            "code": "1002",
                            "name": {"zh-hans": "银行存款", "en": "Bank"},
                            "amount": "150234567.89",
                        },
                        {
                            "code": "1101",
                            "name": {"zh-hans": "投资资产", "en": "Investments"},
                            "amount": "40000000.00",
                        },
                    ],
                    "liabilities": [
                        {
                            "code": "2201",
                            "name": {
                                "zh-hans": "未决赔款准备金",
                                "en": "Outstanding claims reserve",
                            },
                            "amount": "2345678.90",
                        },
                    ],
                    "equity": [
                        {
                            "code": "4001",
                            "name": {"zh-hans": "初始运营资金", "en": "Initial operating fund"},
                            "amount": "100000000.00",
                        },
                        {
                            "code": None,
                            "name": {"zh-hans": "未分配结余", "en": "Result not yet appropriated"},
                            "amount": "87888888.99",
                        },
                    ],
                },
                "income_statement": {
                    "start": "2026-01-01",
                    "end": "2026-12-31",
                    "income": [
                        {
                            "code": "5001",
                            "name": {"zh-hans": "会费收入", "en": "Contributions"},
                            "amount": "98765432.10",
                        },
                    ],
                    "expenses": [
                        {
                            "code": "6001",
                            "name": {"zh-hans": "赔款支出", "en": "Claims paid"},
                            "amount": "61234567.89",
                        },
                    ],
                },
            },
            "claims": {
                "statistics": {
                    "claims": 1234,
                    "by_status": {"submitted": 10, "approved": 20, "paid": 1150, "rejected": 54},
                    "amount_claimed": "70123456.78",
                    "amount_approved": "62345678.91",
                    "amount_paid": "61234567.89",
                    "days_to_payment_mean": 12.35,
                    "days_to_payment_p90": 27.0,
                    "rejection_rate": 0.0442,
                    "objection_rate": 0.0123,
                    "overturn_rate": None,
                    "panels_decided": 0,
                },
                "by_month": by_month(months),
                "apportionments": [
                    {
                        "plan": {
                            "zh-hans": "重疾互助计划",
                            "en": "Critical illness mutual aid plan",
                        },
                        "period_start": "2026-12-01",
                        "cutoff": "2026-12-14",
                        "claim_count": 12,
                        "benefits_total": "3600000.00",
                        "fee_rate": "0.080000",
                        "fee": "288000.00",
                        "total": "3888000.00",
                        "members_sharing": 1000000,
                        "share_per_member": "3.89",
                        "shortfall": "0.00",
                    }
                ],
            },
            "complaints": {
                "received": 12,
                "resolved": 11,
                "pending": 1,
                "resolved_in_time": 10,
                "by_category": [
                    {"category": {"zh-hans": "理赔", "en": "Claims"}, "received": 8, "resolved": 7}
                ],
            },
        }
    )
    return figures
