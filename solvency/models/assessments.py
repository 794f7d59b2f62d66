"""A solvency assessment: the society's position under a regime at a valuation date —
actual, core and minimum capital, the module breakdown, both ratios, the status on the
ladder, the rating and the inputs it used — computed by
``solvency.services.assessments.assessment_compute`` and approved by a second person.

Versions: each computation for a (valuation date, regime) is a new version. Approving a
version supersedes the version approved before it (which stays readable); computing a
new one supersedes an unapproved draft. An approved assessment never changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mutualsociety.common.exceptions import ImmutableRecord
from mutualsociety.common.money import SumField

from .choices import Rating
from .regimes import Bilingual, Regime


def _ratio(verbose_name) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, null=True, blank=True)


class SolvencyAssessment(models.Model):
    class State(models.TextChoices):
        COMPUTED = "computed", _("Computed, waiting for approval")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded")

    valuation_date = models.DateField(_("valuation date"))
    regime = models.ForeignKey(
        Regime, verbose_name=_("regime"), on_delete=models.PROTECT, related_name="assessments"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.COMPUTED
    )
    # Capital
    core_capital = SumField(_("core capital"))
    supplementary_capital = SumField(_("supplementary capital (before limits)"))
    admitted_supplementary = SumField(_("supplementary capital admitted"))
    actual_capital = SumField(_("actual capital"))
    # Requirement
    undiversified_requirement = SumField(_("sum of module charges"))
    diversified_requirement = SumField(_("diversified requirement"))
    adjustments_total = SumField(_("adjustments after aggregation"))
    minimum_capital = SumField(_("minimum capital"))
    mcr = SumField(_("MCR"), null=True, blank=True)
    # Ratios (percent, 2 places, rounded down)
    comprehensive_ratio = _ratio(_("comprehensive solvency adequacy ratio (%)"))
    core_ratio = _ratio(_("core solvency adequacy ratio (%)"))
    mcr_ratio = _ratio(_("MCR ratio (%)"))
    # The ladder
    rating = models.CharField(
        _("integrated risk rating"), max_length=1, choices=Rating.choices, blank=True
    )
    ladder_status = models.SlugField(_("status on the ladder"), max_length=40)
    early_warning = models.BooleanField(_("early warning"), default=False)
    deadline = models.DateField(
        _("deadline"), null=True, blank=True, help_text=_("What the reached rung requires, by.")
    )
    inputs = models.JSONField(_("inputs used"), default=dict)
    inputs_digest = models.CharField(_("digest of the inputs"), max_length=64, editable=False)
    # Maker-checker
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_note = models.TextField(_("approval note"), blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        ordering = ["-valuation_date", "-version"]
        get_latest_by = ["valuation_date", "version"]
        verbose_name = _("solvency assessment")
        verbose_name_plural = _("solvency assessments")
        permissions = [
            ("compute_solvencyassessment", _("Can compute solvency assessments")),
            ("approve_solvencyassessment", _("Can approve solvency assessments")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["valuation_date", "regime", "version"], name="solvency_assessment_version"
            ),
            models.UniqueConstraint(
                fields=["valuation_date", "regime"],
                condition=Q(state="approved"),
                name="solvency_assessment_one_approved",
            ),
            models.UniqueConstraint(
                fields=["valuation_date", "regime"],
                condition=Q(state="computed"),
                name="solvency_assessment_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(state="computed")
                | Q(approved_by__isnull=False, approved_at__isnull=False)
                & ~Q(approved_by=models.F("computed_by"))
                | Q(state="superseded"),
                name="solvency_assessment_four_eyes",
            ),
        ]
        indexes = [models.Index(fields=["state", "valuation_date"])]

    #: What a service may still change on a stored assessment: its state and approval.
    MUTABLE_FIELDS = frozenset(
        {"state", "approved_by", "approved_at", "approval_note", "superseded_at"}
    )

    def __str__(self) -> str:
        return f"{self.valuation_date} {self.regime.display_name} v{self.version}"

    def save(self, *args, **kwargs):
        """Once stored, only the state and the approval change (through the services,
        with ``update_fields``): the figures and inputs of an assessment never do."""
        fields = kwargs.get("update_fields")
        if not self._state.adding and (fields is None or set(fields) - self.MUTABLE_FIELDS):
            raise ImmutableRecord(
                _("A solvency assessment cannot be changed; compute a new version.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(_("A solvency assessment cannot be deleted."))


class AssessmentLine(Bilingual):
    """One line of an assessment's breakdown: a module's charge, or an adjustment added
    after aggregation."""

    class Kind(models.TextChoices):
        MODULE = "module", _("Risk module")
        ADJUSTMENT = "adjustment", _("Adjustment after aggregation")

    assessment = models.ForeignKey(
        SolvencyAssessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    kind = models.CharField(pgettext_lazy("solvency", "kind"), max_length=16, choices=Kind.choices)
    code = models.SlugField(_("code"), max_length=40)
    amount = SumField(_("amount"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["assessment", "kind", "order", "id"]
        verbose_name = _("breakdown line")
        verbose_name_plural = _("breakdown")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "kind", "code"], name="solvency_assessment_line_once"
            )
        ]
