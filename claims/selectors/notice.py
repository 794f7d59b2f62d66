"""Reads of the public notice and review panels: only ever de-identified facts
(``NoticeCase`` carries no name, identity number, date of birth, member number or the
member's own description), and a member's own panel seats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from members.regions import PROVINCE_CHOICES
from mutualsociety.common.exceptions import NotFound

from ..models import Claim, Objection, PanelSeat, ReviewPanel

PUBLIC_NOTICE = (
    Claim.Notice.ON_NOTICE,
    Claim.Notice.UNDER_REVIEW,
    Claim.Notice.CLEARED,
    Claim.Notice.OVERTURNED,
)


@dataclass(frozen=True)
class PanelSummary:
    round: int
    trigger: str
    seed: str
    size: int
    quorum: int
    eligible_count: int
    roll_sha256: str
    eligibility_as_of: dt.date | None
    min_tenure_days: int | None
    drawn_at: dt.datetime
    vote_until: dt.date
    status: str
    outcome: str
    uphold_votes: int
    overturn_votes: int
    reasons: str


@dataclass(frozen=True)
class NoticeCase:
    """What the public notice shows of a case: never a name, an identity number, a date of
    birth or the member's own description."""

    id: int
    number: str
    plan: str
    age_band: str
    region: str
    kind: str
    amount: Decimal | None
    investigation_summary: str
    notice_status: str
    notice_from: dt.date | None
    notice_until: dt.date | None
    objections: int
    open_for_objections: bool
    panels: list[PanelSummary]


REGION_NAMES = dict(PROVINCE_CHOICES)


def notice_window_open(claim: Claim, today: dt.date) -> bool:
    """Whether ``today`` falls within the case's public notice, both ends included. A
    case never put on notice has no window (approval sets both dates together)."""
    start, end = claim.notice_from, claim.notice_until
    return start is not None and end is not None and start <= today <= end


def _notice_case(claim: Claim, objections: int, panels: list[ReviewPanel]) -> NoticeCase:
    today = timezone.localdate()
    return NoticeCase(
        id=claim.pk,
        number=claim.number,
        plan=claim.plan.display_name,
        age_band=claim.age_band,
        region=str(REGION_NAMES.get(claim.region, claim.region)),
        kind=claim.get_kind_display(),
        amount=claim.assessed_amount,
        investigation_summary=claim.investigation_summary,
        notice_status=claim.get_notice_status_display(),
        notice_from=claim.notice_from,
        notice_until=claim.notice_until,
        objections=objections,
        open_for_objections=(
            claim.notice_status in (Claim.Notice.ON_NOTICE, Claim.Notice.UNDER_REVIEW)
            and notice_window_open(claim, today)
        ),
        panels=[
            PanelSummary(
                round=p.round,
                trigger=p.get_trigger_display(),
                seed=p.seed,
                size=p.size,
                quorum=p.quorum,
                eligible_count=p.eligible_count,
                roll_sha256=p.roll_sha256,
                eligibility_as_of=p.eligibility_as_of,
                min_tenure_days=p.min_tenure_days,
                drawn_at=p.drawn_at,
                vote_until=p.vote_until,
                status=p.get_status_display(),
                outcome=p.get_outcome_display() if p.outcome else "",
                uphold_votes=p.uphold_votes,
                overturn_votes=p.overturn_votes,
                reasons=p.reasons,
            )
            for p in panels
        ],
    )


def notices_list() -> list[NoticeCase]:
    """Cases on or through public notice, newest first (two queries)."""
    claims = list(
        Claim.objects.filter(notice_status__in=PUBLIC_NOTICE)
        .select_related("plan")
        .annotate(objection_count=Count("objections"))
        .order_by("-notice_from", "-id")[:200]
    )
    return [_notice_case(c, c.objection_count, []) for c in claims]


def notice_detail(claim_id: int) -> NoticeCase:
    claim = (
        Claim.objects.filter(pk=claim_id, notice_status__in=PUBLIC_NOTICE)
        .select_related("plan")
        .first()
    )
    if claim is None:
        raise NotFound(_("Not found."))
    return _notice_case(claim, claim.objections.count(), list(claim.panels.order_by("drawn_at")))


def case_file_for_panel(seat: PanelSeat) -> NoticeCase:
    """The de-identified case file a panel member sees."""
    claim = Claim.objects.select_related("plan").get(pk=seat.panel.claim_id)
    return _notice_case(claim, claim.objections.count(), list(claim.panels.order_by("drawn_at")))


def panel_invitations(member: Member) -> QuerySet[PanelSeat]:
    return (
        PanelSeat.objects.filter(member=member)
        .select_related("panel__claim__plan")
        .order_by("-panel__drawn_at")
    )


def panel_seat_for_member(member: Member | None, panel_id: int) -> PanelSeat:
    seat = (
        PanelSeat.objects.select_related("panel__claim__plan")
        .filter(panel_id=panel_id, member=member)
        .first()
        if member
        else None
    )
    if seat is None:
        raise NotFound(_("Not found."))
    return seat


def has_objected(member: Member | None, claim_id: int) -> bool:
    return bool(member) and Objection.objects.filter(claim_id=claim_id, member=member).exists()
