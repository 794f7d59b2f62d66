"""A solvency regime as data: its risk modules and their factors, the correlation matrix,
the adjustments after aggregation, the capital limits, the thresholds and the ladder of
intervention. The presets (C-ROSS, Solvency II standard formula, NAIC RBC) are seeded by
``solvency.presets``; staff (the actuary) edit them in the admin, checked by ``clean``.
An assessment copies what it used into its inputs, so editing a regime never changes an
assessment made under it.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.money import MoneyField, RateField

from ..calculations import regimes as calc
from ..calculations.aggregation import CalculationError, correlation_check
from .choices import AssetClass, CreditRating, Rating


def _percent(verbose_name, **kwargs) -> models.DecimalField:
    kwargs.setdefault("max_digits", 7)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
    return models.DecimalField(verbose_name, **kwargs)


class Bilingual(models.Model):
    """A name in Chinese and English; ``display_name`` follows the active language."""

    name = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        language = (get_language() or "zh-hans").lower()
        return self.name_en if language.startswith("en") and self.name_en else self.name


class Regime(Bilingual):
    """A regime's rules of minimum capital and ratios (see the module's docstring)."""

    code = models.SlugField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("cross, solvency2, rbc for the presets; the what-if command names it."),
    )
    is_default = models.BooleanField(
        _("default regime"),
        default=False,
        help_text=_("The regime the society reports under (exactly one)."),
    )
    description = models.TextField(_("description and sources"), blank=True)
    correlation = models.JSONField(
        _("correlation matrix"),
        default=dict,
        help_text=_(
            'JSON: {"modules": ["insurance", "market", ...], "matrix": [["1", "0.25", ...], '
            "...]}: one row and column per module, symmetric, 1 on the diagonal, entries "
            "between -1 and 1."
        ),
    )
    requirement_multiplier = RateField(
        _("requirement multiplier"),
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text=_(
            "The minimum capital is (diversified requirement + adjustments) × this: 1, or "
            "0.5 for NAIC RBC's authorised control level."
        ),
    )
    control_risk_rate = RateField(
        _("control-risk adjustment rate"),
        default=Decimal("0"),
        help_text=_(
            "C-ROSS: control-risk minimum capital = this × the quantified-risk minimum "
            "capital (the factor Q from the SARMRA score; negative for a good score)."
        ),
    )
    operational_premium_rate = RateField(
        _("operational risk: rate on premiums"),
        default=Decimal("0"),
        help_text=_("Solvency II: operational risk = this × premiums of the last 12 months…"),
    )
    operational_cap_rate = RateField(
        _("operational risk: cap as a share of the diversified requirement"),
        null=True,
        blank=True,
        help_text=_("…at most this × the basic SCR (Solvency II: 30%). Empty: no cap."),
    )
    # The MCR (Solvency II)
    has_mcr = models.BooleanField(_("has a minimum capital requirement (MCR)"), default=False)
    mcr_floor_rate = RateField(_("MCR corridor: floor (share of the SCR)"), default=Decimal("0.25"))
    mcr_cap_rate = RateField(_("MCR corridor: cap (share of the SCR)"), default=Decimal("0.45"))
    mcr_absolute_floor = MoneyField(
        _("MCR absolute floor"),
        default=Decimal("0.00"),
        help_text=_("In the society's currency."),
    )
    mcr_premium_rate = RateField(
        _("linear MCR: rate on premiums"),
        default=Decimal("0"),
    )
    mcr_reserve_rate = RateField(
        _("linear MCR: rate on claims reserves"),
        default=Decimal("0"),
    )
    # Capital limits
    supplementary_limit_of_core = RateField(
        _("supplementary capital: at most this × core capital"),
        null=True,
        blank=True,
        help_text=_(
            "C-ROSS: 1 (supplementary capital no more than core capital). Empty: no limit."
        ),
    )
    supplementary_limit_of_requirement = RateField(
        _("supplementary capital: at most this × the minimum capital"),
        null=True,
        blank=True,
        help_text=_("Solvency II: 0.5 (Tier 1 at least half of the SCR). Empty: no limit."),
    )
    mcr_supplementary_limit = RateField(
        _("supplementary capital towards the MCR: at most this × the MCR"),
        null=True,
        blank=True,
        help_text=_("Solvency II: 0.2 (Tier 2 at most a fifth of the MCR). Empty: no limit."),
    )
    # Thresholds
    comprehensive_min = _percent(
        _("comprehensive ratio: at least (%)"),
        default=Decimal("100.00"),
        help_text=_("Actual capital / minimum capital (Solvency II: own funds / SCR; RBC: / ACL)."),
    )
    core_min = _percent(
        _("core ratio: at least (%)"),
        null=True,
        blank=True,
        help_text=_("Core capital / minimum capital. Empty: no such threshold."),
    )
    mcr_min = _percent(_("MCR ratio: at least (%)"), null=True, blank=True)
    rating_min = models.CharField(
        _("integrated risk rating: at least"),
        max_length=1,
        choices=Rating.choices,
        blank=True,
        help_text=_("C-ROSS: B. Empty: the regime has no rating."),
    )
    early_warning_points = _percent(
        _("early warning within (points above a threshold)"), default=Decimal("20.00")
    )

    class Meta:
        ordering = ["-is_default", "code"]
        verbose_name = _("solvency regime")
        verbose_name_plural = _("solvency regimes")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="solvency_one_default_regime",
            ),
            models.CheckConstraint(
                condition=Q(mcr_floor_rate__lte=models.F("mcr_cap_rate")),
                name="solvency_regime_mcr_corridor",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        try:
            correlation = correlation_check(self.correlation)
        except CalculationError as error:
            raise ValidationError({"correlation": f"{error.field}: {error.message}"}) from None
        if self.pk:
            codes = set(self.modules.values_list("code", flat=True))
            missing = codes - set(correlation.modules)
            if missing:
                raise ValidationError(
                    {
                        "correlation": _("The matrix has no row for the modules %(codes)s.")
                        % {"codes": ", ".join(sorted(missing))}
                    }
                )

    def correlation_matrix(self):
        """The checked matrix (``calculations.aggregation.Correlation``)."""
        return correlation_check(self.correlation)

    def thresholds(self) -> calc.Thresholds:
        return calc.Thresholds(
            comprehensive=self.comprehensive_min,
            core=self.core_min,
            mcr=self.mcr_min if self.has_mcr else None,
            rating=self.rating_min,
            early_warning_points=self.early_warning_points,
        )

    def limits(self) -> calc.CapitalLimits:
        return calc.CapitalLimits(
            of_core=self.supplementary_limit_of_core,
            of_requirement=self.supplementary_limit_of_requirement,
            mcr_of_requirement=self.mcr_supplementary_limit,
        )

    def mcr_rule(self) -> calc.MCRRule | None:
        if not self.has_mcr:
            return None
        return calc.MCRRule(self.mcr_floor_rate, self.mcr_cap_rate, self.mcr_absolute_floor)


class RiskModule(Bilingual):
    """A risk module of a regime (insurance, market, credit; Solvency II's five)."""

    regime = models.ForeignKey(
        Regime, verbose_name=_("regime"), on_delete=models.CASCADE, related_name="modules"
    )
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("how the charge is computed"), blank=True)

    class Meta:
        ordering = ["regime", "order", "code"]
        verbose_name = _("risk module")
        verbose_name_plural = _("risk modules")
        constraints = [
            models.UniqueConstraint(fields=["regime", "code"], name="solvency_module_code_once")
        ]

    def clean(self) -> None:
        super().clean()
        regime = getattr(self, "regime", None) if self.regime_id else None
        if regime is None or not self.code:
            return
        modules = (
            (regime.correlation or {}).get("modules", [])
            if isinstance(regime.correlation, dict)
            else []
        )
        if self.code not in modules:
            raise ValidationError(
                {
                    "code": _(
                        "Add a row and a column for %(code)s to the regime's correlation "
                        "matrix first."
                    )
                    % {"code": self.code}
                }
            )


