"""What is due: each periodic kind's periods, with their due date and whether the
society published on time, late, or not yet.

A kind whose rule counts from the end of a quarter or a year (``Basis.QUARTER``,
``Basis.YEAR``) owes one document per period, from the period holding the rule's
``first_period_start`` (or the society's founding date) to the last period that has
ended. Kinds due after an event or kept up to date owe nothing on a calendar and are not
listed here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mutualsociety.common import periods
from mutualsociety.common.selectors import society_get

from ..models import Basis, Kind, KindRule, Publication

#: The calendar bases and the period grain each counts in.
GRAINS = {Basis.QUARTER: "quarter", Basis.YEAR: "year"}


class State(models.TextChoices):
    PUBLISHED = "published", _("Published on time")
    LATE = "late", _("Published late")
    DUE = "due", pgettext_lazy("disclosure schedule", "Due")
    OVERDUE = "overdue", _("Overdue")


@dataclasses.dataclass(frozen=True)
class ScheduleItem:
    """One period of one kind: its due date and where it stands."""

    kind: str
    period: str  # "2026Q1" or "2026", as ``Publication.period`` writes it
    period_start: dt.date
    period_end: dt.date
    due_on: dt.date
    state: str  # a ``State``
    publication_id: int | None = None  # the first published version, if any
    published_at: dt.datetime | None = None

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    @property
    def state_label(self) -> str:
        return str(State(self.state).label)


def period_label(start: dt.date, grain: str) -> str:
    """``2026Q1`` for a quarter, ``2026`` for a year (as publications name periods)."""
    if grain == "quarter":
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def _periods(start: dt.date, today: dt.date, grain: str) -> list[tuple[dt.date, dt.date]]:
    """The periods of ``grain`` from the one holding ``start`` to the last one that ended
    before ``today``."""
    out = []
    index = periods.period_index(start, grain)
    while (end := periods.period_end(index, grain)) < today:
        out.append((periods.period_start(index, grain), end))
        index += 1
    return out


def _published(kinds: set[str], labels: set[str]) -> dict[tuple[str, str], tuple[int, dt.datetime]]:
    """(kind, period) → (id, time) of the earliest version published for it and not
    withdrawn: one query, whatever the number of periods."""
    if not kinds:
        return {}
    rows = (
        Publication.objects.published()
        .filter(kind__in=kinds, period__in=labels, withdrawal__isnull=True)
        .order_by("published_at", "id")
        .values_list("kind", "period", "id", "published_at")
    )
    found: dict[tuple[str, str], tuple[int, dt.datetime]] = {}
    for kind, period, pk, published_at in rows:
        found.setdefault((kind, period), (pk, published_at))
    return found


def disclosure_schedule(
    today: dt.date | None = None, *, kinds: list[str] | None = None
) -> list[ScheduleItem]:
    """Every period owed by the quarterly and yearly kinds (``kinds``: only these), by
    kind then period, each with its due date (the kind's rule) and its state:

    - ``published``: a version was published on or before the due date;
    - ``late``: the first version was published after the due date;
    - ``due``: nothing published yet, the due date is today or later;
    - ``overdue``: nothing published and the due date has passed.

    A rule switched off (``expected`` false) owes nothing. A version that was withdrawn
    does not count: the society owes the document again.
    A rule without ``first_period_start`` counts from the society's founding date; with
    neither, the kind owes nothing yet (the start is not known). Three queries at most
    (the rules, the society, the publications), whatever the number of periods.
    """
    today = today or timezone.localdate()
    queryset = KindRule.objects.filter(basis__in=list(GRAINS), expected=True).order_by("kind")
    if kinds is not None:
        queryset = queryset.filter(kind__in=kinds)
    rules = list(queryset)
    founded_on = None
    if any(rule.first_period_start is None for rule in rules):
        founded_on = society_get().founded_on
    owed: list[tuple[KindRule, str, dt.date, dt.date]] = []
    for rule in rules:
        start = rule.first_period_start or founded_on
        if start is None:
            continue
        grain = GRAINS[Basis(rule.basis)]
        for period_start, period_end in _periods(start, today, grain):
            owed.append((rule, period_label(period_start, grain), period_start, period_end))
    published = _published({rule.kind for rule, *_ in owed}, {label for _, label, *_ in owed})
    items = []
    for rule, label, period_start, period_end in owed:
        due_on = rule.due_on(period_end)
        pk, published_at = published.get((rule.kind, label), (None, None))
        if published_at is not None:
            late = timezone.localdate(published_at) > due_on
            state = State.LATE if late else State.PUBLISHED
        else:
            state = State.DUE if today <= due_on else State.OVERDUE
        items.append(
            ScheduleItem(
                kind=rule.kind,
                period=label,
                period_start=period_start,
                period_end=period_end,
                due_on=due_on,
                state=state.value,
                publication_id=pk,
                published_at=published_at,
            )
        )
    return items


def disclosure_overdue(today: dt.date | None = None) -> list[ScheduleItem]:
    """The periods past their due date with nothing published, the longest overdue first."""
    items = [i for i in disclosure_schedule(today) if i.state == State.OVERDUE]
    return sorted(items, key=lambda item: (item.due_on, item.kind))


def publication_late(publication: Publication, today: dt.date | None = None) -> bool:
    """Whether one version is late: published after its due date, or not published
    (nor discarded) and its due date has passed."""
    if publication.status == Publication.Status.PUBLISHED:
        return publication.published_late
    if publication.status == Publication.Status.DISCARDED or publication.due_on is None:
        return False
    return publication.due_on < (today or timezone.localdate())
