"""Reserve runs and their totals: what an assessment counts (``reserve_run_latest_approved``,
``reserve_totals``: ``services.evaluation.reserve_figures``), the history the API and the
disclosure pages read, and which runs a reader may see (``reserve_runs_visible_to``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext

from mutualsociety.common.money import ZERO

from ..models import ReserveRun, ReserveRunOrigin
from .summaries import quarter_of


@dataclass(frozen=True)
class ReserveTotals:
    """The reserves of an approved run: unearned premiums, outstanding claims, IBNR."""

    upr: Decimal = ZERO
    outstanding: Decimal = ZERO
    ibnr: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.upr + self.outstanding + self.ibnr


def _approved_runs() -> QuerySet[ReserveRun]:
    return ReserveRun.objects.filter(state=ReserveRun.State.APPROVED).select_related(
        "created_by", "approved_by"
    )


def reserve_run_latest_approved(as_of: dt.date | None = None) -> ReserveRun | None:
    """The approved reserve run of the latest valuation date on or before ``as_of``
    (any date when None): what an assessment at ``as_of`` counts. One run per date is
    approved at a time (a newer version approved supersedes the one before)."""
    runs = _approved_runs()
    if as_of is not None:
        runs = runs.filter(valuation_date__lte=as_of)
    return runs.order_by("-valuation_date", "-version").first()


def reserve_totals(run: ReserveRun | None) -> ReserveTotals:
    """The totals of ``run`` (zeros when there is none)."""
    if run is None:
        return ReserveTotals()
    return ReserveTotals(upr=run.upr, outstanding=run.outstanding, ibnr=run.ibnr)


def reserve_run_history(n: int | None = None) -> list[ReserveRun]:
    """The approved run of each valuation date, newest first (the last ``n`` dates when
    given): the API's and the disclosure pages' history of the reserves."""
    runs = _approved_runs().order_by("-valuation_date", "-version")
    return list(runs[: max(n, 0)] if n is not None else runs)


def reserve_run_versions(*, valuation_date: dt.date) -> QuerySet[ReserveRun]:
    """Every version run for a valuation date, newest first (rejected and superseded too)."""
    return ReserveRun.objects.filter(valuation_date=valuation_date).order_by("-version")


#: Who may read a run that was never approved (a draft, a rejected run, a draft replaced
#: by a newer run): the people who run and approve them, as for assessments
#: (``summaries.DRAFT_READERS``). Everyone else with ``solvency.view_reserverun``
#: (director, regulator, finance) reads the runs ever approved.
RESERVE_DRAFT_READERS = (
    "solvency.run_reserverun",
    "solvency.approve_reserverun",
)


def reserve_runs_visible_to(user) -> QuerySet[ReserveRun]:
    """The reserve runs ``user`` may read, newest valuation date first (the newest
    version first within a date): all of them for the people who run or approve them
    (``RESERVE_DRAFT_READERS``), only those ever approved (approved now, or superseded
    by a newer approved version) for the other readers; none without
    ``solvency.view_reserverun``."""
    qs = ReserveRun.objects.select_related("created_by", "approved_by").order_by(
        "-valuation_date", "-version"
    )
    if not (user and user.is_authenticated and user.has_perm("solvency.view_reserverun")):
        return qs.none()
    if any(user.has_perm(perm) for perm in RESERVE_DRAFT_READERS):
        return qs
    return qs.filter(approved_at__isnull=False)


def period_label(origin: str, grain: str) -> str:
    """An origin period (stored as its first day, ``2025-07-01``) as a reserving actuary
    names it: ``2025-07`` by month, ``2025Q3`` by quarter, ``2025`` by year. Anything
    else is shown as stored."""
    try:
        day = dt.date.fromisoformat(origin)
    except ValueError:
        return origin
    if grain == "quarter":
        return quarter_of(day)
    if grain == "year":
        return str(day.year)
    return f"{day.year}-{day.month:02d}"


def heat(factor: Decimal | None, spread: Decimal) -> str:
    """The CSS class colouring a cell whose age-to-age factor is ``factor``: the further
    from 1 (relative to the triangle's largest distance, ``spread``), the deeper the
    colour, in eleven steps from ``heat-0`` to ``heat-10`` (static/css/reserve-heat.css;
    a class, not a style attribute, which the Content-Security-Policy forbids)."""
    if factor is None or not spread:
        return ""
    depth = min(abs(Decimal(factor) - 1) / Decimal(spread), Decimal(1))
    return f"heat-{int((depth * 10).to_integral_value())}"


def triangle_table(rows: list[list[Any]]) -> tuple[list[int], list[dict[str, Any]]]:
    """The stored rows ``[origin, lag, value]`` laid out: the lags, and per origin its
    cells with the age-to-age factor from the cell before and its colour."""
    lags = sorted({int(lag) for _o, lag, _v in rows})
    by_origin: dict[str, dict[int, Decimal]] = {}
    for origin, lag, value in rows:
        by_origin.setdefault(origin, {})[int(lag)] = Decimal(value)
    factors: dict[tuple[str, int], Decimal | None] = {}
    for origin, cells in by_origin.items():
        for lag in cells:
            before = cells.get(lag - 1)
            factors[(origin, lag)] = cells[lag] / before if before else None
    spread = max((abs(f - 1) for f in factors.values() if f is not None), default=Decimal(0))
    table = []
    for origin, cells in by_origin.items():
        table.append(
            {
                "origin": origin,
                "cells": [
                    {
                        "value": cells.get(lag),
                        "factor": factors.get((origin, lag)),
                        "heat": heat(factors.get((origin, lag)), spread),
                    }
                    for lag in lags
                ],
            }
        )
    return lags, table


@dataclass(frozen=True)
class ReserveRunReport:
    """What a run's report shows (the admin's report page and the regulator portal):
    the run, its origins labelled as periods, and its paid and incurred triangles laid
    out with the age-to-age factors (``triangle_table``)."""

    run: ReserveRun
    origins: list[ReserveRunOrigin] = field(default_factory=list)
    #: ``{"key": "incurred"|"paid", "label", "lags", "rows"}`` per triangle.
    triangles: list[dict[str, Any]] = field(default_factory=list)


def reserve_run_report(run: ReserveRun) -> ReserveRunReport:
    """The report of ``run`` (two queries: the run is given, its origins are read)."""
    origins = list(run.origins.all())
    for o in origins:
        o.label = period_label(o.origin, run.grain)  # type: ignore[attr-defined]
    triangles = []
    for key, label in (("incurred", gettext("Incurred")), ("paid", gettext("Paid"))):
        lags, table = triangle_table(run.triangles.get(key, []))
        for row in table:
            row["label"] = period_label(row["origin"], run.grain)
        triangles.append({"key": key, "label": label, "lags": lags, "rows": table})
    return ReserveRunReport(run=run, origins=origins, triangles=triangles)
