"""The double-entry journal: every movement of money, immutable.

A ``JournalEntry`` holds two or more ``Posting`` rows whose signed amounts add up to zero
(debits positive, credits negative). Entries are never updated or deleted; a mistake is
corrected by a reversal, a new entry that mirrors the old one. On PostgreSQL the database
itself refuses an UPDATE or DELETE of either table and checks, at commit, that every
entry balances (migration 0003); on every database the models refuse it too.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.display import format_amount, format_date
from mutualsociety.common.exceptions import ImmutableRecord
from mutualsociety.common.money import MoneyField, SumField


class AccountType(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    EQUITY = "equity", _("Equity")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


#: Account types whose balance is normally a debit (shown positive when debits exceed).
DEBIT_NORMAL = frozenset({AccountType.ASSET, AccountType.EXPENSE})


class Account(models.Model):
    """An account of the chart of accounts (seeded by migration 0002)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    type = models.CharField(_("type"), max_length=16, choices=AccountType.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive accounts take no new postings.")
    )
    manual_postings_allowed = models.BooleanField(
        _("manual entries allowed"),
        default=True,
        help_text=_(
            "A control account whose balance is kept by another part of the system (its "
            "balance must equal the sum of that part's records) takes no manual entries."
        ),
    )
    manual_debits_allowed = models.BooleanField(
        _("manual debits allowed"),
        default=True,
        help_text=_(
            "An account that only one part of the system may reduce (the initial operating "
            "fund, repaid only through its repayment rules) takes manual credits but no "
            "manual debits."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("account")
        verbose_name_plural = _("chart of accounts")

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        language = (get_language() or "zh-hans").lower()
        return self.name_en if language.startswith("en") else self.name

    @property
    def is_debit_normal(self) -> bool:
        return self.type in DEBIT_NORMAL


class JournalEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecord("Journal entries cannot be updated; post a reversal.")

    def delete(self):
        raise ImmutableRecord("Journal entries cannot be deleted; post a reversal.")


class JournalEntry(models.Model):
    """A balanced set of postings, dated, with a unique idempotency key."""

    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        help_text=_("Posting again with the same key returns this entry instead of a copy."),
    )
    date = models.DateField(_("date"), db_index=True)
    memo = models.CharField(_("memo"), max_length=500)
    currency = models.CharField(_("currency"), max_length=3, default="CNY", editable=False)
    source_type = models.CharField(
        _("source"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("What caused the entry, e.g. members.payment or claims.payment."),
    )
    source_id = models.CharField(_("source reference"), max_length=64, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = JournalEntryQuerySet.as_manager()

    #: Not stored: set on the entry a service returns. True when the call was a replay (the
    #: idempotency key, or the reversal, had been posted before) and returned the entry an
    #: earlier call made; so a face answers 200 to a replay and 201 to the call that posted.
    replayed: bool = False

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [models.Index(fields=["source_type", "source_id"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(idempotency_key=""), name="entry_key_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {format_date(self.date)} {self.memo}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableRecord("Journal entries cannot be updated; post a reversal.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("Journal entries cannot be deleted; post a reversal.")


class PostingQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecord("Postings cannot be updated; post a reversal.")

    def delete(self):
        raise ImmutableRecord("Postings cannot be deleted; post a reversal.")


class Posting(models.Model):
    """One line of an entry: a signed amount on one account (debit > 0, credit < 0).

    ``date`` repeats the entry's date so that balances at a date read one table through
    the (account, date) index; both are written once, together.
    """

    entry = models.ForeignKey(
        JournalEntry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="postings"
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="postings"
    )
    amount = MoneyField(_("amount"), help_text=_("Debit positive, credit negative."))
    date = models.DateField(_("date"))

    objects = PostingQuerySet.as_manager()

    class Meta:
        ordering = ["entry_id", "id"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        # The amount rides in the (account, date) index (PostgreSQL; elsewhere a plain
        # index) so that sums over an account's dates are index-only scans.
        indexes = [
            models.Index(
                fields=["account", "date"], include=["amount"], name="posting_acct_date_amount_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount=Decimal("0")), name="posting_amount_not_zero"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.code} {format_amount(self.amount)}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableRecord("Postings cannot be updated; post a reversal.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord("Postings cannot be deleted; post a reversal.")

    @property
    def debit(self) -> Decimal | None:
        return self.amount if self.amount > 0 else None

    @property
    def credit(self) -> Decimal | None:
        return -self.amount if self.amount < 0 else None


class IntegrityCheck(models.Model):
    """The result of one day's ledger integrity check (one row per day, never rewritten).

    The totals are sums over every posting, so they are ``SumField``s: they hold any sum
    the ledger can hold. A check that could not be computed is kept as failed, with the
    counts and totals it could not get left empty and the reason in ``reason``.
    """

    checked_on = models.DateField(_("checked on"), unique=True)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    entries = models.PositiveBigIntegerField(_("entries"), null=True, blank=True)
    postings = models.PositiveBigIntegerField(_("postings"), null=True, blank=True)
    total_debits = SumField(_("total debits"), null=True, blank=True)
    total_credits = SumField(_("total credits"), null=True, blank=True)
    unbalanced_entries = models.PositiveBigIntegerField(
        _("unbalanced entries"), null=True, blank=True
    )
    ok = models.BooleanField(_("passed"))
    reason = models.TextField(
        _("why it failed"),
        blank=True,
        help_text=_("Empty when the check passed."),
    )

    class Meta:
        ordering = ["-checked_on"]
        verbose_name = _("integrity check")
        verbose_name_plural = _("integrity checks")

    def __str__(self) -> str:
        return (
            f"{format_date(self.checked_on)} {gettext('passed') if self.ok else gettext('failed')}"
        )
