"""A meeting with its dated milestones, its frozen voter roll, its agenda and documents,
and the convening notices sent for it."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member

from .articles import Articles
from .bodies import Body


class Meeting(models.Model):
    """A meeting of a body and its dated milestones (Helios: a vote's lifecycle as dates)."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual assembly")
        EXTRAORDINARY = "extraordinary", _("Extraordinary assembly")
        BOARD = "board", _("Board meeting")

    class Status(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        CONVENED = "convened", _("Convened")
        VOTING_OPEN = "voting_open", _("Voting open")
        VOTING_CLOSED = "voting_closed", _("Voting closed")
        RESULTS_DECLARED = "results_declared", _("Results declared")
        MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
        PUBLISHED = "published", _("Published")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    location = models.CharField(_("place"), max_length=200, blank=True)
    articles = models.ForeignKey(
        Articles,
        verbose_name=_("articles applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("Fixed when the meeting is convened."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFTED
    )
    voting_opens_at = models.DateTimeField(_("voting opens"))
    voting_closes_at = models.DateTimeField(_("voting closes"))
    record_date = models.DateField(_("record date"), null=True, blank=True)
    secret_ballot = models.BooleanField(_("secret ballot"), default=True)
    created_at = models.DateTimeField(_("drafted at"), default=timezone.now, editable=False)
    convened_at = models.DateTimeField(_("convened at"), null=True, blank=True)
    voting_opened_at = models.DateTimeField(_("voting opened at"), null=True, blank=True)
    voting_closed_at = models.DateTimeField(_("voting closed at"), null=True, blank=True)
    results_declared_at = models.DateTimeField(_("results declared at"), null=True, blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    roll_size = models.PositiveIntegerField(_("voters on the roll"), null=True, blank=True)
    roll_hash = models.CharField(
        _("voter roll SHA-256"),
        max_length=64,
        blank=True,
        help_text=_("Hash of the frozen voter roll (sorted member numbers)."),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_drafted_at = models.DateTimeField(_("minutes drafted at"), null=True, blank=True)

    class Meta:
        ordering = ["-voting_opens_at", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(voting_opens_at__lt=models.F("voting_closes_at")),
                name="meeting_window_ordered",
                violation_error_message=_("Voting must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def roll_frozen(self) -> bool:
        return bool(self.roll_hash)

    def window_open(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return (
            self.status == self.Status.VOTING_OPEN
            and self.voting_opens_at <= at < self.voting_closes_at
        )


class RollEntry(models.Model):
    """One voter on a meeting's frozen roll. Written once when the meeting is convened;
    a database trigger refuses any change or late addition (migration 0002)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="roll"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("voter roll entry")
        verbose_name_plural = _("voter roll")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="roll_voter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.member_id}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    proposal = models.OneToOneField(
        "Proposal",
        verbose_name=_("member proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_item",
    )

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")

    def __str__(self) -> str:
        return self.title


class AgendaDocument(models.Model):
    """A document for an agenda item: its text, or a link to where it is published."""

    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class ConveningNotice(models.Model):
    """The convening notice to one voter: one row per voter per meeting, sent once."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="notices"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("convening notice")
        verbose_name_plural = _("convening notices")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} → {self.member_id}"
