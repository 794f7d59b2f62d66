"""Demo data: a plausible society to click through (``manage.py seed_demo``).

Every later issue extends ``seed()`` so that the README's first command always shows a
living society. Seeding is idempotent: running it again changes nothing (users are
found by username, ledger entries by idempotency key).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.roles import ROLES
from ledger.services import Credit, Debit, entry_post
from mutualsociety.common.models import Society

DEMO_PASSWORD = "mutual-demo-2026"  # noqa: S105 - printed on purpose; demo only


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str | None  # a slug from accounts.roles, None for the superuser


DEMO_STAFF = (
    DemoUser("admin", "系统管理员 Administrator", None),
    DemoUser("underwriter", "周敏 Zhou Min", "underwriter"),
    DemoUser("handler", "李静 Li Jing", "claims_handler"),
    DemoUser("approver", "王磊 Wang Lei", "claims_approver"),
    DemoUser("actuary", "陈晓 Chen Xiao", "actuary"),
    DemoUser("finance", "刘洋 Liu Yang", "finance"),
    DemoUser("compliance", "赵雪 Zhao Xue", "compliance_officer"),
    DemoUser("secretary", "孙立 Sun Li", "board_secretary"),
    DemoUser("director", "黄河 Huang He", "director"),
    DemoUser("supervisor", "吴芳 Wu Fang", "supervisor"),
    DemoUser("regulator", "监管查阅 Regulator", "regulator"),
)

FOUNDED = dt.date(2024, 3, 18)


def _society() -> Society:
    society, _ = Society.objects.get_or_create(pk=1)
    society.name = "同舟相互保险社"
    society.name_en = "Tongzhou Mutual Insurance Society"
    society.kind = Society.Kind.MUTUAL_INSURANCE
    society.scope = Society.Scope.GENERAL
    society.founded_on = FOUNDED
    society.registration_number = "91310115MA7DEMO01X"
    society.registered_address = "上海市浦东新区世纪大道100号（演示）"
    society.contact_email = "service@tongzhou-mutual.example"
    society.contact_phone = "400-800-0000"
    society.bank_name = "中国工商银行上海浦东分行 ICBC Shanghai Pudong Branch"
    society.bank_account_name = "同舟相互保险社"
    society.bank_account_number = "1001 2345 6789 0123 456"
    society.introduction = (
        "同舟相互保险社由会员共同所有：会员既是保单持有人，也是社里的主人。"
        "会员通过会员大会选举董事会和监事会，共担风险、共享盈余，并可随时查看本社的偿付能力与信息披露。"
    )
    society.introduction_en = (
        "Tongzhou Mutual is owned by its members: every policyholder is also an owner. "
        "Members elect the board of directors and the supervisory board in the general "
        "assembly, share the risk and the surplus, and can see at any time how solvent "
        "their society is."
    )
    society.save()
    return society


def _staff() -> list[tuple[DemoUser, bool]]:
    User = get_user_model()  # noqa: N806
    groups = {role.slug: Group.objects.get(name=role.group_name) for role in ROLES}
    out = []
    for demo in DEMO_STAFF:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "full_name": demo.full_name,
                "email": f"{demo.username}@tongzhou-mutual.example",
                "is_staff": True,
                "is_superuser": demo.role is None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if demo.role:
            user.groups.add(groups[demo.role])
        out.append((demo, created))
    return out


# (key, date, memo, lines): the founders' initial operating fund and its first uses.
LEDGER = (
    (
        "demo:iof:tranche-1",
        FOUNDED,
        "初始运营资金第一期到账 Initial operating fund, first tranche",
        [Debit("1002", "60000000.00"), Credit("4001", "60000000.00")],
    ),
    (
        "demo:iof:tranche-2",
        dt.date(2024, 6, 28),
        "初始运营资金第二期到账 Initial operating fund, second tranche",
        [Debit("1002", "40000000.00"), Credit("4001", "40000000.00")],
    ),
    (
        "demo:invest:2024-07",
        dt.date(2024, 7, 5),
        "购入国债及定期存款 Government bonds and term deposits bought",
        [Debit("1101", "70000000.00"), Credit("1002", "70000000.00")],
    ),
    (
        "demo:setup-costs:2024",
        dt.date(2024, 9, 30),
        "开办费用（系统、场地、人员） Set-up costs (systems, premises, staff)",
        [Debit("6601", "3865420.37"), Credit("1002", "3865420.37")],
    ),
    (
        "demo:interest:2024-12",
        dt.date(2024, 12, 31),
        "2024年下半年投资收益 Investment income, second half of 2024",
        [Debit("1002", "1093750.00"), Credit("6111", "1093750.00")],
    ),
    (
        "demo:interest:2025-06",
        dt.date(2025, 6, 30),
        "2025年上半年投资收益 Investment income, first half of 2025",
        [Debit("1002", "1137500.00"), Credit("6111", "1137500.00")],
    ),
    (
        "demo:opex:2025",
        dt.date(2025, 12, 31),
        "2025年业务及管理费 Operating expenses 2025",
        [Debit("6601", "5214800.55"), Credit("1002", "5214800.55")],
    ),
)


@transaction.atomic
def seed() -> dict:
    """Create or refresh the demo society; return what was done, for printing."""
    society = _society()
    staff = _staff()
    entries = [
        entry_post(idempotency_key=key, date=date, memo=memo, lines=lines, source_type="demo")
        for key, date, memo, lines in LEDGER
    ]
    from mutualsociety import demo_members

    members = demo_members.members(demo_password=DEMO_PASSWORD)
    from mutualsociety import demo_governance

    governance = demo_governance.seed()
    from mutualsociety import demo_claims

    claims = demo_claims.claims()
    return {
        "society": society,
        "staff": staff,
        "entries": entries,
        "members": members,
        "governance": governance,
        "claims": claims,
    }
