"""Demo staff: one person in every role, all with the published demo password.

Part of ``manage.py seed_demo`` (the project's top floor calls every app's ``demo.py``
in dependency order). Idempotent: people are found by username; a second run adds none
and changes no password.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .roles import ROLES

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
    # The administrator's role (the two-factor rule, lock-outs), without a superuser's
    # powers, and a second person of finance, so that the bank account's maker-checker
    # can be tried: finance proposes, finance2 approves.
    DemoUser("sysadmin", "郑宇 Zheng Yu", "administrator"),
    DemoUser("finance2", "何琳 He Lin", "finance"),
    # A second compliance officer: a disclosure drafted by one is approved by the other
    # (maker-checker of the publications that need it).
    DemoUser("compliance2", "钱晨 Qian Chen", "compliance_officer"),
    # The complaints desk (support).
    DemoUser("complaints", "林夏 Lin Xia", "complaints_handler"),
)


def seed() -> list[tuple[DemoUser, bool]]:
    """Create the demo staff that are missing; return each with whether it was new."""
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
