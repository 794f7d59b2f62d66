"""The audit events of every app: every concrete subclass of the one event base, merged
newest first (``EventIndex``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import CharField, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.events import Event

from ...exports import Column, Table


def event_models() -> list[type[Event]]:
    """Every concrete event table of the project (each app's subclass of ``Event``), in
    the order of their labels."""
    found = [
        model
        for model in apps.get_models()
        if issubclass(model, Event) and not model._meta.abstract
    ]
    return sorted(found, key=lambda m: m._meta.label_lower)


@dataclass(frozen=True)
class EventFilter:
    app: str = ""
    type: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _filtered(model: type[Event], where: EventFilter) -> QuerySet:
    qs = model._default_manager.all()
    if where.type:
        qs = qs.filter(type=where.type)
    if where.date_from is not None:
        qs = qs.filter(at__date__gte=where.date_from)
    if where.date_to is not None:
        qs = qs.filter(at__date__lte=where.date_to)
    return qs


def _models_for(where: EventFilter) -> list[type[Event]]:
    return [m for m in event_models() if not where.app or m._meta.app_label == where.app]


def event_types() -> list[tuple[str, str]]:
    """(code, label) of every event type of every table, for the filter."""
    seen: dict[str, str] = {}
    for model in event_models():
        for code, label in model._meta.get_field("type").choices or ():
            seen.setdefault(code, str(label))
    return sorted(seen.items())


class EventIndex:
    """The merged, newest-first index of every event table under a filter: ``count()``
    and slicing read one UNION ALL of (table, id, at) — then ``page()`` loads the rows of
    a slice, one query per table present on it (with the actor joined), never per row."""

    def __init__(self, where: EventFilter) -> None:
        self.where = where
        self.models = _models_for(where)

    def _union(self) -> QuerySet | None:
        parts = [
            _filtered(model, self.where)
            .annotate(table=Value(model._meta.label_lower, output_field=CharField()))
            .values_list("table", "id", "at")
            .order_by()
            for model in self.models
        ]
        if not parts:
            return None
        first, *rest = parts
        return first.union(*rest, all=True) if rest else first

    def count(self) -> int:
        union = self._union()
        return union.count() if union is not None else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Event]:
        union = self._union()
        if union is None:
            return []
        keys = list(union.order_by("-at", "-id")[window])
        by_table: dict[str, list[int]] = {}
        for table, pk, _at in keys:
            by_table.setdefault(table, []).append(pk)
        rows: dict[tuple[str, int], Event] = {}
        for table, ids in by_table.items():
            model = apps.get_model(table)
            for event in model._default_manager.filter(pk__in=ids).select_related("actor"):
                rows[(table, event.pk)] = event
        return [rows[(table, pk)] for table, pk, _at in keys if (table, pk) in rows]


def event_row(event: Event) -> tuple:
    meta = event._meta
    subject_field = type(event).subject_field
    subject_id = getattr(event, f"{subject_field}_id", None) if subject_field else None
    subject = (
        f"{meta.get_field(subject_field).related_model._meta.verbose_name} #{subject_id}"  # type: ignore[union-attr]
        if subject_field
        else ""
    )
    return (
        event.at,
        meta.app_label,
        str(meta.verbose_name),
        event.type,
        event.get_type_display(),  # type: ignore[attr-defined]
        subject,
        event.actor.get_username() if event.actor else "",
        event.old_value,
        event.new_value,
        event.reason,
    )


def events_table(events: Iterable[Event]) -> Table:
    return Table(
        slug="events",
        caption=_("Audit events"),
        columns=(
            Column("at", _("at"), "datetime"),
            Column("app", _("app")),
            Column("table", _("record")),
            Column("type", _("type")),
            Column("type_label", _("event")),
            Column("subject", _("subject")),
            Column("actor", _("by")),
            Column("old_value", _("from")),
            Column("new_value", _("to")),
            Column("reason", _("reason")),
        ),
        rows=[event_row(e) for e in events],
    )
