"""Reads shared by the faces. Domain authorization lives here: a member only ever gets their
own claims; the public notice only ever gets de-identified facts (``NoticeCase``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from members.models import Coverage, Member
from members.regions import PROVINCE_CHOICES
from mutualsociety.common.exceptions import NotFound
from mutualsociety.common.money import ZERO, quantize_money

from .calculations import percentile
from .models import (
    ApportionmentPeriod,
    Claim,
    ClaimDocument,
    ClaimEvent,
    Objection,
    PanelSeat,
    ReviewPanel,
)

CLAIMS_STAFF_PERM = "claims.view_claim"
#: Medical documents are for the people who handle and decide claims (handler, approver),
#: not for every role that may read claims (actuary, directors, the regulator).
DOCUMENTS_PERM = "claims.change_claim"
PUBLIC_NOTICE = (
    Claim.Notice.ON_NOTICE,
    Claim.Notice.UNDER_REVIEW,
    Claim.Notice.CLEARED,
    Claim.Notice.OVERTURNED,
)


#: Claims that use up the benefit of a coverage.
COUNTING = (Claim.Status.APPROVED, Claim.Status.PAID)


def coverage_remaining(coverage: Coverage, *, exclude: int | None = None) -> Decimal:
    """The benefit left on a coverage: sum assured less what was approved or paid."""
    used = (
        Claim.objects.filter(coverage=coverage, status__in=COUNTING)
        .exclude(pk=exclude)
        .aggregate(total=Sum("assessed_amount"))["total"]
        or ZERO
    )
    return coverage.sum_assured - used


def claim_checks(
    *,
    coverage: Coverage,
    kind: str,
    event_date: dt.date,
    today: dt.date,
    exclude: int | None = None,
) -> dict[str, Any]:
    """The automatic checks shown to the handler (each True when it passes): cover in
    force on the event date, waiting period passed (accidents exempt when the plan says
    so), benefit left, no other claim for the same event, reported within the deadline."""
    version = coverage.plan_version
    ended = coverage.end_date
    in_force = coverage.start_date <= event_date and (ended is None or event_date < ended)
    exempt = kind == Claim.Kind.ACCIDENT and version.accidents_exempt_from_waiting
    duplicates = list(
        Claim.objects.filter(coverage=coverage, event_date=event_date, kind=kind)
        .exclude(status__in=[Claim.Status.WITHDRAWN, Claim.Status.REJECTED])
        .exclude(pk=exclude)
        .values_list("number", flat=True)
    )
    remaining = coverage_remaining(coverage, exclude=exclude)
    deadline = event_date + dt.timedelta(days=version.claim_reporting_deadline_days)
    return {
        "cover_in_force": in_force,
        "waiting_period_passed": exempt or event_date >= coverage.waiting_period_end,
        "waiting_period_end": coverage.waiting_period_end.isoformat(),
        "accident_exempt": exempt,
        "benefit": str(coverage.sum_assured),
        "remaining_limit": str(remaining),
        "within_remaining_limit": remaining > 0,
        "duplicates": duplicates,
        "no_duplicate": not duplicates,
        "reporting_deadline": deadline.isoformat(),
        "within_reporting_deadline": today <= deadline,
    }


def claim_list_for_member(member: Member) -> QuerySet[Claim]:
    return Claim.objects.filter(member=member).select_related("plan").order_by("-submitted_at")


def claim_for_member(member: Member | None, claim_id: int) -> Claim:
    """The member's own claim; another's answers exactly like one that does not exist."""
    claim = (
        Claim.objects.select_related("plan", "coverage").filter(pk=claim_id, member=member).first()
        if member
        else None
    )
    if claim is None:
        raise NotFound(_("Not found."))
    return claim


def claim_history(claim: Claim) -> QuerySet[ClaimEvent]:
    """A claim's events in the order they happened (the table itself reads newest first)."""
    return claim.events.order_by("at", "id")


