"""The chart of accounts every society starts with (staff may add accounts later).

Codes follow the numbering of the Chinese chart for insurers: 1xxx assets, 2xxx
liabilities, 4xxx equity, 6xxx income (60xx-61xx) and expenses (64xx-67xx).
"""

from django.db import migrations

CHART = [
    # code, Chinese name, English name, type, description
    ("1002", "银行存款", "Cash at bank", "asset", "Money held in the society's bank accounts."),
    ("1101", "投资资产", "Investments", "asset", "Deposits, bonds and funds held for investment."),
    (
        "1122",
        "应收保费及分摊款",
        "Contributions receivable",
        "asset",
        "Premiums and apportioned shares due from members and not yet paid.",
    ),
    ("2202", "应付赔款", "Claims payable", "liability", "Approved claims not yet paid out."),
    (
        "2203",
        "预收保费",
        "Contributions received in advance",
        "liability",
        "Money received from members before it falls due.",
    ),
    (
        "2601",
        "未到期责任准备金",
        "Unearned premium reserve",
        "liability",
        "The part of premiums written that covers time still to come.",
    ),
    (
        "2602",
        "未决赔款准备金",
        "Outstanding claims reserve",
        "liability",
        "Case estimates of reported claims not yet settled.",
    ),
    (
        "2603",
        "已发生未报告赔款准备金",
        "IBNR reserve",
        "liability",
        "Claims incurred but not yet reported, estimated by the actuary.",
    ),
    (
        "4001",
        "初始运营资金",
        "Initial operating fund",
        "equity",
        "Provided by the founders; repaid only out of surplus while solvency stays "
        "adequate (Pilot Measures 2015).",
    ),
    ("4104", "累计盈余", "Surplus", "equity", "Accumulated surplus of the society."),
    (
        "6031",
        "保费及分摊收入",
        "Contribution income",
        "income",
        "Premiums and apportioned shares that members owe for their cover.",
    ),
    (
        "6051",
        "管理费收入",
        "Management fee income",
        "income",
        "The management fee taken on apportionments of mutual aid plans.",
    ),
    ("6111", "投资收益", "Investment income", "income", "Interest and gains on investments."),
    ("6511", "赔付支出", "Claims paid", "expense", "Benefits paid to members on approved claims."),
    (
        "6501",
        "提取未到期责任准备金",
        "Change in unearned premium reserve",
        "expense",
        "Increase (or release) of the unearned premium reserve.",
    ),
    (
        "6502",
        "提取未决赔款准备金",
        "Change in claims reserves",
        "expense",
        "Increase (or release) of the outstanding claims and IBNR reserves.",
    ),
    ("6601", "业务及管理费", "Operating expenses", "expense", "The costs of running the society."),
]


def seed_chart(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    for code, name, name_en, account_type, description in CHART:
        Account.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "type": account_type,
                "description": description,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(seed_chart, migrations.RunPython.noop)]
