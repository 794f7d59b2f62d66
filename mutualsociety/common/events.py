"""The one event base: every app's append-only audit trail has the same shape.

An event says who (``actor``, empty for the system), when (``at``), what (``type``, one of
the subclass's typed choices), from what to what (``old_value`` / ``new_value``, e.g. two
statuses), why (``reason``) and any details (``data``). Each app declares its table with a
foreign key to its subject and an index on (subject, at), and writes rows only through its
own ``events.py`` writer (``claim_event``, ``member_event``, ``meeting_event``...), which
calls ``event_record`` here. Rows are never changed or deleted: the model and its queryset
refuse it (``ImmutableRecord``). The regulator's audit view reads every app's table alike.

A subclass looks like::

    class ClaimEvent(Event):
        class Type(models.TextChoices):
            SUBMITTED = "submitted", _("Submitted")

        claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
        type = Event.type_field(Type)

        subject_field = "claim"

        class Meta(Event.Meta):
            verbose_name = _("claim event")
            indexes = [models.Index(fields=["claim", "at"])]
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .display import format_datetime
from .exceptions import ImmutableRecord

#: How long a from/to value may be (a status, a short setting); longer text goes in data.
VALUE_MAX_LENGTH = 200

#: A subclass's typed choices (named here: inside ``Event`` the name ``type`` is a field).
TypeChoices = type[models.TextChoices]


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecord(_("Events are a history: they cannot be changed."))

    def delete(self):
        raise ImmutableRecord(_("Events are a history: they cannot be deleted."))


class Event(models.Model):
    """Abstract base of every event table (see the module's docstring)."""

    type = models.CharField(_("event"), max_length=32)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    old_value = models.CharField(_("from"), max_length=VALUE_MAX_LENGTH, blank=True)
    new_value = models.CharField(_("to"), max_length=VALUE_MAX_LENGTH, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    #: The name of the foreign key to the subject (``"claim"``); set by each subclass.
    subject_field: ClassVar[str] = ""

    objects = EventQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]
        get_latest_by = ["at", "id"]

    def __str__(self) -> str:
        label = self.get_type_display() if hasattr(self, "get_type_display") else self.type
        # The society's time and the page's language, as every other moment is shown
        # (``at`` is stored in UTC).
        return f"{format_datetime(self.at)} {label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(_("Events are a history: they cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(_("Events are a history: they cannot be deleted."))

    @staticmethod
    def type_field(choices: TypeChoices) -> models.CharField:
        """The ``type`` field of a subclass, limited to its typed choices."""
        return models.CharField(_("event"), max_length=32, choices=choices.choices)


def event_record[E: Event](
    model: type[E],
    *,
    subject: models.Model,
    type: str,  # noqa: A002 - the event's type, as everywhere in the project
    actor=None,
    reason: str = "",
    old_value: str = "",
    new_value: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    **fields: Any,
) -> E:
    """Append one event about ``subject`` to ``model``'s table (in the caller's
    transaction). An anonymous or missing actor is recorded as the system. ``fields``
    are the subclass's own columns (``SocietyEvent``'s ``field`` and ``change``); the
    from/to values are cut to the length of the model's columns."""
    if not model.subject_field:
        raise TypeError(f"{model.__name__} does not name its subject_field.")
    return model.objects.create(
        **{model.subject_field: subject},
        **fields,
        type=str(type),
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason or "",
        old_value=str(old_value or "")[: _max_length(model, "old_value")],
        new_value=str(new_value or "")[: _max_length(model, "new_value")],
        data=data or {},
        at=at or timezone.now(),
    )


def _max_length(model: type[Event], name: str) -> int:
    field = model._meta.get_field(name)
    return getattr(field, "max_length", None) or VALUE_MAX_LENGTH
