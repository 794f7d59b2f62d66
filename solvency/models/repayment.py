"""Repayments of the initial operating fund (初始运营资金): one row for each repayment of
a tranche, written only by ``solvency.services.repayment.fund_repay`` with the journal
entry it posted (Dr 4001, Cr 1002) and the adopted resolution that approved it. A
repayment is never changed or deleted: a mistake is corrected by a new entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.exceptions import ImmutableRecord
from mutualsociety.common.money import MoneyField

from .assessments import SolvencyAssessment
from .capital import FundTranche


class FundRepayment(models.Model):
    tranche = models.ForeignKey(
        FundTranche,
        verbose_name=_("tranche"),
        on_delete=models.PROTECT,
        related_name="repayments",
    )
    amount = MoneyField(_("amount repaid"))
    repaid_on = models.DateField(_("repaid on"))
    motion = models.ForeignKey(
        "governance.Motion",
        verbose_name=_("approving resolution"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessment = models.ForeignKey(
        SolvencyAssessment,
        verbose_name=_("assessment checked"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The latest approved assessment, recomputed with the repayment."),
    )
    ledger_entry = models.ForeignKey(
        "ledger.JournalEntry",
        verbose_name=_("journal entry"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    checks = models.JSONField(
        _("checks passed"), default=dict, help_text=_("The figures each condition was met with.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-repaid_on", "-id"]
        verbose_name = _("repayment of the initial operating fund")
        verbose_name_plural = _("repayments of the initial operating fund")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="solvency_repayment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.repaid_on} {self.tranche.provider} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(_("A repayment cannot be changed; post a correcting entry."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(_("A repayment cannot be deleted."))
