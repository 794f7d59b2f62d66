"""A claim and what hangs on it directly: its documents, case-reserve history and payments.

- ``Claim``: one event claimed on one coverage, from intake to payment; its status
  changes only through ``claims.services`` (tables in ``claims.transitions``).
- ``ClaimDocument``: a supporting file kept under the private root
  (``settings.CLAIM_DOCUMENTS_ROOT``), never under MEDIA_URL.
- ``ClaimReserve`` / ``ClaimPayment``: dated case-reserve estimates and payments, the raw
  material of development triangles.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ledger.models import JournalEntry
from members.models import Coverage, Member, Plan
from mutualsociety.common.display import format_amount, format_date
from mutualsociety.common.money import MoneyField


class Claim(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        INFO_REQUESTED = "info_requested", _("Information requested")
        ASSESSED = "assessed", _("Assessed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        APPEALED = "appealed", _("Appealed")
        PAID = "paid", pgettext_lazy("claim", "Paid")
        WITHDRAWN = "withdrawn", pgettext_lazy("claim", "Withdrawn")

    class Kind(models.TextChoices):
        ILLNESS = "illness", _("Illness")
        ACCIDENT = "accident", _("Accident")

    class Notice(models.TextChoices):
        NONE = "none", _("Not on public notice")
        ON_NOTICE = "on_notice", _("On public notice")
        UNDER_REVIEW = "panel", _("Before a review panel")
        CLEARED = "cleared", _("Cleared")
        OVERTURNED = "overturned", _("Overturned by the review panel")

    number = models.CharField(_("claim number"), max_length=20, unique=True)
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="claims"
    )
    coverage = models.ForeignKey(
        Coverage, verbose_name=_("coverage"), on_delete=models.PROTECT, related_name="claims"
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="claims"
    )
    kind = models.CharField(_("kind of event"), max_length=16, choices=Kind.choices)
    event_date = models.DateField(_("event date"), help_text=_("Date of diagnosis or accident."))
    description = models.TextField(_("description"))
    amount_claimed = MoneyField(_("amount claimed"))
    bank_account_name = models.CharField(_("account holder"), max_length=100)
    bank_account_number = models.CharField(_("bank account number"), max_length=34)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    checks = models.JSONField(
        _("automatic checks"), default=dict, help_text=_("Computed at intake.")
    )
    # De-identified facts for the public notice, fixed at intake.
    age_band = models.CharField(_("age band"), max_length=16)
    region = models.CharField(_("region"), max_length=2)
    benefit = MoneyField(_("benefit for the age band"))
    assessed_amount = MoneyField(_("assessed amount"), null=True, blank=True)
    assessment_reasons = models.TextField(_("assessment reasons"), blank=True)
    investigation_summary = models.TextField(
        _("investigation summary"),
        blank=True,
        help_text=_("Published on the public notice: no names, numbers or exact dates."),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first approval by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reasons = models.TextField(_("reasons for rejection"), blank=True)
    appeal_until = models.DateField(_("appeal possible until"), null=True, blank=True)
    notice_status = models.CharField(
        _("public notice"), max_length=16, choices=Notice.choices, default=Notice.NONE
    )
    notice_from = models.DateField(_("on notice from"), null=True, blank=True)
    notice_until = models.DateField(_("on notice until"), null=True, blank=True)
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True, db_index=True)
    apportionment_period = models.ForeignKey(
        "ApportionmentPeriod",
        verbose_name=_("shared in period"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    paid_amount = MoneyField(_("paid"), default=Decimal("0.00"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    days_to_payment = models.PositiveIntegerField(_("days from submission to payment"), null=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            ("assess_claim", _("Can assess claims")),
            ("decide_claim", _("Can approve or reject claims")),
            ("pay_claim", _("Can pay claims")),
            ("run_apportionment", _("Can run apportionments")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_claimed__gt=0), name="claim_amount_positive"),
            models.CheckConstraint(
                condition=Q(assessed_amount__isnull=True) | Q(assessed_amount__gte=0),
                name="claim_assessed_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "status"]),
            models.Index(fields=["plan", "notice_status", "cleared_on"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def approved_amount(self) -> Decimal | None:
        return self.assessed_amount

    @property
    def days_open(self) -> int:
        end = self.paid_at or (
            self.status_changed_at
            if self.status in (self.Status.WITHDRAWN, self.Status.REJECTED)
            else None
        )
        return ((end or timezone.now()) - self.submitted_at).days


class ClaimDocument(models.Model):
    """A supporting document; the file lives under the private root, at ``path``."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="documents"
    )
    path = models.CharField(_("stored as"), max_length=200, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["claim", "uploaded_at", "id"]
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")

    def __str__(self) -> str:
        return self.original_name


class ClaimReserve(models.Model):
    """One dated case-reserve estimate: every change of the estimate is a new row."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="reserves"
    )
    as_of = models.DateField(_("as of"))
    amount = MoneyField(_("case reserve"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["claim", "recorded_at", "id"]
        verbose_name = _("case reserve")
        verbose_name_plural = _("case reserve history")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="reserve_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{format_date(self.as_of)} {format_amount(self.amount)}"


class ClaimPayment(models.Model):
    """A payment of a claim, posted to the ledger once (unique idempotency key)."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = MoneyField(_("amount"))
    paid_on = models.DateField(_("paid on"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    ledger_entry = models.ForeignKey(
        JournalEntry, verbose_name=_("ledger entry"), on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["claim", "paid_on", "id"]
        verbose_name = _("claim payment")
        verbose_name_plural = _("claim payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{format_date(self.paid_on)} {format_amount(self.amount)}"
