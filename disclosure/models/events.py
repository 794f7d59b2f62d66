"""The append-only history of every publication (``common.events.Event``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.events import Event

from .publications import Publication


class PublicationEvent(Event):
    class Type(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        EDITED = "edited", _("Edited")
        SUBMITTED = "submitted", _("Submitted for approval")
        RETURNED = "returned", _("Returned to its author")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ATTACHED = "attached", _("File attached")
        CHECKSUM_MISMATCH = "checksum_mismatch", _("File refused: checksum mismatch")

    publication = models.ForeignKey(
        Publication,
        verbose_name=_("publication"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    type = Event.type_field(Type)

    subject_field = "publication"

    class Meta(Event.Meta):
        verbose_name = _("publication event")
        verbose_name_plural = _("publication events")
        indexes = [models.Index(fields=["publication", "at"], name="publication_event_at")]
