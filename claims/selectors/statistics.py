"""Claims statistics and apportionment summaries (staff, the API and the disclosure
pages): a fixed handful of aggregate queries whatever the number of claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from mutualsociety.common.money import ZERO, quantize_money

from ..calculations import percentile
from ..models import ApportionmentPeriod, Claim, Objection, ReviewPanel
from .notice import PUBLIC_NOTICE


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
    pair = [float(v) for v in ordered[low : low + 2] if v is not None]  # none are: filtered
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
    sharing, share per member, shortfall and how it was met, and ``merkle_root`` /
    ``merkle_leaves``, the root of every member's share that members verify their
    proofs against (docs/claims.md, "Verifiable apportionment statements")."""
    qs = ApportionmentPeriod.objects.select_related("plan").order_by("-cutoff")
    if plan is not None:
        qs = qs.filter(plan=plan)
    if published_only:
        qs = qs.filter(published_at__isnull=False)
    return qs


#: Public notice states in which an approved claim still waits to be cleared.
NOTICE_PENDING = (Claim.Notice.ON_NOTICE, Claim.Notice.UNDER_REVIEW)


def claims_unpaid_by_plan(*, plan_ids) -> dict[int, dict[str, Decimal | int]]:
    """For each plan, the approved claims not yet paid, in two parts: those on public
    notice (or before a review panel) and the others; count and amount (assessed less
    paid) of each. One ``GROUP BY`` over the claims."""
    unpaid = F("assessed_amount") - F("paid_amount")
    notice = Q(notice_status__in=NOTICE_PENDING)
    rows = (
        Claim.objects.filter(plan_id__in=plan_ids, status=Claim.Status.APPROVED)
        .values("plan_id")
        .annotate(
            approved_count=Count("id", filter=~notice),
            unpaid_amount=Sum(unpaid, filter=~notice, default=ZERO),
            notice_count=Count("id", filter=notice),
            notice_amount=Sum(unpaid, filter=notice, default=ZERO),
        )
    )
    return {
        row["plan_id"]: {
            "approved_count": row["approved_count"],
            "approved_amount": quantize_money(row["unpaid_amount"]),
            "notice_count": row["notice_count"],
            "notice_amount": quantize_money(row["notice_amount"]),
        }
        for row in rows
    }
