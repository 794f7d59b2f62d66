"""Claims statistics and apportionment summaries (staff, the API and the disclosure
pages): a fixed handful of aggregate queries whatever the number of claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractQuarter, ExtractYear, TruncMonth

from mutualsociety.common.money import ZERO, quantize_money, quantize_rate
from mutualsociety.common.periods import period_end, period_index, period_start

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
    proofs against (docs/claims.md, "Verifiable apportionment statements"). A period
    still billing (its shares being written on the workers) is never among them, even
    with ``published_only=False``: its figures are not final until it is billed."""
    qs = (
        ApportionmentPeriod.objects.select_related("plan")
        .filter(status=ApportionmentPeriod.Status.BILLED)
        .order_by("-cutoff")
    )
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


# --- By quarter, and the apportionment history (the disclosure pages) ---------------------


def _quarter(year: int, quarter: int) -> tuple[str, dt.date, dt.date]:
    """("2026Q1", first day, last day) of a calendar quarter."""
    index = year * 4 + quarter - 1
    return f"{year}Q{quarter}", period_start(index, "quarter"), period_end(index, "quarter")


def _rate(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a rate with 6 places (the project's precision for rates); None
    when there is nothing to measure against."""
    return quantize_rate(Decimal(part) / Decimal(whole)) if whole else None


def _days(value) -> Decimal | None:
    """Days (a percentile may fall between two claims) to 2 places."""
    return quantize_money(Decimal(str(value))) if value is not None else None


def _days_percentiles(qs: QuerySet[Claim]) -> dict[tuple[int, int], tuple]:
    """{(year, quarter of submission): (paid claims, median days, 90th percentile days)}
    of the claims with a payment, continuous percentiles (interpolated, as PostgreSQL's
    ``percentile_cont``). One query either way: PostgreSQL groups and computes in the
    database; elsewhere (SQLite, the embedded default only) the (quarter, days) pairs
    come ordered in one query and ``calculations.percentile`` reads them."""
    pairs = (
        qs.filter(days_to_payment__isnull=False)
        .annotate(y=ExtractYear("submitted_at"), q=ExtractQuarter("submitted_at"))
        .values_list("y", "q", "days_to_payment")
    )
    if connection.vendor == "postgresql":
        sql, params = pairs.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.y, s.q, COUNT(*), "  # noqa: S608 - constant SQL; values are parameters
                "percentile_cont(0.5) WITHIN GROUP (ORDER BY s.days_to_payment), "
                "percentile_cont(0.9) WITHIN GROUP (ORDER BY s.days_to_payment) "
                f"FROM ({sql}) s GROUP BY s.y, s.q",
                params,
            )
            return {
                (int(y), int(q)): (int(n), _days(p50), _days(p90))
                for y, q, n, p50, p90 in cursor.fetchall()
            }
    grouped: dict[tuple[int, int], list[float]] = {}
    for y, q, days in pairs.order_by("y", "q", "days_to_payment"):
        grouped.setdefault((int(y), int(q)), []).append(float(days or 0))  # none is None
    return {
        key: (len(values), _days(percentile(values, 0.5)), _days(percentile(values, 0.9)))
        for key, values in grouped.items()
    }


def claim_statistics_by_quarter(
    *, plan=None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[dict]:
    """Per calendar quarter of submission (in the society's time zone, ``TIME_ZONE``: a
    claim submitted at 23:59 on 31 March in Beijing is a first-quarter claim), oldest
    first, the figures of ``claim_statistics`` with the same definitions:

    - ``claims``: claims submitted; ``amount_claimed`` / ``amount_approved`` (assessed
      amount of approved and paid claims) / ``amount_paid``, to the cent;
    - ``rejection_rate``: rejected ÷ decided (approved, paid or rejected);
    - ``objection_rate``: claims with an objection ÷ claims that went on public notice;
    - ``overturn_rate``: review panels (or staff in a panel's place) that overturned ÷
      panels that decided, for the quarter's claims;
    - ``days_to_payment_median`` / ``_p90``: days from submission to payment of the paid
      claims, continuous percentiles.

    Rates are ``Decimal`` fractions with 6 places, None when their denominator is 0.
    Quarters without claims between the first and the last (and out to ``date_from`` /
    ``date_to`` when given) are listed with zeros, so a chart has no gaps; no claims at
    all give an empty list. Three queries
    whatever the number of claims or quarters."""
    qs = Claim.objects.all()
    if plan is not None:
        qs = qs.filter(plan=plan)
    if date_from:
        qs = qs.filter(submitted_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(submitted_at__date__lte=date_to)
    approved_q = Q(status__in=[Claim.Status.APPROVED, Claim.Status.PAID])
    totals: dict[tuple[int, int], dict[str, Any]] = {
        (row["y"], row["q"]): dict(row)
        for row in qs.annotate(y=ExtractYear("submitted_at"), q=ExtractQuarter("submitted_at"))
        .values("y", "q")
        .annotate(
            n=Count("id"),
            claimed=Sum("amount_claimed"),
            approved=Sum("assessed_amount", filter=approved_q),
            paid=Sum("paid_amount"),
            decided=Count("id", filter=approved_q | Q(status=Claim.Status.REJECTED)),
            rejected=Count("id", filter=Q(status=Claim.Status.REJECTED)),
            noticed=Count("id", filter=Q(notice_status__in=PUBLIC_NOTICE)),
            objected=Count("id", filter=Q(Exists(Objection.objects.filter(claim=OuterRef("pk"))))),
        )
        .order_by()
    }
    panels: dict[tuple[int, int], dict[str, Any]] = {
        (row["y"], row["q"]): dict(row)
        for row in ReviewPanel.objects.filter(
            claim__in=qs,
            status__in=(ReviewPanel.Status.DECIDED, ReviewPanel.Status.STAFF_DECIDED),
        )
        .annotate(y=ExtractYear("claim__submitted_at"), q=ExtractQuarter("claim__submitted_at"))
        .values("y", "q")
        .annotate(
            n=Count("id"), overturned=Count("id", filter=Q(outcome=ReviewPanel.Outcome.OVERTURN))
        )
        .order_by()
    }
    days = _days_percentiles(qs)
    indexes = [y * 4 + q - 1 for y, q in totals]
    indexes += [period_index(d, "quarter") for d in (date_from, date_to) if d and indexes]
    if not indexes:
        return []
    rows = []
    for index in range(min(indexes), max(indexes) + 1):
        key = (index // 4, index % 4 + 1)
        label, start, end = _quarter(*key)
        t = totals.get(key, {})
        p = panels.get(key, {})
        paid_claims, median, p90 = days.get(key, (0, None, None))
        rows.append(
            {
                "quarter": label,
                "start": start,
                "end": end,
                "claims": t.get("n", 0),
                "amount_claimed": quantize_money(t.get("claimed") or ZERO),
                "amount_approved": quantize_money(t.get("approved") or ZERO),
                "amount_paid": quantize_money(t.get("paid") or ZERO),
                "decided": t.get("decided", 0),
                "rejected": t.get("rejected", 0),
                "noticed": t.get("noticed", 0),
                "objected": t.get("objected", 0),
                "panels_decided": p.get("n", 0),
                "overturned": p.get("overturned", 0),
                "rejection_rate": _rate(t.get("rejected", 0), t.get("decided", 0)),
                "objection_rate": _rate(t.get("objected", 0), t.get("noticed", 0)),
                "overturn_rate": _rate(p.get("overturned", 0), p.get("n", 0)),
                "paid_claims": paid_claims,
                "days_to_payment_median": median,
                "days_to_payment_p90": p90,
            }
        )
    return rows


def apportionment_row(p: ApportionmentPeriod) -> dict:
    """One published period as the disclosure pages and the open-data API give it:
    ``period_id``, ``plan_code``, ``plan_name``, ``period_start``, ``cutoff``,
    ``published_at``, ``claim_count`` (cases shared), ``benefits_total``, ``fee_rate``,
    ``fee``, ``total`` (benefits + fee), ``members_sharing``, ``share_per_member`` (the
    base share; ``extra_cent_members`` paid one cent more), ``annual_cap``,
    ``capped_members``, ``shares_total`` (what the members were asked for), ``shortfall``
    and how it was met (``shortfall_fee_waived``, ``shortfall_from_surplus``), and
    ``merkle_root`` / ``merkle_leaves`` (the root members check their share against and
    how many shares it covers; empty / None for a period run before the tree). Amounts
    as stored, to the cent. ``p`` comes from ``apportionment_summaries`` (plan joined)."""
    return {
        "period_id": p.pk,
        "plan_code": p.plan.code,
        "plan_name": p.plan.display_name,
        "period_start": p.period_start,
        "cutoff": p.cutoff,
        "published_at": p.published_at,
        "claim_count": p.claim_count,
        "benefits_total": p.benefits_total,
        "fee_rate": p.fee_rate,
        "fee": p.fee,
        "total": p.total,
        "members_sharing": p.members_sharing,
        "share_per_member": p.share_per_member,
        "extra_cent_members": p.extra_cent_members,
        "annual_cap": p.annual_cap,
        "capped_members": p.capped_members,
        "shares_total": p.shares_total,
        "shortfall": p.shortfall,
        "shortfall_fee_waived": p.shortfall_fee_waived,
        "shortfall_from_surplus": p.shortfall_from_surplus,
        "merkle_root": p.merkle_root,
        "merkle_leaves": p.merkle_leaves,
    }


def apportionment_periods_published(*, plan=None, year: int | None = None):
    """The published periods of ``plan`` (every plan when None) cut off in ``year``
    (any year when None), newest first (by cut-off, then plan code): a queryset to page
    through, each period turned into its row by ``apportionment_row``."""
    qs = apportionment_summaries(plan=plan).order_by("-cutoff", "-plan__code", "-pk")
    if year is not None:
        qs = qs.filter(cutoff__year=year)
    return qs


def apportionment_history(*, plan=None, limit: int | None = None) -> list[dict]:
    """The published apportionment periods, oldest first (for a chart and its table):
    the ``limit`` latest when given, each as ``apportionment_row`` gives it. One query."""
    qs = apportionment_periods_published(plan=plan)
    if limit is not None:
        qs = qs[: max(limit, 0)]
    return [apportionment_row(p) for p in reversed(list(qs))]
