"""Claims set up the way members and staff create them (through the services).

member = covered_member(aid)                  # cover started 400 days ago, past waiting
claim = claim_make(member)                    # submitted with a PDF
claim = claim_approved(member, handler, approver)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from claims.models import Claim
from claims.services.handling import claim_approve, claim_assess, claim_review_start
from claims.services.intake import Upload, claim_submit
from members.models import Coverage, Member
from tests.members.factories import enrol, member_make

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def covered_member(version, *, days_ago: int = 400, age: int = 30, **overrides) -> Member:
    """An active member whose cover under ``version`` started ``days_ago`` days ago (the
    waiting period measured from then), a member for as long."""
    from tests.members.factories import person_data

    person = overrides.pop("person", None) or person_data(age=age)
    member = member_make(version, person=person, **overrides)
    start = timezone.localdate() - dt.timedelta(days=days_ago)
    Coverage.objects.filter(member=member).update(
        start_date=start,
        waiting_period_end=start + dt.timedelta(days=version.waiting_period_days),
    )
    Member.objects.filter(pk=member.pk).update(joined_on=start)
    member.refresh_from_db()
    return member


def claim_data(member: Member, **overrides) -> dict:
    coverage = member.coverages.first()
    data = {
        "coverage": coverage.pk,
        "kind": Claim.Kind.ILLNESS,
        "event_date": timezone.localdate() - dt.timedelta(days=10),
        "description": "确诊恶性肿瘤，住院治疗 Diagnosed with cancer, in hospital.",
        "amount_claimed": Decimal("50000.00"),
        "bank_account_name": "张三",
        "bank_account_number": "6222 0212 3456 7890",
    }
    data.update(overrides)
    return data


def claim_make(member: Member, *, documents=None, **overrides) -> Claim:
    return claim_submit(
        member=member,
        data=claim_data(member, **overrides),
        documents=[Upload("report.pdf", PDF)] if documents is None else documents,
        actor=member.user,
    )


def claim_assessed(member: Member, handler, *, amount="50000.00", **overrides) -> Claim:
    claim = claim_make(member, **overrides)
    claim_review_start(claim=claim, actor=handler)
    return claim_assess(
        claim=claim,
        actor=handler,
        amount=amount,
        reasons="Hospital report and pathology confirm the diagnosis.",
        investigation_summary="病理报告确诊；住院记录与申请一致。",
    )


def claim_approved(member: Member, handler, approver, *, amount="50000.00", **overrides) -> Claim:
    claim = claim_assessed(member, handler, amount=amount, **overrides)
    return claim_approve(claim=claim, actor=approver)


__all__ = ["enrol"]
