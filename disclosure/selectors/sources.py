"""The source publication of a figure: the latest published (and not withdrawn) version
of a kind, for one period or for the latest period published.

The public pages show figures read live from the other apps (members in force, the
solvency ratios) beside a link to the document in which the society published them, so
that a reader can check what was formally disclosed and when. ``publications_latest``
finds every link a page needs in one query, whatever the number of publications.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from ..models import Kind, Publication

#: What a page asks for: (kind, period) for one period's document, (kind, None) for the
#: document of the latest period published of that kind.
SourceSpec = tuple[str, str | None]


def _published():
    return Publication.objects.published().filter(withdrawal__isnull=True)


def publications_latest(specs: Iterable[SourceSpec]) -> dict[SourceSpec, Publication]:
    """{spec: the latest published version matching it} for each spec that has one.

    For ``(kind, period)`` the newest version of that period's document; for
    ``(kind, None)`` the newest version of the document of the latest period (by its
    end, then by publication time). Withdrawn versions never count. One query: the
    candidates are ranked in the database (a window per kind and per kind and period),
    so only the first of each comes back."""
    specs = list(dict.fromkeys(specs))
    if not specs:
        return {}
    where = Q()
    for kind, period in specs:
        where |= Q(kind=kind) if period is None else Q(kind=kind, period=period)
    newest = [F("published_at").desc(), F("version").desc(), F("pk").desc()]
    rows = (
        _published()
        .filter(where)
        .annotate(
            rank_kind=Window(
                RowNumber(),
                partition_by=[F("kind")],
                order_by=[F("period_end").desc(nulls_last=True), *newest],
            ),
            rank_period=Window(RowNumber(), partition_by=[F("kind"), F("period")], order_by=newest),
        )
        .filter(Q(rank_kind=1) | Q(rank_period=1))
    )
    by_kind: dict[str, Publication] = {}
    by_period: dict[tuple[str, str], Publication] = {}
    for row in rows:
        if row.rank_kind == 1:
            by_kind[row.kind] = row
        if row.rank_period == 1:
            by_period[(row.kind, row.period)] = row
    found: dict[SourceSpec, Publication] = {}
    for kind, period in specs:
        match = by_kind.get(kind) if period is None else by_period.get((kind, period))
        if match is not None:
            found[(kind, period)] = match
    return found


def publication_latest(kind: str, period: str | None = None) -> Publication | None:
    """The latest published, not withdrawn version of ``kind`` for ``period`` (the
    latest period published when None); None when there is none."""
    return publications_latest([(kind, period)]).get((kind, period))


def publications_of_kinds(kinds: Iterable[str]):
    """Every published version of ``kinds``, newest first, withdrawn ones included with
    their withdrawal (its reason stays visible): the events and products pages. One
    query (the withdrawal joined)."""
    return (
        Publication.objects.published()
        .filter(kind__in=list(kinds))
        .select_related("withdrawal")
        .order_by("-published_at", "-version", "-pk")
    )


#: The kind of publication each figure at a glance is formally disclosed in (the
#: solvency ratios: the solvency report summary of their quarter).
KEY_FIGURE_KINDS = {
    "members_in_force": Kind.ANNUAL_REPORT,
    "contributions": Kind.FINANCIAL_STATEMENTS,
    "claims_paid": Kind.CLAIMS_STATISTICS,
    "claims_ratio": Kind.FINANCIAL_STATEMENTS,
    "expense_ratio": Kind.FINANCIAL_STATEMENTS,
}


def key_figure_sources(*, solvency_date: dt.date | None) -> dict[str, Publication | None]:
    """{figure: the publication it was last disclosed in, or None} for the figures at a
    glance (``KEY_FIGURE_KINDS``) and ``"solvency"``: the solvency report summary of
    the quarter of ``solvency_date`` (the latest one published when that quarter's is
    not). One query."""
    specs: list[SourceSpec] = [(kind, None) for kind in KEY_FIGURE_KINDS.values()]
    solvency_spec: SourceSpec | None = None
    if solvency_date is not None:
        quarter = (solvency_date.month - 1) // 3 + 1
        solvency_spec = (Kind.SOLVENCY_SUMMARY, f"{solvency_date.year}Q{quarter}")
        specs += [solvency_spec, (Kind.SOLVENCY_SUMMARY, None)]
    found = publications_latest(specs)
    sources: dict[str, Publication | None] = {
        name: found.get((kind, None)) for name, kind in KEY_FIGURE_KINDS.items()
    }
    sources["solvency"] = (
        (found.get(solvency_spec) or found.get((Kind.SOLVENCY_SUMMARY, None)))
        if solvency_spec is not None
        else None
    )
    return sources
