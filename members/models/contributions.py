"""What members owe and pay: amounts due, payments, and which payment settled which due."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import JournalEntry
from mutualsociety.common.display import format_amount, format_date, punctuation
from mutualsociety.common.money import MoneyField

from .coverage import Coverage
from .people import Member


class ContributionDue(models.Model):
    """An amount a member owes: a premium for a period, or an apportioned share."""

    class Kind(models.TextChoices):
        PREMIUM = "premium", _("Premium")
        SHARE = "share", _("Apportioned share")

    class Status(models.TextChoices):
        OPEN = "open", _("Due")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues"
    )
    coverage = models.ForeignKey(
        Coverage, verbose_name=_("coverage"), on_delete=models.PROTECT, related_name="dues"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_date = models.DateField(_("due date"), db_index=True)
    grace_ends_on = models.DateField(
        _("grace period ends"),
        help_text=_("Unpaid after this date, the membership is suspended."),
    )
    amount = MoneyField(_("amount"))
    paid_amount = MoneyField(_("paid"), default=Decimal("0.00"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    ledger_entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["member", "due_date", "id"]
        verbose_name = _("contribution due")
        verbose_name_plural = _("contributions due")
        constraints = [
            # Idempotency of billing: one premium per coverage and period.
            models.UniqueConstraint(
                fields=["coverage", "kind", "period_start"], name="due_once_per_period"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="due_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=models.F("amount")),
                name="due_paid_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "status", "due_date"]),
            models.Index(fields=["status", "grace_ends_on"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {format_date(self.period_start)}–"
            f"{format_date(self.period_end)}{punctuation(':')}{format_amount(self.amount)}"
        )

    @property
    def memo_label(self) -> str:
        """The due as the ledger's memos name it: ISO dates and the plain amount, as
        every memo writes them (a memo is a record, not a page)."""
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}: {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount


class Payment(models.Model):
    """Money received from a member, recorded once per idempotency key."""

    class Provider(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        MANUAL = "manual", _("Recorded by staff")
        #: Not money received: a member's share of a surplus distribution credited as an
        #: advance (solvency's distribution run writes these; nobody records one by hand).
        SURPLUS = "surplus", _("Surplus distribution")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = MoneyField(_("amount"))
    received_on = models.DateField(_("received on"))
    provider = models.CharField(_("provider"), max_length=32, choices=Provider.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    allocated_amount = MoneyField(_("allocated"), default=Decimal("0.00"))
    ledger_entry = models.ForeignKey(
        JournalEntry, verbose_name=_("ledger entry"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    #: The providers a person may record a payment with (forms, API).
    RECORDED_PROVIDERS = (Provider.BANK_TRANSFER, Provider.MANUAL)

    #: Not stored: set on the payment ``payment_record`` returns. True when the call was a
    #: replay of the idempotency key and returned the payment an earlier call recorded.
    replayed: bool = False

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated_amount__gte=0) & Q(allocated_amount__lte=models.F("amount")),
                name="payment_allocated_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{format_date(self.received_on)} {format_amount(self.amount)}"
            f"{punctuation('(')}{self.member_id}{punctuation(')')}"
        )

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.allocated_amount


class PaymentAllocation(models.Model):
    """The part of a payment that settled a contribution due (oldest first)."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="allocations"
    )
    due = models.ForeignKey(
        ContributionDue,
        verbose_name=_("contribution due"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    amount = MoneyField(_("amount"))
    created_at = models.DateTimeField(_("allocated at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.due_id}{punctuation(':')}{format_amount(self.amount)}"
