"""Plans (products) and their versioned terms: age bands, the health declaration.

``Plan`` / ``PlanVersion``: a product and its terms. Terms change only by publishing a new
version (``transitions.PLAN_VERSION``); every coverage keeps the version it was written on.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.money import MoneyField, RateField


def localized(zh: str, en: str) -> str:
    """The English text when the active language is English and there is one, else the
    Chinese."""
    language = (get_language() or "zh-hans").lower()
    return en if language.startswith("en") and en else zh


class Plan(models.Model):
    class Kind(models.TextChoices):
        PREMIUM = "premium", _("Premium-funded mutual insurance")
        MUTUAL_AID = "mutual_aid", _("Post-funded mutual aid plan")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    summary = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    is_open = models.BooleanField(
        _("open for enrolment"), default=True, help_text=_("Closed plans take no new members.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)

    @property
    def display_summary(self) -> str:
        return localized(self.summary, self.summary_en)

    @property
    def is_mutual_aid(self) -> bool:
        return self.kind == self.Kind.MUTUAL_AID


class PlanVersion(models.Model):
    """The terms of a plan from a date on. Published versions never change.

    Defaults are public facts (docs/defaults.md): a 90-day waiting period with accidents
    exempt (Xiang Hu Bao practice), a 60-day premium grace period (PRC Insurance Law
    art. 36), lapse two years after suspension (art. 37), an 8% management fee and a
    188 CNY annual cap per member for mutual aid plans, shares on the 14th and 28th.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    effective_from = models.DateField(
        _("effective from"), help_text=_("New coverages from this date on use this version.")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    min_entry_age = models.PositiveSmallIntegerField(_("minimum entry age"), default=0)
    max_entry_age = models.PositiveSmallIntegerField(_("maximum entry age"), default=65)
    waiting_period_days = models.PositiveSmallIntegerField(
        _("waiting period (days)"),
        default=90,
        help_text=_("Days after the start before illness is covered (observation period)."),
    )
    accidents_exempt_from_waiting = models.BooleanField(
        _("accidents covered from day one"), default=True
    )
    policy_term_months = models.PositiveSmallIntegerField(
        _("policy term (months)"), default=12, help_text=_("Premium plans: renewed at the end.")
    )
    auto_renew = models.BooleanField(_("renews automatically"), default=True)
    grace_period_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=60,
        help_text=_("Days after a premium falls due before the membership is suspended."),
    )
    lapse_after_days = models.PositiveSmallIntegerField(
        _("lapse after suspension (days)"),
        default=730,
        help_text=_("A suspended membership not reinstated within this many days lapses."),
    )
    withdrawal_notice_days = models.PositiveSmallIntegerField(
        _("withdrawal notice (days)"),
        default=0,
        help_text=_(
            "A withdrawal takes effect this many days after it is asked for, and never "
            "before the end of the period already paid for."
        ),
    )
    management_fee_rate = RateField(
        _("management fee rate"),
        default=Decimal("0.080000"),
        help_text=_("Mutual aid plans: the fee on the benefits shared in a period (0.08 = 8%)."),
    )
    annual_cap = MoneyField(
        _("annual cap per member"),
        default=Decimal("188.00"),
        null=True,
        blank=True,
        help_text=_("Mutual aid plans: the most a member shares in a calendar year."),
    )
    apportionment_days = models.CharField(
        _("apportionment days"),
        max_length=32,
        default="14,28",
        help_text=_("Mutual aid plans: days of the month on which shares are computed."),
    )
    claim_reporting_deadline_days = models.PositiveSmallIntegerField(
        _("claim reporting deadline (days)"), default=180
    )
    claim_approval_threshold = MoneyField(
        _("claim approval threshold"),
        default=Decimal("50000.00"),
        help_text=_("Claims approved above this amount need a second approver (four eyes)."),
    )
    claim_appeal_days = models.PositiveSmallIntegerField(
        _("appeal window (days)"),
        default=30,
        help_text=_("Days after a rejection during which the member may appeal."),
    )
    public_notice_days = models.PositiveSmallIntegerField(
        _("public notice (days)"),
        default=3,
        help_text=_("Days an approved claim stays on public notice, open to objections."),
    )
    public_notice_for_insurance = models.BooleanField(
        _("public notice for this insurance plan"),
        default=False,
        help_text=_("Mutual aid plans always put approved claims on notice; premium plans may."),
    )
    objection_threshold = models.PositiveSmallIntegerField(
        _("objections that call a review panel"), default=3
    )
    panel_size = models.PositiveSmallIntegerField(_("review panel size"), default=11)
    panel_quorum = models.PositiveSmallIntegerField(
        _("review panel quorum (votes cast)"), default=7
    )
    panel_vote_days = models.PositiveSmallIntegerField(_("review panel voting (days)"), default=7)
    panel_min_tenure_days = models.PositiveSmallIntegerField(
        _("minimum membership for the panel (days)"), default=180
    )
    benefit_schedule = models.TextField(_("benefit schedule (Chinese)"), blank=True)
    benefit_schedule_en = models.TextField(_("benefit schedule (English)"), blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.CheckConstraint(
                condition=Q(min_entry_age__lte=models.F("max_entry_age")),
                name="plan_version_entry_ages_ordered",
                violation_error_message=_("The lowest entry age must not be above the highest."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def display_benefit_schedule(self) -> str:
        return localized(self.benefit_schedule, self.benefit_schedule_en)


class AgeBand(models.Model):
    """Benefit and premiums for members whose age at the start falls in [min_age, max_age]."""

    plan_version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("plan version"),
        on_delete=models.CASCADE,
        related_name="age_bands",
    )
    min_age = models.PositiveSmallIntegerField(_("from age"))
    max_age = models.PositiveSmallIntegerField(_("to age"))
    sum_assured = MoneyField(_("benefit (sum assured)"))
    premium_monthly = MoneyField(_("monthly premium"), null=True, blank=True)
    premium_quarterly = MoneyField(_("quarterly premium"), null=True, blank=True)
    premium_annual = MoneyField(_("annual premium"), null=True, blank=True)

    class Meta:
        ordering = ["plan_version", "min_age"]
        verbose_name = _("age band")
        verbose_name_plural = _("age bands")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__lte=models.F("max_age")),
                name="age_band_ordered",
                violation_error_message=_(
                    "An age band's lowest age must not be above its highest."
                ),
            ),
            models.CheckConstraint(
                condition=Q(sum_assured__gt=0),
                name="age_band_benefit_positive",
                violation_error_message=_("An age band's benefit must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.min_age}–{self.max_age}"

    def premium_for(self, frequency: str) -> Decimal | None:
        return {
            "monthly": self.premium_monthly,
            "quarterly": self.premium_quarterly,
            "annual": self.premium_annual,
        }.get(frequency)


class HealthQuestion(models.Model):
    """A yes/no question of the health declaration and what a "yes" means."""

    class Outcome(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        REFER = "refer", _("Refer to an underwriter")
        DECLINE = "decline", _("Decline")

    plan_version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("plan version"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question (Chinese)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    yes_outcome = models.CharField(
        _("if answered yes"), max_length=16, choices=Outcome.choices, default=Outcome.REFER
    )

    class Meta:
        ordering = ["plan_version", "order", "id"]
        verbose_name = _("health question")
        verbose_name_plural = _("health declaration")

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        return localized(self.text, self.text_en)