#: What the rules still offer a member against where their claim ended (``ClaimOutcome``).
APPEAL_OPEN = "open"  # rejected, not appealed yet, within the window: one appeal
APPEAL_CLOSED = "closed"  # rejected, the window ended without an appeal
APPEAL_USED = "used"  # the one appeal was made and decided
APPEAL_NONE = "none"  # paid or withdrawn: the rules give no appeal

#: Events that end a claim as rejected: the approver's rejection, a review panel
#: overturning an approval during the public notice, a panel dismissing the appeal.
REJECTION_EVENTS = ("rejected", "overturned", "appeal_dismissed")


@dataclass(frozen=True)
class ClaimOutcome:
    """Where a member's claim ended, why, and what the rules still offer them.

    ``summary`` says what happened, ``reasons`` why (under ``reasons_label``; empty when
    there is nothing to add), ``appeal`` is one of ``APPEAL_*`` with ``appeal_until``
    when it is open or closed, and ``next_step`` says what the member may still do.
    """

    status: str
    summary: str
    reasons_label: str
    reasons: str
    appeal: str
    appeal_until: dt.date | None
    next_step: str


def _day(value: dt.date | dt.datetime | None) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "DATE_FORMAT") if value else ""


def claim_outcome(claim: Claim, *, today: dt.date | None = None) -> ClaimOutcome | None:
    """The outcome of a claim in a status a member can end in — rejected (by the approver,
    by a review panel overturning the approval during the public notice, or after the
    panel dismissed the appeal), withdrawn or paid — for the claim page and the API
    detail; ``None`` while the claim is still being handled.

    A member is always told why, and the appeal the rules give: one appeal against a
    rejection (also one a panel made by overturning an approval), within the plan's
    window (``claim_appeal``); none after that appeal was decided (the decision is then
    final within the society), none against a payment or a withdrawal (nothing was
    refused: the member may submit a new claim for the event within the reporting
    deadline).
    """
    today = today or timezone.localdate()
    if claim.status not in (Claim.Status.REJECTED, Claim.Status.WITHDRAWN, Claim.Status.PAID):
        return None
    events = list(
        claim.events.filter(type__in=(*REJECTION_EVENTS, "appealed", "withdrawn"))
        .order_by("at", "id")
        .values_list("type", "reason", "at")
    )
    if claim.status == Claim.Status.PAID:
        return _paid_outcome(claim)
    if claim.status == Claim.Status.WITHDRAWN:
        withdrawn = next((e for e in reversed(events) if e[0] == "withdrawn"), None)
        deadline = claim.event_date + dt.timedelta(
            days=claim.coverage.plan_version.claim_reporting_deadline_days
        )
        return ClaimOutcome(
            status=claim.status,
            summary=_("You withdrew this claim on %(date)s; it was not decided.")
            % {"date": _day(withdrawn[2] if withdrawn else claim.status_changed_at)},
            reasons_label=_("Your reason"),
            reasons=withdrawn[1] if withdrawn else "",
            appeal=APPEAL_NONE,
            appeal_until=None,
            next_step=_(
                "A withdrawn claim was not refused, so there is nothing to appeal. You may "
                "submit a new claim for the same event; claims are to be reported by "
                "%(deadline)s (the plan's reporting deadline)."
            )
            % {"deadline": _day(deadline)},
        )
    last = next((e for e in reversed(events) if e[0] in REJECTION_EVENTS), None)
    kind = last[0] if last else "rejected"
    decided_on = _day(claim.decided_at or (last[2] if last else claim.status_changed_at))
    if kind == "overturned":
        summary = _(
            "A review panel of members overturned the approval of your claim on %(date)s, "
            "after objections during its public notice."
        ) % {"date": decided_on}
    elif kind == "appeal_dismissed":
        summary = _("Your appeal was dismissed on %(date)s; the rejection stands.") % {
            "date": decided_on
        }
    else:
        summary = _("Your claim was rejected on %(date)s.") % {"date": decided_on}
    if any(e[0] == "appealed" for e in events):
        appeal, until = APPEAL_USED, None
        next_step = _(
            "The rules give one appeal, and yours was decided by a review panel, so this "
            "decision is final within the society. You may still take the matter to the "
            "insurance regulator or to a court."
        )
    elif claim.appeal_until is not None and today > claim.appeal_until:
        appeal, until = APPEAL_CLOSED, claim.appeal_until
        next_step = _(
            "The appeal window closed on %(date)s without an appeal, so the rejection is "
            "final within the society."
        ) % {"date": _day(claim.appeal_until)}
    else:
        appeal, until = APPEAL_OPEN, claim.appeal_until
        next_step = (
            _(
                "You may appeal once, until %(date)s: give your reasons, and a panel of "
                "randomly drawn members will decide."
            )
            % {"date": _day(claim.appeal_until)}
            if claim.appeal_until
            else _(
                "You may appeal once: give your reasons, and a panel of randomly drawn "
                "members will decide."
            )
        )
    return ClaimOutcome(
        status=claim.status,
        summary=summary,
        reasons_label=_("Reasons for rejection"),
        reasons=claim.rejection_reasons,
        appeal=appeal,
        appeal_until=until,
        next_step=next_step,
    )


