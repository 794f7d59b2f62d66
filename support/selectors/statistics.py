"""Complaints statistics of a period, computed by the database (aggregate queries, no
loop per complaint): received, resolved, resolved in time, upheld (wholly or partly),
pending at the period's end, and the same by category. The disclosure app publishes them
each quarter (``complaints_statistics``) and in the annual report."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q

from mutualsociety.common.periods import period_end, period_index, period_start

from ..models import Complaint

S = Complaint.Status
UPHELD = (S.UPHELD, S.PARTLY_UPHELD)
#: The counts of each category's row.
MEASURES = ("received", "resolved", "resolved_in_time", "upheld", "pending")


def _measures(start: dt.date, end: dt.date) -> dict[str, Any]:
    received = Q(received_on__gte=start, received_on__lte=end)
    resolved = Q(resolved_on__gte=start, resolved_on__lte=end)
    return {
        "received": Count("pk", filter=received),
        "resolved": Count("pk", filter=resolved),
        "resolved_in_time": Count("pk", filter=resolved & Q(resolved_on__lte=F("resolve_by"))),
        "upheld": Count("pk", filter=resolved & Q(resolution__in=UPHELD)),
        "escalated": Count("pk", filter=Q(escalated_on__gte=start, escalated_on__lte=end)),
        # Open at the end of the period: received by then, not resolved by then.
        "pending": Count(
            "pk",
            filter=Q(received_on__lte=end) & (Q(resolved_on__isnull=True) | Q(resolved_on__gt=end)),
        ),
    }


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def complaint_statistics(*, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """The period's figures (two queries whatever the number of complaints), in the
    layout of the disclosure reports' "complaints" block: received, resolved, pending,
    resolved_in_time, upheld, upheld_share (of those resolved; None when none was) and
    by_category (each category's code, received, resolved, upheld, pending)."""
    totals = Complaint.objects.aggregate(**_measures(date_from, date_to))
    grouped = (
        Complaint.objects.values("category")
        .annotate(**_measures(date_from, date_to))
        .order_by("category")
    )
    rows: list[dict[str, Any]] = [dict(row) for row in grouped]
    labels = dict(Complaint.Category.choices)
    by_category = [
        {
            "category": row["category"],
            "category_label": str(labels.get(row["category"], row["category"])),
            **{
                k: row[k] for k in ("received", "resolved", "resolved_in_time", "upheld", "pending")
            },
        }
        for row in rows
        if row["received"] or row["resolved"] or row["pending"]
    ]
    return {
        "period": {"start": date_from, "end": date_to},
        **totals,
        "upheld_share": _share(totals["upheld"], totals["resolved"]),
        "in_time_share": _share(totals["resolved_in_time"], totals["resolved"]),
        "by_category": by_category,
    }


def complaint_statistics_by_quarter(*, today: dt.date) -> list[dict[str, Any]]:
    """Every quarter from the first complaint's to the last one ended by ``today``,
    oldest first (two queries a quarter; a society has a few dozen quarters)."""
    first = Complaint.objects.order_by("received_on").values_list("received_on", flat=True)
    first_day = first.first()
    if first_day is None:
        return []
    out = []
    last = period_index(today, "quarter") - 1
    for index in range(period_index(first_day, "quarter"), last + 1):
        start, end = period_start(index, "quarter"), period_end(index, "quarter")
        figures = complaint_statistics(date_from=start, date_to=end)
        out.append({"quarter": f"{start.year}Q{(start.month - 1) // 3 + 1}", **figures})
    return out
