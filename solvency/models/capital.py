"""What the society's capital is made of, as staff enter it: capital items beyond the
ledger's own (subordinated surplus notes, admitted-asset adjustments), the asset
holdings that feed market and credit risk, and the register of the initial operating
fund's tranches (初始运营资金). The capital the ledger holds (the fund 4001, surplus
4104, the results not yet appropriated) is read from the ledger by
``solvency.services.capital``; these rows add to it.

Finance keeps these rows (docs/solvency.md, "Roles"). An assessment copies the rows it
used into its inputs, so a later correction changes no assessment already made.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mutualsociety.common.money import MoneyField, RateField

from .choices import AssetClass, CreditRating


class Tier(models.TextChoices):
    """C-ROSS: core capital (核心资本) and supplementary capital (附属资本)."""

    CORE = "core", _("Core capital")
    SUPPLEMENTARY = "supplementary", _("Supplementary capital")


class Recorded(models.Model):
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        abstract = True


class CapitalItem(Recorded):
    """A capital item staff enter: counted on every valuation date from ``valid_from``
    to ``valid_until`` (both included), in its tier. Adjustments that reduce capital
    (assets not admitted) are negative."""

    class Kind(models.TextChoices):
        SURPLUS_NOTES = "surplus_notes", _("Subordinated surplus notes")
        ADMITTED_ASSET_ADJUSTMENT = "admitted_asset_adjustment", _("Admitted-asset adjustment")
        OTHER = "other", _("Other capital item")

    kind = models.CharField(pgettext_lazy("solvency", "kind"), max_length=32, choices=Kind.choices)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    description = models.CharField(_("description"), max_length=200)
    amount = MoneyField(
        _("amount"), help_text=_("Negative for an adjustment that reduces capital.")
    )
    valid_from = models.DateField(_("counted from"))
    valid_until = models.DateField(_("counted until"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["-valid_from", "id"]
        verbose_name = _("capital item")
        verbose_name_plural = _("capital items")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="solvency_capital_item_period",
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="solvency_capital_item_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.amount})"

    def clean(self) -> None:
        super().clean()
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end is before the start.")})
        if self.amount == 0:
            raise ValidationError({"amount": _("A capital item of 0.00 counts for nothing.")})
        if self.kind == self.Kind.SURPLUS_NOTES and self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("Surplus notes are a positive amount.")})


class AssetHolding(Recorded):
    """An asset held on ``as_of``, at market value. An assessment reads the holdings of
    the latest ``as_of`` on or before its valuation date (a whole statement at a time)."""

    as_of = models.DateField(_("as of"), db_index=True)
    asset_class = models.CharField(_("asset class"), max_length=24, choices=AssetClass.choices)
    issuer = models.CharField(_("issuer or counterparty"), max_length=200)
    rating = models.CharField(
        _("rating"), max_length=8, choices=CreditRating.choices, default=CreditRating.UNRATED
    )
    market_value = MoneyField(_("market value"), validators=[MinValueValidator(Decimal("0"))])
    duration = models.DecimalField(
        _("duration (years)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("ISIN, account or contract number.")
    )

    class Meta:
        ordering = ["-as_of", "asset_class", "issuer", "id"]
        verbose_name = _("asset holding")
        verbose_name_plural = _("asset holdings")
        constraints = [
            models.CheckConstraint(
                condition=Q(market_value__gte=0), name="solvency_holding_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(duration__isnull=True) | Q(duration__gte=0),
                name="solvency_holding_duration_not_negative",
            ),
        ]
        permissions = [("import_assetholding", _("Can import asset holdings from CSV"))]

    def __str__(self) -> str:
        return f"{self.as_of} {self.issuer} {self.market_value}"


class FundTranche(Recorded):
    """A tranche of the initial operating fund (初始运营资金): who provided it, how much,
    when, as a donation or a loan, on what interest terms, and in which tier it counts.

    Pilot Measures (2015): the fund is provided by the founders and repaid only out of
    surplus while solvency stays adequate. This is the register; repayment comes through
    its own service (a later part of the solvency work). The ledger's 4001 balance is the
    authority for the total; an assessment reconciles the register against it.
    """

    class Kind(models.TextChoices):
        DONATION = "donation", _("Donation")
        LOAN = "loan", _("Loan")

    provider = models.CharField(pgettext_lazy("solvency", "provider"), max_length=200)
    amount = MoneyField(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    received_on = models.DateField(_("received on"))
    kind = models.CharField(pgettext_lazy("solvency", "kind"), max_length=16, choices=Kind.choices)
    interest_rate = RateField(
        _("interest rate (a year)"),
        null=True,
        blank=True,
        help_text=_("Loans: 0.035 is 3.5% a year. Empty for a donation or an interest-free loan."),
    )
    interest_terms = models.TextField(_("interest terms"), blank=True)
    tier = models.CharField(
        _("tier"),
        max_length=16,
        choices=Tier.choices,
        default=Tier.CORE,
        help_text=_(
            "The fund is repaid only out of surplus and after every creditor and member "
            "claim, so it counts as core capital unless its terms say otherwise."
        ),
    )
    reference = models.CharField(_("reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("initial operating fund tranche")
        verbose_name_plural = _("initial operating fund register")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="solvency_tranche_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.provider} {self.amount}"
