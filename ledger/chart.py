"""The codes of the chart of accounts (seeded by migrations 0002 and 0004), named once.

Every app that posts refers to an account by these names, never by a string of digits,
so that a code is written in one place. The chart itself (names, types, descriptions) is
data in ``Account``; staff may add accounts, but the system posts only to these.
"""

from __future__ import annotations

CASH = "1002"  # 银行存款 Cash at bank
INVESTMENTS = "1101"  # 投资资产 Investments
RECEIVABLE = "1122"  # 应收保费及分摊款 Contributions receivable (control account)
CLAIMS_PAYABLE = "2202"  # 应付赔款 Claims payable
PREPAID = "2203"  # 预收保费 Contributions received in advance (control account)
# 应付退款 Refunds payable to members (control account; seeded by members 0010_wind_down)
REFUNDS_PAYABLE = "2241"
UNEARNED_PREMIUM_RESERVE = "2601"  # 未到期责任准备金 UPR
OUTSTANDING_CLAIMS_RESERVE = "2602"  # 未决赔款准备金 case reserves
IBNR_RESERVE = "2603"  # 已发生未报告赔款准备金 IBNR
INITIAL_OPERATING_FUND = "4001"  # 初始运营资金
SURPLUS = "4104"  # 累计盈余 Surplus
CONTRIBUTION_INCOME = "6031"  # 保费及分摊收入 Contribution and apportionment income
FEE_INCOME = "6051"  # 管理费收入 Management fee income
INVESTMENT_INCOME = "6111"  # 投资收益
UPR_CHANGE = "6501"  # 提取未到期责任准备金
CLAIMS_RESERVE_CHANGE = "6502"  # 提取未决赔款准备金
CLAIMS_PAID = "6511"  # 赔付支出
OPERATING_EXPENSES = "6601"  # 业务及管理费
