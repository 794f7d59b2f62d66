"""Stress tests and replenishment planning as data: the scenarios (seeded by
``solvency.presets.stress``, edited by the actuary), the result of a scenario applied to
an assessment (written by ``services.stress``, never edited), the projection's
assumptions and the planned repayments of the initial operating fund."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.exceptions import ImmutableRecord
from mutualsociety.common.money import MoneyField, RateField, SumField

from ..calculations.aggregation import CalculationError
from ..calculations.stress import Shocks, shocks_check
from .assessments import SolvencyAssessment
from .capital import FundTranche
from .choices import AssetClass
from .regimes import Bilingual


class StressScenario(Bilingual):
    """A named set of shocks (``calculations.stress``), e.g. ``{"claims_pct": "20"}``."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("description and source"), blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive scenarios are not run.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    shocks = models.JSONField(
        _("shocks"),
        default=dict,
        help_text=_(
            'JSON, every key optional: {"claims_pct": "20", "reserve_pct": "15", '
            '"asset_pct": {"equity": "30", "fund": "20"}, "exit_pct": "10", '
            '"pandemic_factor": "1.5"}. Percentages; the pandemic factor multiplies the '
            "claims frequency (1 or more)."
        ),
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("stress scenario")
        verbose_name_plural = _("stress scenarios")
        permissions = [("run_stresstest", _("Can run stress tests"))]

    def clean(self) -> None:
        super().clean()
        try:
            self.as_shocks()
        except CalculationError as error:
            raise ValidationError({"shocks": f"{error.field}: {error.message}"}) from None

    def as_shocks(self) -> Shocks:
        return shocks_check(self.shocks, asset_classes=tuple(AssetClass.values))


class StressResult(models.Model):
    """A scenario applied to an assessment: the shocked figures and the position they
    give. One per assessment, scenario and shocks (a second run with the same shocks
    returns it; edited shocks make a new one)."""

    assessment = models.ForeignKey(
        SolvencyAssessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="stress_results",
    )
    scenario = models.ForeignKey(
        StressScenario,
        verbose_name=_("scenario"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    shocks = models.JSONField(_("shocks applied"), default=dict)
    shocks_digest = models.CharField(_("digest of the shocks"), max_length=64)
    claims_base = SumField(_("claims of the 12 months"))
    members_before = models.PositiveIntegerField(_("members before"), default=0)
    members_after = models.PositiveIntegerField(_("members after"), default=0)
    claims_loss = SumField(_("loss from claims"))
    reserve_loss = SumField(_("loss from reserve deterioration"))
    asset_loss = SumField(_("loss on assets"))
    premiums = SumField(_("premiums after the shock"))
    claims_reserves = SumField(_("claims reserves after the shock"))
    core_capital = SumField(_("core capital"))
    actual_capital = SumField(_("actual capital"))
    minimum_capital = SumField(_("minimum capital"))
    comprehensive_ratio = models.DecimalField(
        _("comprehensive solvency adequacy ratio (%)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    core_ratio = models.DecimalField(
        _("core solvency adequacy ratio (%)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    status = models.SlugField(_("status on the ladder"), max_length=40)
    early_warning = models.BooleanField(_("early warning"), default=False)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["assessment", "scenario__order", "scenario__code", "-computed_at"]
        verbose_name = _("stress test result")
        verbose_name_plural = _("stress test results")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "scenario", "shocks_digest"], name="solvency_stress_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.scenario}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(_("A stress test result cannot be changed; run it again."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(_("A stress test result cannot be deleted."))

    @property
    def loss(self) -> Decimal:
        return self.claims_loss + self.reserve_loss + self.asset_loss


def _rate(verbose_name, default: str, help_text, **kwargs) -> models.DecimalField:
    return RateField(
        verbose_name,
        default=Decimal(default),
        help_text=help_text,
        validators=[MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("10"))],
        **kwargs,
    )


class ProjectionAssumptions(models.Model):
    """The assumptions of the 12-quarter replenishment projection (one row, edited by
    the actuary; docs/defaults.md lists the defaults and why)."""

    contribution_growth = _rate(
        _("growth of contributions (a year)"),
        "0.050000",
        _("0.05 is 5% a year, compounded by quarter (a quarter grows by a quarter of it)."),
    )
    loss_ratio = _rate(
        _("loss ratio"), "0.700000", _("Claims incurred (paid and reserved) ÷ contributions.")
    )
    expense_ratio = _rate(_("expense ratio"), "0.150000", _("Expenses ÷ contributions."))
    reserve_growth = _rate(
        _("growth of claims reserves (a year)"),
        "0.050000",
        _("Outstanding claims and IBNR grow by this a year, compounded by quarter."),
    )
    investment_return = _rate(
        _("investment return (a year)"),
        "0.025000",
        _("On the assets held at the start of each quarter (a quarter earns a quarter of it)."),
    )
    distribution_share = _rate(
        _("surplus distributed"),
        "0.300000",
        _("The share of a positive quarterly result returned to members."),
    )
    tranche_amount = MoneyField(
        _("route: a new fund tranche of"),
        default=Decimal("1000000.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    notes_amount = MoneyField(
        _("route: subordinated surplus notes of"),
        default=Decimal("1000000.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    distribution_cut = _rate(
        _("route: distribution reduced by"),
        "0.500000",
        _("0.5 halves the share of surplus distributed."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("projection assumptions")
        verbose_name_plural = _("projection assumptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(loss_ratio__gte=0) & Q(expense_ratio__gte=0),
                name="solvency_projection_ratios_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(distribution_share__gte=0)
                & Q(distribution_share__lte=1)
                & Q(distribution_cut__gte=0)
                & Q(distribution_cut__lte=1),
                name="solvency_projection_shares",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Projection assumptions"))

    def clean(self) -> None:
        super().clean()
        errors = {}
        for name in ("loss_ratio", "expense_ratio"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = _("A ratio cannot be negative.")
        for name in ("distribution_share", "distribution_cut"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 1:
                errors[name] = _("A share is between 0 and 1.")
        if errors:
            raise ValidationError(errors)


class PlannedRepayment(models.Model):
    """A repayment of a fund tranche the society plans (the projection takes it out of
    core capital in its quarter); the repayment itself is a separate service."""

    tranche = models.ForeignKey(
        FundTranche,
        verbose_name=_("fund tranche"),
        on_delete=models.PROTECT,
        related_name="planned_repayments",
    )
    due_on = models.DateField(_("planned for"))
    amount = MoneyField(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("planned repayment of the fund")
        verbose_name_plural = _("planned repayments of the fund")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="solvency_planned_positive")
        ]

    def __str__(self) -> str:
        return f"{self.due_on} {self.amount}"
