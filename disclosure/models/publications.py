"""Publications: what the society discloses, in versions that are never changed.

A *document* (the solvency summary of 2026Q1, the resolutions of a meeting) is a series of
versions sharing a ``key``. Version 1 is the first publication; each correction is a new
version that names the one it corrects (``supersedes``) and says what changed and why
(``correction_note``). Once published, a version's row, its attachments and its
withdrawal are never changed or deleted: the models refuse it, and on PostgreSQL a
trigger refuses it whatever code or person tries (migration 0002). A withdrawal is a row
of its own with the reason, so the published version stays as it was, with its reason
visible beside it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mutualsociety.common.exceptions import ImmutableRecord


class Kind(models.TextChoices):
    """What a publication is. The kinds of the Measures for the Supervision of Mutual
    Insurance Societies and of the mutual aid rules (docs/disclosure.md)."""

    BASIC_INFORMATION = "basic_information", _("Basic information")
    ARTICLES = "articles", _("Articles of association")
    GOVERNANCE_BODIES = "governance_bodies", _("Governance bodies and members")
    MEETING_NOTICE = "meeting_notice", _("Meeting notice")
    RESOLUTIONS = "resolutions", _("Resolutions and vote results")
    MINUTES = "minutes", _("Minutes")
    FINANCIAL_STATEMENTS = "financial_statements", _("Financial statements")
    SOLVENCY_SUMMARY = "solvency_summary", _("Solvency report summary")
    CLAIMS_STATISTICS = "claims_statistics", _("Claims statistics")
    APPORTIONMENT = "apportionment", _("Apportionment period")
    RELATED_PARTY = "related_party", _("Related-party transaction")
    MATERIAL_EVENT = "material_event", _("Material event")
    PRODUCT = "product", _("Product information")
    COMPLAINTS_STATISTICS = "complaints_statistics", _("Complaints statistics")
    ANNUAL_REPORT = "annual_report", _("Annual report")


class Basis(models.TextChoices):
    """What a kind's due date counts from."""

    QUARTER = "quarter", _("End of each quarter")
    YEAR = "year", _("End of each year")
    EVENT = "event", _("The event it reports")
    STANDING = "standing", _("No due date (kept up to date)")


class KindRule(models.Model):
    """How and when one kind is published: its due date (``days_after`` and
    ``months_after`` the end of its period, or after its event) and whether a second
    person must approve a manual draft (maker-checker). Editable by staff."""

    kind = models.CharField(
        pgettext_lazy("disclosure", "kind"), max_length=32, choices=Kind.choices, unique=True
    )
    basis = models.CharField(_("due date counts from"), max_length=16, choices=Basis.choices)
    months_after = models.PositiveSmallIntegerField(
        _("months after"), default=0, help_text=_("Whole months added to the period's end.")
    )
    days_after = models.PositiveSmallIntegerField(
        _("days after"), default=0, help_text=_("Days added after the months.")
    )
    needs_approval = models.BooleanField(
        _("a second person approves"),
        default=True,
        help_text=_(
            "Manual drafts of this kind are published only when someone other than "
            "their author approves them."
        ),  # fmt: skip
    )
    automatic = models.BooleanField(
        _("published automatically"),
        default=False,
        help_text=_("Published by the platform from another app's approved figures."),
    )
    expected = models.BooleanField(
        _("owed"),
        default=True,
        help_text=_(
            "Off: the society does not publish this kind (yet), so no period of it "
            "is owed or shown as overdue."
        ),  # fmt: skip
    )
    members_told = models.BooleanField(
        _("members are told"),
        default=False,
        help_text=_(
            "Each published version is listed in every member's notifications (and "
            "e-mailed to those who asked for disclosure e-mails)."
        ),  # fmt: skip
    )
    first_period_start = models.DateField(
        _("due from"),
        null=True,
        blank=True,
        help_text=_("Periods before this day are not expected (empty: the society's founding)."),
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("disclosure rule")
        verbose_name_plural = _("disclosure rules")

    def __str__(self) -> str:
        return str(Kind(self.kind).label)

    def due_on(self, period_end: dt.date) -> dt.date:
        """The last day to publish a document whose period (or event) ended ``period_end``."""
        month0 = period_end.month - 1 + self.months_after
        year, month = period_end.year + month0 // 12, month0 % 12 + 1
        # the same day of the month, or the month's last day (31 Jan + 1 month = 28/29 Feb)
        last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        moved = dt.date(year, month, min(period_end.day, last))
        if period_end.day == _month_end(period_end).day:
            moved = _month_end(moved)
        return moved + dt.timedelta(days=self.days_after)


def _month_end(day: dt.date) -> dt.date:
    first_next = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


class PublicationQuerySet(models.QuerySet):
    def published(self) -> PublicationQuerySet:
        return self.filter(status=Publication.Status.PUBLISHED)

    def update(self, **kwargs):
        if self.filter(status=Publication.Status.PUBLISHED).exists():
            raise ImmutableRecord(_("A published version cannot be changed: publish a correction."))
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status=Publication.Status.PUBLISHED).exists():
            raise ImmutableRecord(_("A published version cannot be deleted: withdraw it."))
        return super().delete()