def _paid_outcome(claim: Claim) -> ClaimOutcome:
    amount = number_format(claim.paid_amount, decimal_pos=2, force_grouping=True)
    short = claim.assessed_amount is not None and claim.assessed_amount < claim.amount_claimed
    return ClaimOutcome(
        status=claim.status,
        summary=_("We paid %(amount)s %(currency)s on %(date)s to the account ending %(last)s.")
        % {
            "amount": amount,
            "currency": settings.SOCIETY_CURRENCY,
            "date": _day(claim.paid_at),
            "last": claim.bank_account_number[-4:],
        },
        reasons_label=_("Why less than the amount claimed was paid"),
        reasons=claim.assessment_reasons if short else "",
        appeal=APPEAL_NONE,
        appeal_until=None,
        next_step=_(
            "The claim is settled. The rules give an appeal against a rejection only; if "
            "you disagree with the amount paid, contact the society."
        ),
    )


def document_for_user(user, document_id: int) -> ClaimDocument:
    """A document its claim's member or claims staff (who handle or decide claims) may open;
    anyone else gets NotFound, as if it did not exist."""
    document = ClaimDocument.objects.select_related("claim__member").filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("Not found."))
    if user.has_perm(DOCUMENTS_PERM):
        return document
    if document.claim.member.user_id == user.pk and user.pk is not None:
        return document
    raise NotFound(_("Not found."))


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
        open_for_objections=bool(
            claim.notice_status in (Claim.Notice.ON_NOTICE, Claim.Notice.UNDER_REVIEW)
            and claim.notice_from
            and claim.notice_from <= today <= claim.notice_until
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


def claim_queue(status: str | None = None) -> QuerySet[Claim]:
    """Claims staff's queue, oldest first."""
    qs = Claim.objects.select_related("plan", "member").order_by("submitted_at")
    return qs.filter(status=status) if status else qs


# --- Statistics ---------------------------------------------------------------------------


def _p90(qs: QuerySet[Claim]) -> float | None:
    """90th percentile of days from submission to payment, continuous (interpolated).
    PostgreSQL: percentile_cont; elsewhere the two neighbouring ranks are read by offset."""
    values = qs.filter(days_to_payment__isnull=False)
    if connection.vendor == "postgresql":
        sql, params = values.values("days_to_payment").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY s.days_to_payment) "  # noqa: S608 - constant SQL; values are parameters
                f"FROM ({sql}) s",
                params,
            )
            result = cursor.fetchone()[0]
        return float(result) if result is not None else None
    n = values.count()
    if not n:
        return None
    position = (n - 1) * 0.9
    low = int(position)
    ordered = values.order_by("days_to_payment").values_list("days_to_payment", flat=True)
    pair = [float(v) for v in ordered[low : low + 2]]
    if len(pair) == 1:
        return pair[0]
    return percentile([pair[0], pair[1]], position - low)


