from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ..events import Event
from ..money import CENT, DEFAULT_MAX_SINGLE_AMOUNT, MONEY_EXACT_MAX, MoneyField
from .batches import BatchChunk, BatchRun


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Society(models.Model):
    """The society this installation runs: its identity and a few site-wide policies.

    There is exactly one row (primary key 1), created by a migration; staff edit it in the
    admin.
    """

    class Kind(models.TextChoices):
        MUTUAL_INSURANCE = "mutual_insurance", _("Mutual insurance society")
        MUTUAL_AID = "mutual_aid", _("Mutual aid plan")

    class Scope(models.TextChoices):
        GENERAL = "general", _("General (nationwide)")
        PROFESSIONAL = "professional", _("Professional or regional")

    name = models.CharField(_("name (Chinese)"), max_length=200, default="相互保险社")
    name_en = models.CharField(_("name (English)"), max_length=200, default="Mutual Society")
    kind = models.CharField(
        _("kind"), max_length=32, choices=Kind.choices, default=Kind.MUTUAL_INSURANCE
    )
    scope = models.CharField(
        _("scope"),
        max_length=32,
        choices=Scope.choices,
        default=Scope.GENERAL,
        help_text=_("Pilot Measures 2015: general societies and professional/regional ones."),
    )
    founded_on = models.DateField(
        _("founded on"),
        null=True,
        blank=True,
        help_text=_(
            "Also the earliest date accepted for a payment or a manual ledger entry "
            "(1 January 2000 while it is empty)."
        ),
    )
    registration_number = models.CharField(
        _("unified social credit code"), max_length=18, blank=True
    )
    registered_address = models.CharField(_("registered address"), max_length=300, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    bank_name = models.CharField(
        _("bank"),
        max_length=120,
        blank=True,
        help_text=_("Where members send contributions by bank transfer."),
    )
    bank_account_name = models.CharField(_("bank account name"), max_length=200, blank=True)
    bank_account_number = models.CharField(_("bank account number"), max_length=40, blank=True)
    introduction = models.TextField(
        _("introduction (Chinese)"), blank=True, help_text=_("Shown on the home page.")
    )
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    max_single_amount = MoneyField(
        _("largest single amount"),
        default=DEFAULT_MAX_SINGLE_AMOUNT,
        validators=[MinValueValidator(CENT), MaxValueValidator(MONEY_EXACT_MAX)],
        help_text=_(
            "The largest amount a person may enter at once: a payment received, a line of "
            "a manual ledger entry, a claim and its assessment, a plan's benefit, premium, "
            "cap or approval threshold. Larger amounts are refused as probable typing "
            "errors. Amounts the system computes (an apportionment over all members) are "
            "not limited. Default 1,000,000,000.00: ten times the minimum initial "
            "operating fund of a general society."
        ),
    )
    require_staff_two_factor = models.BooleanField(
        _("staff must use two-factor authentication"),
        default=False,
        help_text=_(
            "When on, staff without a confirmed authenticator are sent to set one up, and "
            "enter its code after their password, before any staff page, the admin or the "
            "API serves them."
        ),
    )

    #: Changed only through ``society_bank_account_propose`` and a second person's
    #: ``society_bank_account_approve`` (maker-checker), by holders of
    #: ``common.change_society_payment_details``.
    PAYMENT_FIELDS = ("bank_name", "bank_account_name", "bank_account_number")
    #: Changed only through ``society_security_change``, by holders of
    #: ``common.change_society_security``.
    SECURITY_FIELDS = ("require_staff_two_factor",)
    #: Internal-control limits on what people enter; changed only through
    #: ``society_limit_change``, by the same owners as the security settings (finance
    #: enters the amounts the limit holds, so finance does not set it).
    LIMIT_FIELDS = ("max_single_amount",)

    class Meta:
        verbose_name = _("society")
        verbose_name_plural = _("society")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="society_single_row"),
            models.CheckConstraint(
                condition=models.Q(max_single_amount__gte=CENT)
                & models.Q(max_single_amount__lte=MONEY_EXACT_MAX),
                name="society_max_single_amount_range",
            ),
        ]
        permissions = [
            (
                "change_society_payment_details",
                _("Can propose and approve the bank account members pay into"),
            ),
            ("change_society_security", _("Can change the society's security settings")),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        language = (get_language() or "zh-hans").lower()
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def display_introduction(self) -> str:
        language = (get_language() or "zh-hans").lower()
        if language.startswith("en") and self.introduction_en:
            return self.introduction_en
        return self.introduction


class BankAccountChange(models.Model):
    """A proposed change of the bank account members are told to pay into (maker-checker).

    Finance proposes it with a reason; a different person holding the same permission
    approves it, and only then does the society's row change (members see the old account
    until that moment), or rejects it. The proposer may withdraw it while it waits. At
    most one change waits at a time; the database refuses a decision by the proposer.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        # Contexts: the same English words name claim decisions and membership states.
        APPROVED = "approved", pgettext_lazy("proposed change", "Approved")
        REJECTED = "rejected", pgettext_lazy("proposed change", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("proposed change", "Withdrawn")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    old_bank_name = models.CharField(_("bank (before)"), max_length=120, blank=True)
    old_bank_account_name = models.CharField(
        _("bank account name (before)"), max_length=200, blank=True
    )
    old_bank_account_number = models.CharField(
        _("bank account number (before)"), max_length=40, blank=True
    )
    bank_name = models.CharField(_("bank"), max_length=120)
    bank_account_name = models.CharField(_("bank account name"), max_length=200)
    bank_account_number = models.CharField(_("bank account number"), max_length=40)
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("bank account change")
        verbose_name_plural = _("bank account changes")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="pending"),
                name="bank_account_change_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending")
                | models.Q(status="withdrawn", decided_by=models.F("proposed_by"))
                | (
                    models.Q(status__in=["approved", "rejected"], decided_by__isnull=False)
                    & ~models.Q(decided_by=models.F("proposed_by"))
                ),
                name="bank_account_change_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.bank_account_number} ({self.get_status_display()})"

    @property
    def old_account(self) -> str:
        return account_text(
            self.old_bank_name, self.old_bank_account_name, self.old_bank_account_number
        )

    @property
    def new_account(self) -> str:
        return account_text(self.bank_name, self.bank_account_name, self.bank_account_number)


def account_text(bank: str, name: str, number: str) -> str:
    """A bank account on one line, as the event log and the admin's history show it."""
    return " / ".join(part for part in (bank, name, number) if part) or "—"


class SocietyEvent(Event):
    """Append-only history of the society's protected settings: who changed what, when,
    from what to what, and why (the bank account's proposals and decisions, the
    security switch). Written by ``common.services.society_event`` only."""

    class Type(models.TextChoices):
        BANK_PROPOSED = "bank_proposed", _("Bank account change proposed")
        BANK_APPROVED = "bank_approved", _("Bank account change approved")
        BANK_REJECTED = "bank_rejected", _("Bank account change rejected")
        BANK_WITHDRAWN = "bank_withdrawn", _("Bank account change withdrawn")
        SECURITY = "security", _("Security setting changed")
        LIMIT = "limit", _("Limit changed")

    society = models.ForeignKey(
        Society,
        verbose_name=_("society"),
        on_delete=models.PROTECT,
        default=1,
        related_name="events",
    )
    type = Event.type_field(Type)
    field = models.CharField(_("setting"), max_length=64)
    # A bank account on one line (bank, name, number) is longer than the base's values.
    old_value = models.CharField(_("from"), max_length=400, blank=True)
    new_value = models.CharField(_("to"), max_length=400, blank=True)
    change = models.ForeignKey(
        BankAccountChange,
        verbose_name=_("bank account change"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )

    subject_field = "society"

    class Meta(Event.Meta):
        verbose_name = _("society event")
        verbose_name_plural = _("society events")
        indexes = [models.Index(fields=["society", "at"])]


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the periodic heartbeat (one row per worker host).

    /healthz reads it to say whether periodic jobs are really running.
    """

    hostname = models.CharField(_("worker"), max_length=200, unique=True)
    beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class Sequence(models.Model):
    """A named counter for human-readable numbers (member numbers, claim numbers).

    ``common.services.sequence_next`` locks the row, so numbers are unique and gapless
    per committed transaction on every database.
    """

    name = models.CharField(_("name"), max_length=64, unique=True)
    value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class OutboxTask(models.Model):
    """Work handed to Celery, recorded in the same transaction as the change that caused it
    (a transactional outbox).

    ``common.services.outbox_enqueue`` writes the row; after the commit the row is handed
    to the broker at once, or, while the broker is unreachable, by the relay (a minutely
    job, a worker starting up, ``manage.py relay_outbox``). Each row is handed over once:
    the publisher holds the row's lock and marks it sent in the same transaction, and the
    Celery task id is the row's (``outbox-<id>``). ``key`` names the work ("the welcome
    of member 12"), so asking for the same work again adds nothing.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the broker")
        SENT = "sent", _("Handed to the broker")

    task = models.CharField(_("task"), max_length=200, help_text=_("The Celery task's name."))
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    key = models.CharField(
        _("key"),
        max_length=200,
        unique=True,
        help_text=_("Names the work; the same work is recorded once."),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(
        _("attempts"), default=0, help_text=_("Times it was offered to the broker.")
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox task")
        verbose_name_plural = _("outbox tasks")
        ordering = ("-pk",)
        indexes = [
            # The relay reads the pending rows oldest first; sent rows are the bulk.
            models.Index(
                fields=["id"],
                condition=models.Q(state="pending"),
                name="common_outbox_pending_idx",
            ),
            models.Index(fields=["sent_at"], name="common_outbox_sent_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task} ({self.key})"

    @property
    def celery_task_id(self) -> str:
        """The Celery task id this row is published under (the same on every attempt)."""
        return f"outbox-{self.pk}"


__all__ = [
    "BankAccountChange",
    "BatchChunk",
    "BatchRun",
    "OutboxTask",
    "Sequence",
    "Society",
    "SocietyEvent",
    "TimeStampedModel",
    "WorkerHeartbeat",
]