class Publication(models.Model):
    """One version of one disclosed document (see the module's docstring)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Awaiting approval")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    key = models.CharField(
        _("document"),
        max_length=120,
        help_text=_("Names the document across its versions, e.g. solvency_summary:2026Q1."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
    )
    correction_note = models.TextField(
        _("what changed and why"), blank=True, help_text=_("Required for a correction.")
    )
    kind = models.CharField(
        pgettext_lazy("disclosure", "kind"), max_length=32, choices=Kind.choices, db_index=True
    )
    period = models.CharField(
        _("period"),
        max_length=16,
        blank=True,
        db_index=True,
        help_text=_(
            "2026Q1 for a quarter, 2026 for a year, 2026-03-31 for a day; empty for "
            "standing information."
        ),  # fmt: skip
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    title = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body = models.TextField(_("text (Chinese)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    content = models.JSONField(
        _("figures"), default=dict, blank=True, help_text=_("The structured content, as data.")
    )
    source = models.CharField(
        _("source"),
        max_length=80,
        blank=True,
        help_text=_("The record it was published from, e.g. governance.meeting:12."),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="publication_version_once"),
            models.CheckConstraint(
                condition=Q(status="published", published_at__isnull=False)
                | ~Q(status="published"),
                name="publication_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(version=1, supersedes__isnull=True)
                | Q(version__gt=1, supersedes__isnull=False),
                name="publication_correction_names_version",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "period"], name="publication_kind_period"),
            models.Index(fields=["status", "published_at"], name="publication_status_time"),
        ]
        permissions = [
            ("approve_publication", _("Can approve a publication drafted by someone else")),
            # The regulator portal (disclosure.views.regulator): given by name only.
            ("view_regulator_portal", _("Can read the regulator portal")),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.PUBLISHED:
                raise ImmutableRecord(
                    _("A published version cannot be changed: publish a correction.")
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED:
            raise ImmutableRecord(_("A published version cannot be deleted: withdraw it."))
        return super().delete(*args, **kwargs)

    @property
    def is_correction(self) -> bool:
        return self.version > 1

    @property
    def published_late(self) -> bool:
        """Published after its due date (in the society's time zone)."""
        if not (self.due_on and self.published_at):
            return False
        return timezone.localdate(self.published_at) > self.due_on


def attachment_path(instance: Attachment, filename: str) -> str:
    # the checksum in the path: two versions' files never overwrite each other
    return f"disclosure/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Attachment(models.Model):
    """A file of a publication (the report's PDF, its figures as CSV and JSON), with the
    SHA-256 of its bytes taken when it was attached. A file whose bytes no longer give
    that checksum is never served (``disclosure.services.attachment_read``)."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        CSV = "csv", "CSV"
        JSON = "json", "JSON"

    publication = models.ForeignKey(
        Publication,
        verbose_name=_("publication"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    filename = models.CharField(_("file name"), max_length=120)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("attached at"), default=timezone.now)

    class Meta:
        ordering = ["publication", "format", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "filename"], name="attachment_name_once"
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(_("An attachment cannot be changed: attach a new file."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.publication.status == Publication.Status.PUBLISHED:
            raise ImmutableRecord(_("A published attachment cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def content_type(self) -> str:
        return {
            "pdf": "application/pdf",
            "csv": "text/csv; charset=utf-8",
            "json": "application/json",
        }[self.format]


class Withdrawal(models.Model):
    """A published version taken back, with the reason that stays visible beside it.
    Append-only: a withdrawal is not undone (publish a new version instead)."""

    publication = models.OneToOneField(
        Publication,
        verbose_name=_("publication"),
        on_delete=models.PROTECT,
        related_name="withdrawal",
    )
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("withdrawn at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="withdrawal_has_reason"),
        ]

    def __str__(self) -> str:
        return str(self.publication)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(_("A withdrawal cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(_("A withdrawal cannot be deleted."))
