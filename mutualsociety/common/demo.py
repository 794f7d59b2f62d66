"""The demo society's particulars (part of ``manage.py seed_demo``, called first).

Idempotent: the society's one row is set to the same values on every run.
"""

from __future__ import annotations

import datetime as dt

from .models import Society

#: The demo society's founding date: its opening ledger entries are dated from it.
FOUNDED = dt.date(2024, 3, 18)


def seed() -> Society:
    """Fill in the demo society's name, registration, bank account and introduction."""
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
