"""Coverage: what an accepted application gives a member under one plan version."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.money import MoneyField

from .people import Application, Member
from .plans import Plan, PlanVersion


class Coverage(models.Model):
    """A member's cover under one plan version."""

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        SUSPENDED = "suspended", _("Suspended")
        LAPSED = "lapsed", _("Lapsed")
        ENDED = "ended", _("Ended")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="coverages"
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="coverages"
    )
    plan_version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("plan version"),
        on_delete=models.PROTECT,
        related_name="coverages",
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coverage",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_FORCE, db_index=True
    )
    start_date = models.DateField(_("start date"))
    waiting_period_end = models.DateField(
        _("waiting period ends"), help_text=_("Illness is covered from this date on.")
    )
    term_end = models.DateField(_("current term ends"), null=True, blank=True)
    end_date = models.DateField(_("ended on"), null=True, blank=True)
    sum_assured = MoneyField(_("benefit (sum assured)"))
    premium = MoneyField(_("premium per period"), null=True, blank=True)
    payment_frequency = models.CharField(_("payment frequency"), max_length=16, blank=True)
    next_due_date = models.DateField(
        _("next premium due"),
        null=True,
        blank=True,
        help_text=_("Premium plans: the start of the next period to bill."),
    )

    class Meta:
        ordering = ["member", "start_date"]
        verbose_name = _("coverage")
        verbose_name_plural = _("coverages")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "plan"],
                condition=Q(status__in=["in_force", "suspended"]),
                name="coverage_one_live_per_plan",
            ),
        ]
        indexes = [models.Index(fields=["plan", "status", "waiting_period_end"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.plan.display_name}"

    def waiting_days_left(self, today=None) -> int:
        today = today or timezone.localdate()
        return max(0, (self.waiting_period_end - today).days)
