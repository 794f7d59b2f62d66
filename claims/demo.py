"""Demo claims: a claim in every state, public notices with objections, review panels and
one completed apportionment of the mutual aid plan (part of ``manage.py seed_demo``).

Everything goes through the claims services with the demo handler and approver; only the
public-notice dates of the shared cases are moved into the past, so that the society has
a finished apportionment to show. Runs once: a second run finds the claims and stops.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.models import Claim
from claims.services.apportionment import (
    apportionment_days,
    apportionment_publish,
    apportionment_run,
    plan_terms,
)
from claims.services.handling import (
    claim_appeal,
    claim_approve,
    claim_assess,
    claim_info_request,
    claim_pay,
    claim_reject,
    claim_review_start,
    claim_withdraw,
)
from claims.services.intake import Upload, claim_submit
from claims.services.notice import claim_object, panel_tally, panel_vote
from members.models import Member, Plan

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
SUMMARIES = (
    "病理报告确诊，住院病历与申请一致，无既往症记录。",
    "交通事故导致骨折，有交警事故认定书和住院记录。",
    "确诊恶性肿瘤，医院出具诊断证明，观察期后首次就诊。",
)


def _submit(member: Member, *, days_ago: int, amount: str, kind: str = "illness") -> Claim:
    coverage = member.coverages.order_by("start_date").first()
    return claim_submit(
        member=member,
        data={
            "coverage": coverage.pk,
            "kind": kind,
            "event_date": timezone.localdate() - dt.timedelta(days=days_ago),
            "description": "确诊后住院治疗，附诊断证明和费用清单。",
            "amount_claimed": min(Decimal(amount), coverage.sum_assured),
            "bank_account_name": member.legal_name,
            "bank_account_number": f"6222 0200 {member.pk:04d} {days_ago:04d}",
        },
        documents=[Upload("诊断证明.pdf", PDF)],
        actor=member.user,
    )


def _assessed(member, handler, *, amount: str, n: int, kind: str = "illness") -> Claim:
    claim = _submit(member, days_ago=20 + n, amount=amount, kind=kind)
    claim_review_start(claim=claim, actor=handler)
    return claim_assess(
        claim=claim,
        actor=handler,
        amount=claim.amount_claimed,
        reasons="材料齐全，符合保障责任。",
        investigation_summary=SUMMARIES[n % len(SUMMARIES)],
    )


def _last_apportionment_day(plan: Plan, today: dt.date) -> dt.date:
    """The latest of the plan's apportionment days on or before today."""
    days = sorted(apportionment_days(plan_terms(plan, today))) or [28]
    day = today
    for _ in range(62):
        if day.day in days:
            return day
        day -= dt.timedelta(days=1)
    return today