def claim_statistics(
    *, plan=None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict:
    """Claims by status, amounts claimed/approved/paid, days to payment (mean, 90th
    percentile), rejection, objection and overturn rates — for one plan and period of
    submission, or all. A handful of aggregate queries whatever the number of claims."""
    qs = Claim.objects.all()
    if plan is not None:
        qs = qs.filter(plan=plan)
    if date_from:
        qs = qs.filter(submitted_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(submitted_at__date__lte=date_to)
    by_status = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    approved_q = Q(status__in=[Claim.Status.APPROVED, Claim.Status.PAID])
    totals = qs.aggregate(
        n=Count("id"),
        claimed=Sum("amount_claimed"),
        approved=Sum("assessed_amount", filter=approved_q),
        paid=Sum("paid_amount"),
        decided=Count("id", filter=approved_q | Q(status=Claim.Status.REJECTED)),
        rejected=Count("id", filter=Q(status=Claim.Status.REJECTED)),
        noticed=Count("id", filter=Q(notice_status__in=PUBLIC_NOTICE)),
        objected=Count(
            "id",
            filter=Q(Exists(Objection.objects.filter(claim=OuterRef("pk")))),
        ),
        overturned=Count("id", filter=Q(notice_status=Claim.Notice.OVERTURNED)),
    )
    days = qs.filter(days_to_payment__isnull=False).aggregate(
        n=Count("id"), total=Sum("days_to_payment")
    )
    # a staff decision taken in a panel's place (no members left) counts like a panel's
    panels = ReviewPanel.objects.filter(
        claim__in=qs,
        status__in=(ReviewPanel.Status.DECIDED, ReviewPanel.Status.STAFF_DECIDED),
    )
    panel_counts = panels.aggregate(
        n=Count("id"), overturned=Count("id", filter=Q(outcome=ReviewPanel.Outcome.OVERTURN))
    )

    def rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    def money(value) -> Decimal:
        return quantize_money(value or ZERO)

    return {
        "claims": totals["n"],
        "by_status": {status: by_status.get(status, 0) for status in Claim.Status.values},
        "amount_claimed": money(totals["claimed"]),
        "amount_approved": money(totals["approved"]),
        "amount_paid": money(totals["paid"]),
        "days_to_payment_mean": (round(days["total"] / days["n"], 2) if days["n"] else None),
        "days_to_payment_p90": _p90(qs),
        "rejection_rate": rate(totals["rejected"], totals["decided"]),
        "objection_rate": rate(totals["objected"], totals["noticed"]),
        "overturn_rate": rate(panel_counts["overturned"], panel_counts["n"]),
        "panels_decided": panel_counts["n"],
    }


def claim_statistics_by_month(
    *, plan=None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[dict]:
    """Per plan and month of submission: claims, amounts claimed / approved / paid and
    rejections — one grouped query (for the disclosure pages' tables)."""
    qs = Claim.objects.all()
    if plan is not None:
        qs = qs.filter(plan=plan)
    if date_from:
        qs = qs.filter(submitted_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(submitted_at__date__lte=date_to)
    approved_q = Q(status__in=[Claim.Status.APPROVED, Claim.Status.PAID])
    rows = (
        qs.annotate(month=TruncMonth("submitted_at"))
        .values("plan__code", "month")
        .annotate(
            claims=Count("id"),
            amount_claimed=Sum("amount_claimed"),
            amount_approved=Sum("assessed_amount", filter=approved_q),
            amount_paid=Sum("paid_amount"),
            rejected=Count("id", filter=Q(status=Claim.Status.REJECTED)),
        )
        .order_by("plan__code", "month")
    )
    return [
        {
            **row,
            "month": row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"],
            "amount_claimed": quantize_money(row["amount_claimed"] or ZERO),
            "amount_approved": quantize_money(row["amount_approved"] or ZERO),
            "amount_paid": quantize_money(row["amount_paid"] or ZERO),
        }
        for row in rows
    ]


def apportionment_summaries(*, plan=None, published_only: bool = True):
    """Each period's summary for the disclosure pages: cases, benefits, fee, members
    sharing, share per member, shortfall and how it was met."""
    qs = ApportionmentPeriod.objects.select_related("plan").order_by("-cutoff")
    if plan is not None:
        qs = qs.filter(plan=plan)
    if published_only:
        qs = qs.filter(published_at__isnull=False)
    return qs
