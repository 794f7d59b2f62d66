"""The periodic runs of solvency (monthly reserve run, quarterly assessment, daily
monitoring): one row each time a job runs for a period, written by
``solvency.services.jobs`` in its own transaction (so a failed run's row survives the
rollback of its work). At most one succeeded run per job and period."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SolvencyJobRun(models.Model):
    class Kind(models.TextChoices):
        MONTHLY_RESERVE = "monthly_reserve", _("Monthly reserve run")
        QUARTERLY_ASSESSMENT = "quarterly_assessment", _("Quarterly solvency assessment")
        DAILY_MONITORING = "daily_monitoring", _("Daily solvency monitoring")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    kind = models.CharField(_("job"), max_length=24, choices=Kind.choices)
    period = models.CharField(
        _("period"), max_length=20, help_text=_("2025-12 (month), 2025-12-31 (quarter end, day).")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default="running")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    version = models.PositiveSmallIntegerField(
        _("version"),
        default=1,
        help_text=_("A run of the same period whose inputs had changed since is the next one."),
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("solvency job run")
        verbose_name_plural = _("solvency job runs")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "version"],
                condition=Q(status="succeeded"),
                name="solvency_job_one_success_per_version",
            ),
        ]
        indexes = [models.Index(fields=["kind", "period"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} ({self.get_status_display()})"
