"""Distributing surplus to the members (盈余分配; docs/solvency.md, "Distributing surplus").

A ``SurplusDistribution`` is the rule as data (the basis, the year, the eligibility date,
the weights, the minimum amount) with its life: the actuary computes the distributable
surplus and its workings, the board proposes the rule with an amount, the assembly adopts
it as a special motion, finance runs it (set-based, split by member id into chunks run
on the workers: a ``MemberSurplusShare`` per member and a contribution credit each; the
figures fixed at the start in ``SurplusBasis``), and it is published. Rows are written only by
``solvency.services.distribution``; shares are never changed or deleted.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mutualsociety.common.events import Event
from mutualsociety.common.exceptions import ImmutableRecord
from mutualsociety.common.money import MoneyField, RateField, SumField

from .assessments import SolvencyAssessment


class SurplusDistribution(models.Model):
    """One distribution of surplus: the rule, the figures it was computed with, and who
    took each step (see the module's docstring)."""

    class Basis(models.TextChoices):
        CONTRIBUTIONS = "contributions", _("Contributions paid in the year")
        MEMBERSHIP = "membership", _("Years of membership")
        MIX = "mix", _("Both, weighted")

    class Status(models.TextChoices):
        COMPUTED = "computed", _("Computed by the actuary")
        PROPOSED = "proposed", _("Proposed by the board")
        ADOPTED = "adopted", _("Adopted by the assembly")
        RUNNING = "running", _("Being credited to the members")
        RUN = "run", _("Credited to the members")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The rule
    year = models.PositiveSmallIntegerField(
        _("financial year"),
        validators=[MinValueValidator(2000), MaxValueValidator(2999)],
        help_text=_("The year whose surplus is distributed and whose contributions count."),
    )
    as_of = models.DateField(
        _("as of"),
        help_text=_(
            "The date the distributable surplus is computed at; members whose cover is in "
            "force on it share, and their years of membership are counted to it."
        ),
    )
    basis = models.CharField(
        pgettext_lazy("surplus", "basis"), max_length=16, choices=Basis.choices
    )
    contributions_weight = RateField(
        _("weight of contributions"),
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_(
            "Of the amount, the part shared by contributions paid (0.700000 is 70%); the "
            "rest is shared by years of membership. 1 for the contributions basis, 0 for "
            "the membership basis."
        ),
    )
    minimum_amount = MoneyField(
        _("minimum amount"),
        default=Decimal("0.01"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("A member whose share would be below this receives none."),
    )
    reserve_outstanding_fund = models.BooleanField(
        _("set aside the fund still owed"),
        default=True,
        help_text=_(
            "Keep out of the distributable surplus the loans of the initial operating fund "
            "not yet repaid (they are repaid out of surplus first)."
        ),
    )
    # The figures
    distributable = SumField(_("distributable surplus"))
    amount = MoneyField(_("amount to distribute"), validators=[MinValueValidator(Decimal("0.01"))])
    workings = models.JSONField(
        _("workings"), default=dict, help_text=_("Every figure the amount was checked with.")
    )
    assessment = models.ForeignKey(
        SolvencyAssessment,
        verbose_name=_("assessment checked"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The latest approved assessment, recomputed with the distribution."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.COMPUTED
    )
    resolution = models.ForeignKey(
        "governance.Motion",
        verbose_name=_("adopting resolution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The run
    members_count = models.PositiveIntegerField(_("members credited"), null=True, blank=True)
    shares_total = SumField(_("total credited"), null=True, blank=True)
    ledger_entry = models.ForeignKey(
        "ledger.JournalEntry",
        verbose_name=_("journal entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Who and when
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    run_at = models.DateTimeField(_("run at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("surplus distribution")
        verbose_name_plural = _("surplus distributions")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=models.F("distributable")),
                name="solvency_distribution_amount_within",
            ),
            models.CheckConstraint(
                condition=Q(contributions_weight__gte=0) & Q(contributions_weight__lte=1),
                name="solvency_distribution_weight_range",
            ),
            # A year's surplus is credited once (a run in progress counts).
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status__in=["running", "run", "published"]),
                name="solvency_distribution_run_once_a_year",
            ),
        ]
        permissions = [
            ("propose_surplusdistribution", _("Can propose a surplus distribution (the board)")),
            ("run_surplusdistribution", _("Can run an adopted surplus distribution")),
        ]

    def __str__(self) -> str:
        return f"{self.year} #{self.pk} {self.amount}"

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(_("A surplus distribution cannot be deleted; withdraw it."))


class MemberSurplusShare(models.Model):
    """A member's share of a distribution: the figures of the basis and the amount, as
    the run computed them (one ``INSERT ... SELECT``)."""

    distribution = models.ForeignKey(
        SurplusDistribution,
        verbose_name=_("surplus distribution"),
        on_delete=models.PROTECT,
        related_name="shares",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=True,
    )
    contributions = MoneyField(_("contributions paid in the year"))
    membership_days = models.PositiveIntegerField(_("days of membership"))
    weight = models.DecimalField(
        _("weight"),
        max_digits=24,
        decimal_places=18,
        help_text=_("The member's part of the amount before rounding to the cent."),
    )
    amount = MoneyField(_("amount"))

    class Meta:
        ordering = ["distribution", "member"]
        verbose_name = _("member's surplus share")
        verbose_name_plural = _("members' surplus shares")
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "member"], name="solvency_surplus_share_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="solvency_surplus_share_pos"),
        ]
        indexes = [models.Index(fields=["member", "distribution"], name="solvency_share_member")]

    def __str__(self) -> str:
        return f"{self.distribution_id} {self.member_id} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(_("A member's surplus share cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(_("A member's surplus share cannot be deleted."))


class SurplusBasis(models.Model):
    """The figures a member shares by, fixed when a run starts (``distribution_run``):
    the chunks of the run, in their own transactions and on any worker, compute the
    shares from these rows, not from dues and coverages that may have changed since, so
    the cents come out as in one transaction. Written in one ``INSERT ... SELECT`` when
    the run starts and deleted when it completes (the shares keep the same figures)."""

    distribution = models.ForeignKey(
        SurplusDistribution,
        verbose_name=_("surplus distribution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the unique (distribution, member) index serves the chunks
    )
    contrib_cents = models.BigIntegerField(_("contributions paid in the year (cents)"))
    days = models.BigIntegerField(_("days of membership"))

    class Meta:
        verbose_name = _("surplus basis of a member")
        verbose_name_plural = _("surplus bases of members")
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "member"], name="solvency_surplus_basis_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.distribution_id} {self.member_id}"


class DistributionEvent(Event):
    """Computed, proposed, adopted, run, published, withdrawn: who, when, why."""

    class Type(models.TextChoices):
        COMPUTED = "computed", _("Computed")
        PROPOSED = "proposed", _("Proposed")
        ADOPTED = "adopted", _("Adopted")
        STARTED = "started", pgettext_lazy("surplus", "Run started")
        RUN = "run", pgettext_lazy("surplus", "Run")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    distribution = models.ForeignKey(
        SurplusDistribution,
        verbose_name=_("surplus distribution"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    type = Event.type_field(Type)

    subject_field = "distribution"

    class Meta(Event.Meta):
        verbose_name = _("surplus distribution event")
        verbose_name_plural = _("surplus distribution events")
        indexes = [models.Index(fields=["distribution", "at"], name="solvency_event_dist_at")]