def seed() -> dict:
    """Create the demo claims once (after the members and the assembly)."""
    if Claim.objects.exists():
        return {"created": 0}
    User = get_user_model()  # noqa: N806
    handler = User.objects.get(username="handler")
    approver = User.objects.get(username="approver")
    admin = User.objects.get(username="admin")
    today = timezone.localdate()
    aid = Plan.objects.get(code="mutual-aid")
    veterans = list(
        Member.objects.filter(
            status=Member.Status.ACTIVE,
            coverages__plan=aid,
            coverages__status="in_force",
            coverages__waiting_period_end__lte=today - dt.timedelta(days=60),
            joined_on__lte=today - dt.timedelta(days=200),
            user__isnull=True,
        ).order_by("pk")[:40]
    )
    created = []

    # Chen Mei's claim, under review.
    chenmei = Member.objects.get(user__username="chenmei")
    claim = _submit(chenmei, days_ago=12, amount="30000.00")
    claim_review_start(claim=claim, actor=handler, reason="材料已收到")
    created.append(claim)

    # One claim in each early state.
    created.append(_submit(veterans[0], days_ago=5, amount="80000.00"))
    claim = _submit(veterans[1], days_ago=9, amount="120000.00")
    claim_review_start(claim=claim, actor=handler)
    claim_info_request(claim=claim, actor=handler, reason="请补充出院小结。")
    created.append(claim)
    created.append(_assessed(veterans[2], handler, amount="45000.00", n=0))
    claim = _submit(veterans[3], days_ago=15, amount="20000.00")
    claim_withdraw(claim=claim, member=veterans[3], reason="已康复")
    created.append(claim)

    # Shared and paid: approved, cleared from notice, paid, shared at the last apportionment.
    cutoff = _last_apportionment_day(aid, today)
    shared = []
    for n, (member, amount) in enumerate(
        zip(veterans[4:7], ("20000.00", "12000.00", "8000.00"), strict=True)
    ):
        claim = _assessed(member, handler, amount=amount, n=n, kind="illness")
        claim_approve(claim=claim, actor=approver)
        if claim.assessed_amount > claim.coverage.plan_version.claim_approval_threshold:
            claim_approve(claim=claim, actor=admin)
        shared.append(claim)
    notice_end = cutoff - dt.timedelta(days=2)
    Claim.objects.filter(pk__in=[c.pk for c in shared]).update(
        submitted_at=timezone.now() - dt.timedelta(days=(today - notice_end).days + 12),
        notice_status=Claim.Notice.CLEARED,
        notice_from=notice_end - dt.timedelta(days=3),
        notice_until=notice_end,
        cleared_on=notice_end + dt.timedelta(days=1),
    )
    for claim in shared:
        claim_pay(claim=claim, actor=handler)
    period = apportionment_run(plan=aid, cutoff=cutoff, actor=admin)
    apportionment_publish(period=period, actor=admin)
    created += shared

    # On public notice now, with one objection.
    claim = _assessed(veterans[7], handler, amount="40000.00", n=1, kind="accident")
    claim_approve(claim=claim, actor=approver)
    claim_object(claim=claim, member=veterans[20], reason="事故日期与投保日期接近，请核实。")
    created.append(claim)

    # On notice with enough objections: a review panel is voting.
    claim = _assessed(veterans[8], handler, amount="35000.00", n=2)
    claim_approve(claim=claim, actor=approver)
    for objector in veterans[21:24]:
        claim_object(claim=claim, member=objector, reason="既往病史疑问，请评议。")
    panel = claim.panels.get()
    for seat in panel.seats.select_related("member")[:4]:
        panel_vote(panel=panel, member=seat.member, vote="uphold", reason="材料充分。")
    created.append(claim)

    # Rejected, appealed, and the panel dismissed the appeal (outcome published).
    claim = _assessed(veterans[9], handler, amount="60000.00", n=0)
    claim_reject(
        claim=claim,
        actor=approver,
        reasons="确诊日期在观察期内。",
    )
    claim_appeal(claim=claim, member=veterans[9], reason="症状出现在观察期之后。")
    panel = claim.panels.get()
    for n, seat in enumerate(panel.seats.select_related("member")):
        panel_vote(
            panel=panel,
            member=seat.member,
            vote="overturn" if n < 3 else "uphold",
            reason="病历显示观察期内已就诊。" if n >= 3 else "",
        )
    panel_tally(panel=panel)
    created.append(claim)

    # Rejected and appealed: a panel is voting on the appeal.
    claim = _assessed(veterans[10], handler, amount="15000.00", n=1)
    claim_reject(claim=claim, actor=approver, reasons="不属于保障范围的疾病。")
    claim_appeal(claim=claim, member=veterans[10], reason="医生诊断属于约定重疾。")
    created.append(claim)

    # Rejected, within the appeal window.
    claim = _assessed(veterans[11], handler, amount="9000.00", n=2)
    claim_reject(claim=claim, actor=approver, reasons="事故发生在保障开始之前。")
    created.append(claim)

    # Approved under the premium plan (no notice) and waiting for payment.
    premium_member = Member.objects.filter(
        coverages__plan__code="ci-cover",
        coverages__waiting_period_end__lte=today - dt.timedelta(days=30),
        status=Member.Status.ACTIVE,
        user__isnull=True,
    ).first()
    if premium_member is not None:
        claim = _assessed(premium_member, handler, amount="50000.00", n=2)
        claim_approve(claim=claim, actor=approver)
        created.append(claim)
    return {"created": len(created), "period": period}
