"""The daily catch-up: publish every source that has no publication yet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from claims.selectors.statistics import apportionment_summaries
from governance.selectors import meetings_convened, published_meetings
from members.selectors import wind_down_steps_reached
from mutualsociety.common.exceptions import DomainError
from mutualsociety.common.periods import period_end, period_index
from mutualsociety.common.selectors import society_get
from solvency.models import SurplusDistribution
from solvency.selectors import approved_assessments

from ...models import Kind, KindRule, Publication
from .. import figures as fig
from .apportionment import apportionment_key, apportionment_publication_publish
from .common import AUTOMATIC_KINDS, Result, logger
from .meetings import meeting_notice_publish, meeting_publications_publish
from .quarterly import (
    claims_statistics_publish,
    complaints_statistics_publish,
    financial_statements_publish,
    last_settled_quarter,
)
from .solvency import annual_report_publish, solvency_key, solvency_summary_publish
from .surplus import SURPLUS_KEY_PREFIX, surplus_distribution_publish, surplus_key
from .wind_down import WIND_DOWN_KEY_PREFIX, wind_down_key, wind_down_step_publish


def _first_quarter_end(rules: dict[str, KindRule], kind: str) -> dt.date | None:
    rule = rules.get(kind)
    start = (rule.first_period_start if rule else None) or society_get().founded_on
    return fig.quarter_bounds(start)[1] if start else None


def disclosure_missing(*, today: dt.date | None = None) -> list[tuple[str, str, Any]]:
    """What should be published and is not: ``(kind, key, source)`` for each published
    meeting, convened meeting, published apportionment period, step reached by a plan's
    wind-down, surplus distribution credited, approved quarter-end
    assessment of the regime in force, settled quarter and year with its Q4 approved.
    A fixed number of queries whatever the number of sources and publications."""
    today = today or timezone.localdate()
    published = set(
        Publication.objects.published()
        .filter(
            Q(kind__in=AUTOMATIC_KINDS)
            | Q(kind=Kind.MATERIAL_EVENT, key__startswith=WIND_DOWN_KEY_PREFIX)
            | Q(kind=Kind.MATERIAL_EVENT, key__startswith=SURPLUS_KEY_PREFIX)
        )
        .values_list("key", flat=True)
        .distinct()
    )
    missing: list[tuple[str, str, Any]] = []

    def want(kind: str, key: str, source: Any) -> None:
        if key not in published:
            missing.append((kind, key, source))

    for pk in meetings_convened().values_list("pk", flat=True):
        want(Kind.MEETING_NOTICE, f"meeting_notice:meeting-{pk}", pk)
    for pk in published_meetings().values_list("pk", flat=True):
        want(Kind.RESOLUTIONS, f"resolutions:meeting-{pk}", pk)
        want(Kind.MINUTES, f"minutes:meeting-{pk}", pk)
    for pk, code, cutoff in apportionment_summaries().values_list("pk", "plan__code", "cutoff"):
        want(Kind.APPORTIONMENT, apportionment_key(code, cutoff), pk)
    for pk, code, step in wind_down_steps_reached():
        want(Kind.MATERIAL_EVENT, wind_down_key(code, step), (pk, step))
    for pk in SurplusDistribution.objects.filter(run_at__isnull=False).values_list("pk", flat=True):
        want(Kind.MATERIAL_EVENT, surplus_key(pk), ("surplus", pk))
    q4_years = set()
    assessments = approved_assessments(None).values_list("pk", "regime__code", "valuation_date")
    for pk, code, valuation_date in assessments:
        if fig.is_quarter_end(valuation_date):
            want(Kind.SOLVENCY_SUMMARY, solvency_key(code, valuation_date), pk)
            if valuation_date.month == 12 and valuation_date < today:
                q4_years.add(valuation_date.year)
    for year in sorted(q4_years):
        want(Kind.ANNUAL_REPORT, f"annual_report:{year}", year)
    rules = {r.kind: r for r in KindRule.objects.filter(kind__in=AUTOMATIC_KINDS)}
    last = last_settled_quarter(today)
    for kind, prefix in (
        (Kind.CLAIMS_STATISTICS, "claims_statistics"),
        (Kind.COMPLAINTS_STATISTICS, "complaints_statistics"),
        (Kind.FINANCIAL_STATEMENTS, "financial_statements"),
    ):
        end = _first_quarter_end(rules, kind) or last
        index = period_index(end, "quarter")
        while end <= last:
            want(kind, f"{prefix}:{fig.quarter_label(end)}", end)
            index += 1
            end = period_end(index, "quarter")
    return missing


def source_publish(
    kind: str, source: Any, *, today: dt.date, at: dt.datetime | None = None
) -> list[Result]:
    """Publish one source ``disclosure_missing`` named (``(kind, key, source)``) with its
    service; ``at`` dates it (the demo's past; now when None)."""
    if kind in (Kind.RESOLUTIONS, Kind.MINUTES):
        return meeting_publications_publish(meeting=source, at=at)
    if kind == Kind.MEETING_NOTICE:
        return [meeting_notice_publish(meeting=source, at=at)]
    if kind == Kind.APPORTIONMENT:
        return [apportionment_publication_publish(period=source, at=at)]
    if kind == Kind.MATERIAL_EVENT and source[0] == "surplus":  # ("surplus", id)
        return [surplus_distribution_publish(distribution=source[1], at=at)]
    if kind == Kind.MATERIAL_EVENT:  # a wind-down's step: (wind-down id, step)
        return [wind_down_step_publish(wind_down=source[0], step=source[1], at=at)]
    if kind == Kind.SOLVENCY_SUMMARY:
        result = solvency_summary_publish(assessment=source, at=at)
    elif kind == Kind.ANNUAL_REPORT:
        result = annual_report_publish(year=source, today=today, at=at)
    elif kind == Kind.CLAIMS_STATISTICS:
        result = claims_statistics_publish(quarter_end=source, at=at)
    elif kind == Kind.COMPLAINTS_STATISTICS:
        result = complaints_statistics_publish(quarter_end=source, at=at)
    else:
        result = financial_statements_publish(quarter_end=source, at=at)
    return [result] if result else []


def disclosure_sync(
    *,
    today: dt.date | None = None,
    dated: Callable[[str, Any], dt.datetime | None] | None = None,
) -> dict[str, Any]:
    """The daily catch-up: publish every source that has no publication yet
    (``disclosure_missing``), so that a lost signal (a crash between a commit and its
    outbox row, a task that failed for good) is repaired the next day. A source that
    cannot be published now (a manual draft of its key awaits) is logged and left for the
    next run; the others go on. ``dated(kind, source)`` may date a publication in the
    past (the demo's year); the job publishes now. Returns the keys published and left."""
    today = today or timezone.localdate()
    published: list[str] = []
    left: list[str] = []
    done: set[tuple[str, Any]] = set()
    for kind, key, source in disclosure_missing(today=today):
        # a meeting's resolutions and minutes are published together
        group = "meeting" if kind in (Kind.RESOLUTIONS, Kind.MINUTES) else kind
        if (group, source) in done:
            continue
        done.add((group, source))
        try:
            results = source_publish(
                kind, source, today=today, at=dated(kind, source) if dated else None
            )
        except DomainError as error:
            logger.warning("disclosure sync: %s not published: %s", key, error)
            left.append(key)
            continue
        published += [p.key for p, created in results if created]
    return {"published": published, "left": left}