class RiskFactor(models.Model):
    """rate × an exposure, charged to a module (``calculations.regimes.Factor``)."""

    class Exposure(models.TextChoices):
        PREMIUMS = calc.PREMIUMS, _("Premiums billed in the last 12 months")
        CLAIMS_RESERVES = calc.CLAIMS_RESERVES, _("Claims reserves (outstanding + IBNR)")
        UNEARNED_PREMIUMS = calc.UNEARNED_PREMIUMS, _("Unearned premium reserve")
        ASSETS = calc.ASSETS, _("Asset holdings by market value")

    module = models.ForeignKey(
        RiskModule, verbose_name=_("risk module"), on_delete=models.CASCADE, related_name="factors"
    )
    exposure = models.CharField(_("exposure"), max_length=24, choices=Exposure.choices)
    asset_class = models.CharField(
        _("asset class"),
        max_length=24,
        choices=AssetClass.choices,
        blank=True,
        help_text=_("Asset holdings only: this class (empty: every class)."),
    )
    rating = models.CharField(
        _("rating"),
        max_length=8,
        choices=CreditRating.choices,
        blank=True,
        help_text=_("Asset holdings only: this rating (empty: any)."),
    )
    by_duration = models.BooleanField(
        _("weighted by duration"),
        default=False,
        help_text=_("Asset holdings only: market value × duration in years."),
    )
    rate = RateField(_("factor"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["module", "id"]
        verbose_name = _("risk factor")
        verbose_name_plural = _("risk factors")

    def __str__(self) -> str:
        target = " ".join(filter(None, [self.asset_class, self.rating]))
        return f"{self.rate} × {self.get_exposure_display()}{' ' + target if target else ''}"

    def clean(self) -> None:
        super().clean()
        if self.exposure != self.Exposure.ASSETS and (
            self.asset_class or self.rating or self.by_duration
        ):
            raise ValidationError(
                {"exposure": _("Asset class, rating and duration apply to asset holdings only.")}
            )

    def as_factor(self) -> calc.Factor:
        return calc.Factor(
            module=self.module.code,
            exposure=self.exposure,
            rate=self.rate,
            asset_class=self.asset_class,
            rating=self.rating,
            by_duration=self.by_duration,
        )


class LadderRung(Bilingual):
    """A rung of the regime's ladder of intervention: a ratio below ``below`` percent (or
    a rating this bad) → a status, what it requires and by when."""

    class Measure(models.TextChoices):
        COMPREHENSIVE = calc.COMPREHENSIVE, _("Comprehensive ratio")
        CORE = calc.CORE, _("Core ratio")
        MCR = calc.MCR, _("MCR ratio")
        RATING = calc.RATING, _("Integrated risk rating")

    regime = models.ForeignKey(
        Regime, verbose_name=_("regime"), on_delete=models.CASCADE, related_name="rungs"
    )
    severity = models.PositiveSmallIntegerField(
        _("severity"), help_text=_("The reached rung of the highest severity gives the status.")
    )
    measure = models.CharField(_("measure"), max_length=16, choices=Measure.choices)
    below = _percent(_("below (%)"), null=True, blank=True)
    rating_at_or_below = models.CharField(
        _("rating at or below"), max_length=1, choices=Rating.choices, blank=True
    )
    status = models.SlugField(_("status"), max_length=40)
    requires = models.TextField(_("what it requires (Chinese)"), blank=True)
    requires_en = models.TextField(_("what it requires (English)"), blank=True)
    deadline_days = models.PositiveIntegerField(
        _("deadline (days)"),
        null=True,
        blank=True,
        help_text=_("Days from the valuation date to do what it requires."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["regime", "-severity", "id"]
        verbose_name = _("rung of the ladder")
        verbose_name_plural = _("ladder of intervention")

    def clean(self) -> None:
        super().clean()
        if self.measure == self.Measure.RATING:
            if not self.rating_at_or_below or self.below is not None:
                raise ValidationError(
                    {"rating_at_or_below": _("A rating rung names a rating and no percentage.")}
                )
        elif self.below is None or self.rating_at_or_below:
            raise ValidationError({"below": _("A ratio rung names a percentage and no rating.")})

    @property
    def display_requires(self) -> str:
        language = (get_language() or "zh-hans").lower()
        return self.requires_en if language.startswith("en") and self.requires_en else self.requires

    def as_rung(self) -> calc.Rung:
        return calc.Rung(
            severity=self.severity,
            measure=self.measure,
            status=self.status,
            below=self.below,
            rating_at_or_below=self.rating_at_or_below,
            deadline_days=self.deadline_days,
            key=self.pk,
        )
