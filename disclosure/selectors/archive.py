"""What the public reads of publications: only published versions, ever.

Drafts, versions awaiting approval and discarded drafts are never returned here; a
withdrawn version is (with its withdrawal: the reason stays visible). Every function
answers in a fixed number of queries, whatever the number of publications, versions
or files.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput

from .. import periods
from ..models import Attachment, Kind, Publication

#: How many entries the feed carries.
FEED_SIZE = 50

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def kind_check(value: str) -> str:
    """``value`` if it names a kind, else ``InvalidInput`` naming the parameter."""
    if value not in Kind.values:
        raise InvalidInput(
            _("There is no kind of publication named “%(value)s”.") % {"value": value[:40]},
            field="kind",
        )
    return value


def period_check(value: str) -> str:
    """``value`` if it is a period as publications write them (``2026``, ``2026Q1``,
    ``2026-03-31``), else ``InvalidInput`` naming the parameter."""
    value = value.strip()
    year = _YEAR.match(value) or _QUARTER.match(value)
    if year and int(year[1]) >= 1:  # there is no year 0 (nor its quarters) in a calendar
        return value
    if _DAY.match(value):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return value
    raise InvalidInput(
        _(
            "“%(value)s” is not a period: write a year (2026), a quarter (2026Q1) or a "
            "day (2026-03-31)."
        )
        % {"value": value[:40]},
        field="period",
    )


def period_filter(value: str) -> Q:
    """The publications of a period: a year holds its quarters and days (``2026`` finds
    2026, 2026Q1 and 2026-03-31), a quarter its days, a day itself. ``value`` has passed
    ``period_check``."""
    if _YEAR.match(value):
        return Q(period__startswith=value)
    quarter = _QUARTER.match(value)
    if quarter:
        days = periods.quarter(int(quarter[1]), int(quarter[2]))  # 9999Q4 included
        first, last = days.start, days.end
        # ISO days compare as text; "2026Q1" and "2026" sort outside that range
        return Q(period=value) | Q(period__gte=first.isoformat(), period__lte=last.isoformat())
    return Q(period=value)


def _with_correction(queryset: QuerySet[Publication]) -> QuerySet[Publication]:
    """Each version with the next published version of its document, if any (its id and
    time: "corrected on …"), and its withdrawal, in the same query."""
    newer = (
        Publication.objects.published()
        .filter(key=OuterRef("key"), version__gt=OuterRef("version"))
        .order_by("version")
    )
    return queryset.select_related("withdrawal").annotate(
        corrected_by_id=Subquery(newer.values("id")[:1]),
        corrected_at=Subquery(newer.values("published_at")[:1]),
    )


def public_publications(
    *, kind: str = "", period: str = "", key: str = ""
) -> QuerySet[Publication]:
    """Every published version, newest first, filtered (``kind`` and ``period`` checked
    with ``kind_check`` and ``period_check``)."""
    queryset = Publication.objects.published()
    if kind:
        queryset = queryset.filter(kind=kind_check(kind))
    if period:
        queryset = queryset.filter(period_filter(period_check(period)))
    if key:
        queryset = queryset.filter(key=key)
    return _with_correction(queryset).order_by("-published_at", "-id")


def public_publication_get(pk: int) -> Publication | None:
    """One published version with its withdrawal and its files; ``None`` for an unknown
    id, a draft, a version awaiting approval or a discarded one."""
    attachments = Prefetch("attachments", queryset=Attachment.objects.order_by("format", "id"))
    return (
        _with_correction(Publication.objects.published())
        .prefetch_related(attachments)
        .filter(pk=pk)
        .first()
    )


def public_versions(key: str) -> list[Publication]:
    """Every published version of the document ``key``, oldest first, with their
    withdrawals (one query)."""
    return list(
        Publication.objects.published()
        .filter(key=key)
        .select_related("withdrawal")
        .order_by("version")
    )


def feed_entries(limit: int = FEED_SIZE) -> list[Publication]:
    """The latest ``limit`` published versions by when they last changed for a reader:
    their publication, or their withdrawal (a withdrawn version comes back to the top
    with its reason)."""
    return list(
        Publication.objects.published()
        .select_related("withdrawal")
        .annotate(updated_at=Coalesce("withdrawal__at", "published_at"))
        .order_by("-updated_at", "-id")[:limit]
    )
