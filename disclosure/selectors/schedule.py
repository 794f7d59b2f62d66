"""What is due: for each periodic kind (its rule's basis is a quarter or a year) and each
period that has ended, the due date its rule gives and where it stands.

States (docs/disclosure.md, "Due dates"):
- ``published``: a version of the kind and period was published on or before the due
  date (in the society's time zone);
- ``late``: the first version was published after the due date (a later correction does
  not make it late, nor an early one on time);
- ``due``: nothing published yet, and the due date is today or later;
- ``overdue``: nothing published, and the due date has passed.

Periods are expected from the rule's ``first_period_start``, else from the society's
founding; with neither, from the first period of the kind that has a publication, and
at least the last period that ended. Three queries, whatever the number of kinds,
periods or publications.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from mutualsociety.common import periods
from mutualsociety.common.selectors import society_get

from ..models import Basis, Kind, KindRule, Publication
from ..periods import PERIODIC, Period, period_of, periods_between

PUBLISHED, LATE, DUE, OVERDUE = "published", "late", "due", "overdue"


@dataclass(frozen=True)
class ScheduleItem:
    kind: str
    kind_label: str
    period: str
    period_start: dt.date
    period_end: dt.date
    due_on: dt.date
    #: ``published`` | ``late`` | ``due`` | ``overdue``
    state: str
    #: the latest published version of the kind and period (None: nothing published)
    publication: Publication | None


def _last_ended(basis: str, today: dt.date) -> Period:
    """The last period of ``basis`` that ended before ``today``."""
    grain = PERIODIC[Basis(basis)]
    return period_of(periods.period_index(today, grain) - 1, grain)


def _first_expected(
    rule: KindRule, founded: dt.date | None, earliest: dt.date | None, last: Period
) -> dt.date:
    if rule.first_period_start is not None:
        return rule.first_period_start
    if founded is not None:
        return founded
    return min(earliest, last.start) if earliest is not None else last.start


def disclosure_schedule(today: dt.date) -> list[ScheduleItem]:
    """Every ended period of every periodic kind, by kind (in the kinds' order), newest
    period first."""
    rules = list(KindRule.objects.filter(basis__in=list(PERIODIC)))
    if not rules:
        return []
    founded = society_get().founded_on
    published = Publication.objects.filter(
        kind__in=[rule.kind for rule in rules], status=Publication.Status.PUBLISHED
    ).exclude(period="")
    # per (kind, period): the first publication time and the latest version
    first: dict[tuple[str, str], dt.datetime] = {}
    latest: dict[tuple[str, str], Publication] = {}
    earliest: dict[str, dt.date] = {}
    for publication in published.order_by("published_at", "id"):
        if publication.published_at is None:  # never: a database constraint
            continue
        slot = (publication.kind, publication.period)
        first.setdefault(slot, publication.published_at)
        if slot not in latest or publication.version > latest[slot].version:
            latest[slot] = publication
        if publication.period_start is not None:
            earliest[publication.kind] = min(
                earliest.get(publication.kind, publication.period_start),
                publication.period_start,
            )
    order = {kind: index for index, kind in enumerate(Kind.values)}
    items: list[ScheduleItem] = []
    for rule in sorted(rules, key=lambda r: order.get(r.kind, len(order))):
        last = _last_ended(rule.basis, today)
        start = _first_expected(rule, founded, earliest.get(rule.kind), last)
        for period in reversed(list(periods_between(rule.basis, start, last.end))):
            if rule.first_period_start is not None and period.start < rule.first_period_start:
                continue  # not expected before the rule's first period
            due = rule.due_on(period.end)
            slot = (rule.kind, period.label)
            at = first.get(slot)
            if at is not None:
                state = LATE if timezone.localdate(at) > due else PUBLISHED
            else:
                state = OVERDUE if today > due else DUE
            items.append(
                ScheduleItem(
                    kind=rule.kind,
                    kind_label=str(Kind(rule.kind).label),
                    period=period.label,
                    period_start=period.start,
                    period_end=period.end,
                    due_on=due,
                    state=state,
                    publication=latest.get(slot),
                )
            )
    return items
