"""The record of a batch run split across workers (``common.services.batches``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BatchRun(models.Model):
    """A long batch job split into chunks of ids, run as a Celery chord on however many
    workers there are (``common.services.batches``; docs/scaling.md, "Splitting a run
    across workers").

    ``key`` names the run ("claims.apportionment:3:2026-12-14"): starting it again finds
    this row and resumes it. The job fixes what the chunks must add up to (``expected``)
    when it starts; ``totals`` is what they added up to, checked when the last is in.
    The job's own publication (the period's entry, the billing day's close) happens in
    the finishing step, only when every chunk is done and the totals agree.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        COMPLETE = "complete", _("Complete")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("job"), max_length=64, help_text=_("The registered batch job."))
    key = models.CharField(
        _("key"), max_length=200, unique=True, help_text=_("Names the run; it is started once.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RUNNING
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    expected = models.JSONField(
        _("expected totals"),
        default=dict,
        blank=True,
        help_text=_("What the chunks must add up to, fixed when the run started."),
    )
    totals = models.JSONField(_("totals"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    chunk_count = models.PositiveIntegerField(_("chunks"), default=0)
    dispatches = models.PositiveIntegerField(
        _("dispatches"), default=0, help_text=_("Times its chunks were handed to the workers.")
    )
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("batch run")
        verbose_name_plural = _("batch runs")
        ordering = ("-started_at", "-id")
        permissions = [("resume_batchrun", _("Can resume batch runs"))]
        indexes = [
            models.Index(
                fields=["started_at"],
                condition=models.Q(status="running"),
                name="common_batchrun_running_idx",
            )
        ]

    def __str__(self) -> str:
        return self.key


class BatchChunk(models.Model):
    """One chunk of a ``BatchRun``: the ids ``lo < id <= hi`` of the job's table, run in
    one transaction by one worker. Done once: a chunk whose row says done is skipped,
    so a redelivered or resumed chunk changes nothing twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(
        BatchRun, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("run")
    )
    number = models.PositiveIntegerField(_("number"))
    lo = models.BigIntegerField(_("after id"))
    hi = models.BigIntegerField(_("up to id"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    expected = models.JSONField(_("expected totals"), default=dict, blank=True)
    totals = models.JSONField(_("totals"), default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("batch chunk")
        verbose_name_plural = _("batch chunks")
        ordering = ("run", "number")
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="common_batchchunk_unique"),
            models.CheckConstraint(
                condition=models.Q(hi__gt=models.F("lo")), name="common_batchchunk_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run.key} #{self.number}"
