"""Demo complaints: one in each state of the desk, some from earlier quarters so that the
statistics and their publication have figures (part of ``manage.py seed_demo``, after
claims and solvency, before disclosure publishes the quarters).

Filed and handled through the services by the demo complaints handler (``complaints``);
only the dates of the older ones are moved into the past (their events keep the time of
seeding). Runs once: a second run finds complaints and stops.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.models import Member

from .models import Complaint
from .services import (
    ComplaintData,
    complaint_acknowledge,
    complaint_close,
    complaint_escalate,
    complaint_extend,
    complaint_file,
    complaint_investigate,
    complaint_resolve,
)

S = Complaint.Status
C = Complaint.Category


def _file(member: Member | None, key: str, **data) -> Complaint:
    return complaint_file(
        member=member,
        data=ComplaintData(**data),
        submission_key=f"demo-complaint-{key}",
        actor=member.user if member and member.user_id else None,
    ).complaint


def _received(complaint: Complaint, days_ago: int) -> None:
    """Move a complaint's receipt (and the deadlines counted from it) into the past."""
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    shift = complaint.received_on - day
    Complaint.objects.filter(pk=complaint.pk).update(
        received_on=day,
        received_at=complaint.received_at - shift,
        acknowledge_by=complaint.acknowledge_by - shift,
        resolve_by=complaint.resolve_by - shift,
    )
    complaint.refresh_from_db()


def seed() -> dict:
    """Create the demo complaints once (after the members and their claims)."""
    if Complaint.objects.exists():
        return {"created": 0}
    handler = get_user_model().objects.get(username="complaints")
    today = timezone.localdate()
    chenmei = Member.objects.filter(user__username="chenmei").first()
    others = list(
        Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=True).order_by("pk")[:6]
    )
    if len(others) < 6:
        return {"created": 0}
    created: list[Complaint] = []

    # Chen Mei (a demo login) complains about her claim: being investigated.
    if chenmei is not None:
        claim = chenmei.claims.order_by("pk").first()
        complaint = _file(
            chenmei,
            "chenmei",
            category=C.CLAIM if claim else C.SERVICE,
            claim=claim.pk if claim else None,
            description="理赔审核已经十多天，没有人联系我说明还缺什么材料。",
            desired_outcome="请告诉我审核进度和还需要的材料。",
        )
        _received(complaint, 3)
        complaint_acknowledge(complaint=complaint, actor=handler, note="已收到，正在核实。")
        complaint_investigate(complaint=complaint, actor=handler)
        created.append(complaint)

    # Just received, from someone signed out (e-mail).
    created.append(
        _file(
            None,
            "visitor",
            category=C.SERVICE,
            description="客服电话连续两天无人接听。",
            contact_name="刘女士",
            contact_email="liu.visitor@example.com",
        )
    )

    # Overdue: acknowledged 20 days ago, not answered; its deadline was extended once.
    overdue = _file(
        others[0],
        "overdue",
        category=C.APPORTIONMENT,
        description="本期分摊金额比公示的人均分摊多了一分钱。",
    )
    _received(overdue, 35)
    complaint_acknowledge(complaint=overdue, actor=handler)
    complaint_extend(complaint=overdue, reason="需要核对本期分摊的尾差分配记录。", actor=handler)
    created.append(overdue)

    # Answered, partly upheld, in the last quarter; the window to escalate is open.
    partly = _file(
        others[1], "partly", category=C.SERVICE, description="会员证书上的姓名拼音有误。"
    )
    _received(partly, 12)
    complaint_acknowledge(complaint=partly, actor=handler)
    complaint_resolve(
        complaint=partly,
        outcome=S.PARTLY_UPHELD,
        answer="证书已更正并重新签发；拼音按身份证件登记，无法按您的要求改写。",
        actor=handler,
        today=today - dt.timedelta(days=5),
    )
    created.append(partly)

    # Not upheld and escalated to the supervisory board.
    escalated = _file(
        others[2],
        "escalated",
        category=C.UNDERWRITING,
        description="核保以既往症为由拒绝了我的投保，但该病已治愈五年。",
    )
    _received(escalated, 25)
    complaint_acknowledge(complaint=escalated, actor=handler)
    complaint_investigate(complaint=escalated, actor=handler)
    complaint_resolve(
        complaint=escalated,
        outcome=S.REJECTED,
        answer="核保规则对该类既往症要求十年观察期，拒保决定符合产品条款。",
        actor=handler,
        today=today - dt.timedelta(days=10),
    )
    complaint_escalate(complaint=escalated, reason="请监事会复核核保规则是否合理。")
    created.append(escalated)

    # Earlier quarters: upheld and closed, so that the statistics have history.
    for n, (member, days_ago, outcome) in enumerate(
        ((others[3], 150, S.UPHELD), (others[4], 120, S.REJECTED), (others[5], 100, S.UPHELD))
    ):
        old = _file(member, f"old-{n}", category=C.SERVICE, description="缴费后未收到收据。")
        _received(old, days_ago)
        complaint_acknowledge(complaint=old, actor=handler)
        complaint_resolve(
            complaint=old,
            outcome=outcome,
            answer="收据已补发。" if outcome == S.UPHELD else "收据已于缴费当日发送至登记邮箱。",
            actor=handler,
            today=today - dt.timedelta(days=days_ago - 6 - 12 * n),
        )
        complaint_close(complaint=old, reason="申诉期已过，未提出异议。", actor=handler)
        created.append(old)
    return {"created": len(created)}
