"""The append-only history of solvency assessments, on the one event base of
``mutualsociety.common.events``; rows are written only by ``solvency.events``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.events import Event

from .assessments import SolvencyAssessment


class AssessmentEvent(Event):
    """Computed, approved, superseded: who, when and why (``old_value`` / ``new_value``
    are the states before and after)."""

    class Type(models.TextChoices):
        COMPUTED = "computed", _("Computed")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded")

    assessment = models.ForeignKey(
        SolvencyAssessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    type = Event.type_field(Type)

    subject_field = "assessment"

    class Meta(Event.Meta):
        verbose_name = _("assessment event")
        verbose_name_plural = _("assessment events")
        indexes = [models.Index(fields=["assessment", "at"], name="solvency_event_assess_at")]
