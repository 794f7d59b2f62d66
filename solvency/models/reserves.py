"""Reserve runs: the society's reserves at a valuation date — unearned premiums (UPR),
outstanding claims (case reserves) and IBNR projected from the claims' development
triangles — computed by ``solvency.services.reserves`` and approved by a second person,
whose approval posts the movements to the ledger.

- ``ReservingBasis``: the parameters of the monthly run (method, grain, a-priori loss
  ratio, tail), data staff edit (docs/defaults.md);
- ``ReserveRun``: one version of the reserves of a valuation date, with the triangles,
  the development factors and the totals it was computed from; immutable once stored
  (only its state and approval change);
- ``ReserveRunOrigin``: the result per origin period (latest, ultimate, IBNR, std err);
- ``ReserveRunEvent``: computed, approved, rejected, superseded.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import JournalEntry
from mutualsociety.common.events import Event
from mutualsociety.common.exceptions import ImmutableRecord
from mutualsociety.common.money import MoneyField, RateField, SumField


class ReservingMethod(models.TextChoices):
    CHAINLADDER = "chainladder", _("Chain ladder")
    MACK = "mack", _("Mack chain ladder")
    BF = "bf", _("Bornhuetter-Ferguson")


class Grain(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class ReservingBasis(models.Model):
    """The basis of the monthly reserve run (one row; the actuary edits it)."""

    method = models.CharField(
        _("method"), max_length=16, choices=ReservingMethod.choices, default=ReservingMethod.MACK
    )
    grain = models.CharField(
        _("grain of the triangles"), max_length=8, choices=Grain.choices, default=Grain.QUARTER
    )
    apriori = RateField(
        _("a-priori loss ratio"),
        null=True,
        blank=True,
        help_text=_("Bornhuetter-Ferguson only: the expected claims / premiums (0.700000)."),
    )
    tail = RateField(
        _("tail factor"),
        null=True,
        blank=True,
        help_text=_("A constant factor after the last lag (1.050000); empty for none."),
    )

    class Meta:
        verbose_name = _("reserving basis")
        verbose_name_plural = _("reserving basis")
        constraints = [
            models.CheckConstraint(
                condition=Q(tail__isnull=True) | Q(tail__gte=1), name="reserving_basis_tail"
            ),
            models.CheckConstraint(
                condition=Q(apriori__isnull=True) | Q(apriori__gt=0),
                name="reserving_basis_apriori",
            ),
            # The monthly run could not project BF without its expected loss ratio.
            models.CheckConstraint(
                condition=~Q(method="bf") | Q(apriori__isnull=False),
                name="reserving_basis_bf_needs_apriori",
                violation_error_code="bf_needs_apriori",
                violation_error_message=_(
                    "Bornhuetter-Ferguson needs an a-priori loss ratio above 0."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} / {self.get_grain_display()}"


class ReserveRun(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft, waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Superseded")

    valuation_date = models.DateField(_("valuation date"))
    version = models.PositiveIntegerField(_("version"), default=1)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    method = models.CharField(_("method"), max_length=16, choices=ReservingMethod.choices)
    grain = models.CharField(_("grain of the triangles"), max_length=8, choices=Grain.choices)
    parameters = models.JSONField(_("parameters"), default=dict)
    triangles = models.JSONField(
        _("triangles used"), default=dict, help_text=_("Paid and incurred, cumulative.")
    )
    factors = models.JSONField(_("development factors"), default=list)
    upr = SumField(_("unearned premium reserve"))
    outstanding = SumField(_("outstanding claims reserve"))
    ibnr = SumField(_("IBNR"))
    latest_total = SumField(_("incurred to date"))
    ultimate_total = SumField(_("ultimate"))
    std_err_total = SumField(_("standard error"), null=True, blank=True)
    inputs_digest = models.CharField(_("digest of the inputs"), max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the monthly run."),
    )
    created_at = models.DateTimeField(_("run at"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    ledger_entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("rejected or superseded at"), null=True, blank=True)

    class Meta:
        ordering = ["-valuation_date", "-version"]
        get_latest_by = ["valuation_date", "version"]
        verbose_name = _("reserve run")
        verbose_name_plural = _("reserve runs")
        permissions = [
            ("run_reserverun", _("Can run reserves")),
            ("approve_reserverun", _("Can approve reserve runs")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["valuation_date", "version"], name="solvency_reserve_run_version"
            ),
            models.UniqueConstraint(
                fields=["valuation_date"],
                condition=Q(state="approved"),
                name="solvency_reserve_run_one_approved",
            ),
            models.UniqueConstraint(
                fields=["valuation_date"],
                condition=Q(state="draft"),
                name="solvency_reserve_run_one_draft",
            ),
            # Four eyes, held by the database: an approved run has an approver who is
            # not the person who ran it.
            models.CheckConstraint(
                condition=~Q(state="approved")
                | Q(approved_by__isnull=False, approved_at__isnull=False)
                & (Q(created_by__isnull=True) | ~Q(approved_by=models.F("created_by"))),
                name="solvency_reserve_run_four_eyes",
            ),
        ]
        indexes = [models.Index(fields=["state", "valuation_date"])]

    #: What a service may still change on a stored run: its state and approval.
    MUTABLE_FIELDS = frozenset({"state", "approved_by", "approved_at", "ledger_entry", "closed_at"})

    def __str__(self) -> str:
        return f"{self.valuation_date} v{self.version}"

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if not self._state.adding and (fields is None or set(fields) - self.MUTABLE_FIELDS):
            raise ImmutableRecord(_("A reserve run cannot be changed; run a new version."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(_("A reserve run cannot be deleted."))

    @property
    def total(self) -> Decimal:
        return self.upr + self.outstanding + self.ibnr


class ReserveRunOrigin(models.Model):
    """The projection of one origin period of a run."""

    run = models.ForeignKey(
        ReserveRun, verbose_name=_("reserve run"), on_delete=models.CASCADE, related_name="origins"
    )
    origin = models.CharField(_("origin"), max_length=20)
    latest = MoneyField(_("incurred to date"))
    ultimate = MoneyField(_("ultimate"))
    ibnr = MoneyField(_("IBNR"))
    std_err = MoneyField(_("standard error"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["run", "order"]
        verbose_name = _("result by origin")
        verbose_name_plural = _("results by origin")
        constraints = [
            models.UniqueConstraint(fields=["run", "origin"], name="solvency_reserve_origin_once")
        ]

    def __str__(self) -> str:
        return self.origin


class ReserveRunEvent(Event):
    """Computed, approved, rejected, superseded: who, when and why."""

    class Type(models.TextChoices):
        COMPUTED = "computed", _("Computed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Superseded")

    run = models.ForeignKey(
        ReserveRun, verbose_name=_("reserve run"), on_delete=models.PROTECT, related_name="events"
    )
    type = Event.type_field(Type)

    subject_field = "run"

    class Meta(Event.Meta):
        verbose_name = _("reserve run event")
        verbose_name_plural = _("reserve run events")
        indexes = [models.Index(fields=["run", "at"], name="solvency_event_run_at")]
