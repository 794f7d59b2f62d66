"""Alerts of the ladder of intervention and the material-event drafts they raise.

``SolvencyAlert``: a ratio below a threshold (a rung of the regime's ladder reached, or a
threshold with no rung) is a **breach**; a ratio within the early-warning margin above its
threshold is an **early warning**. Recorded by ``solvency.services.monitoring`` when an
assessment is approved and by the daily monitoring run; at most one standing (open or
acknowledged) alert per ``key`` (a rung, or a kind and measure); a later assessment or
check that no longer shows it closes it, with the reason.

``MaterialEventDraft``: the draft of a material-event disclosure (重大事项) each alert
raises, in Chinese and English, for the disclosure issue to publish.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mutualsociety.common.events import Event

from .assessments import SolvencyAssessment
from .regimes import LadderRung


class SolvencyAlert(models.Model):
    class Kind(models.TextChoices):
        BREACH = "breach", _("Breach")
        EARLY_WARNING = "early_warning", _("Early warning")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CLOSED = "closed", _("Closed")

    class Origin(models.TextChoices):
        APPROVAL = "approval", _("Approval of an assessment")
        MONITORING = "monitoring", _("Daily monitoring")

    key = models.CharField(
        _("key"),
        max_length=60,
        help_text=_("What the alert is about: a rung of the ladder, or a kind and a measure."),
    )
    kind = models.CharField(pgettext_lazy("solvency", "kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="open")
    origin = models.CharField(_("found by"), max_length=16, choices=Origin.choices)
    measure = models.CharField(_("measure"), max_length=16, choices=LadderRung.Measure.choices)
    ladder_status = models.SlugField(_("status on the ladder"), max_length=40)
    ratio = models.DecimalField(
        _("ratio (%)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    threshold = models.DecimalField(
        _("threshold (%)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    rating = models.CharField(_("rating"), max_length=1, blank=True)
    rung = models.ForeignKey(
        LadderRung,
        verbose_name=_("rung of the ladder"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requires = models.TextField(_("what it requires (Chinese)"), blank=True)
    requires_en = models.TextField(_("what it requires (English)"), blank=True)
    valuation_date = models.DateField(_("valuation date"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    assessment = models.ForeignKey(
        SolvencyAssessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_reason = models.TextField(_("why it was closed"), blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("solvency alert")
        verbose_name_plural = _("solvency alerts")
        permissions = [("acknowledge_solvencyalert", _("Can acknowledge solvency alerts"))]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="solvency_alert_one_standing",
            ),
        ]
        indexes = [models.Index(fields=["status", "opened_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_measure_display()} {self.valuation_date}"

    @property
    def standing(self) -> bool:
        return self.status != self.Status.CLOSED


class AlertEvent(Event):
    class Type(models.TextChoices):
        OPENED = "opened", _("Opened")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CLOSED = "closed", _("Closed")
        # The alert's material-event draft, decided by compliance (the disclosure app)
        EVENT_PUBLISHED = "material_event_published", _("Material event published")
        EVENT_DISCARDED = "material_event_discarded", _("Material event discarded")

    alert = models.ForeignKey(
        SolvencyAlert, verbose_name=_("alert"), on_delete=models.PROTECT, related_name="events"
    )
    type = Event.type_field(Type)

    subject_field = "alert"

    class Meta(Event.Meta):
        verbose_name = _("alert event")
        verbose_name_plural = _("alert events")
        indexes = [models.Index(fields=["alert", "at"], name="solvency_event_alert_at")]


class MaterialEventDraft(models.Model):
    class Kind(models.TextChoices):
        SOLVENCY_BREACH = "solvency_breach", _("Solvency below a threshold")
        SOLVENCY_EARLY_WARNING = "solvency_early_warning", _("Solvency early warning")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    kind = models.CharField(pgettext_lazy("solvency", "kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body = models.TextField(_("text (Chinese)"))
    body_en = models.TextField(_("text (English)"))
    data = models.JSONField(_("figures"), default=dict)
    source_alert = models.OneToOneField(
        SolvencyAlert,
        verbose_name=_("alert"),
        on_delete=models.PROTECT,
        related_name="material_event",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="draft")
    created_at = models.DateTimeField(_("drafted at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("material-event draft")
        verbose_name_plural = _("material-event drafts")

    def __str__(self) -> str:
        return self.title
