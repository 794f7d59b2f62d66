"""Consultations before assemblies: a survey (questions with options, a 1-5 scale or free
text) and a comment thread, linked to a meeting or to a member proposal; the members
answer once each (and may change their answer until it closes); the results are counted
by SQL and published with the meeting. Staff hide a comment only with a reason, recorded
in the consultation's append-only log (``ConsultationEvent``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import Member
from mutualsociety.common.events import Event

from .meetings import Meeting
from .proposals import Proposal

#: The longest free-text answer or comment a member may write.
TEXT_MAX_LENGTH = 2000
SCALE_MIN, SCALE_MAX = 1, 5


class Consultation(models.Model):
    """A consultation of the members before an assembly, opened by the board or the
    secretary: draft → open → closed → published (``transitions.CONSULTATION``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", pgettext_lazy("consultation", "Open")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Results published")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("Members in force")
        VOTERS = "voters", _("Voters of the meeting")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("member proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    audience = models.CharField(
        _("who may take part"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.MEMBERS,
        help_text=_(
            "Members in force: every active member. Voters of the meeting: those on the "
            "meeting's voter roll (or eligible to vote before it is frozen)."
        ),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("drafted at"), default=timezone.now, editable=False)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    eligible_count = models.PositiveIntegerField(
        _("members who could take part"),
        null=True,
        blank=True,
        help_text=_("Counted when the consultation closes: the base of the turnout."),
    )

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        permissions = [("open_consultation", _("Can open and close a consultation"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False, proposal__isnull=True)
                | Q(meeting__isnull=True, proposal__isnull=False),
                name="consultation_one_subject",
                violation_error_message=_(
                    "A consultation is about one meeting or one member proposal."
                ),
            ),
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")),
                name="consultation_window_ordered",
                violation_error_message=_("A consultation must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def window_open(self, at: dt.datetime | None = None) -> bool:
        """Members may answer and comment: open, and within its window."""
        at = at or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= at < self.closes_at

    @property
    def results_out(self) -> bool:
        return self.status in (self.Status.CLOSED, self.Status.PUBLISHED)


class ConsultationQuestion(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        SCALE = "scale", _("Scale from 1 to 5")
        TEXT = "text", _("Free text")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    required = models.BooleanField(_("an answer is required"), default=True)

    class Meta:
        ordering = ["consultation", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)


class ConsultationOption(models.Model):
    question = models.ForeignKey(
        ConsultationQuestion,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        related_name="options",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("option"), max_length=200)

    class Meta:
        ordering = ["question", "order", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.text


class ConsultationResponse(models.Model):
    """One member's answers to one consultation: one row per member (the constraint);
    a change replaces the answer rows and dates the change (``updated_at``)."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed at"), default=timezone.now)
    changes = models.PositiveIntegerField(_("times changed"), default=0)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "member"],
                name="consultation_response_once",
                violation_error_message=_("A member answers a consultation once."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.pk}"


class ConsultationAnswer(models.Model):
    """One answer of a response: an option chosen (one row per option of a multiple
    choice), a point of the scale, or a text."""

    response = models.ForeignKey(
        ConsultationResponse,
        verbose_name=_("response"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        ConsultationQuestion,
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    option = models.ForeignKey(
        ConsultationOption,
        verbose_name=_("option"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
    )
    scale = models.PositiveSmallIntegerField(_("scale"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "option"],
                condition=Q(option__isnull=False),
                name="consultation_option_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(option__isnull=True),
                name="consultation_answer_once",
            ),
            models.CheckConstraint(
                condition=Q(scale__isnull=True) | Q(scale__gte=SCALE_MIN, scale__lte=SCALE_MAX),
                name="consultation_scale_range",
                violation_error_message=_("A scale answer is from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class ConsultationComment(models.Model):
    """A member's comment on a consultation, optionally in reply to another. Hidden by
    staff with a reason (``comment_hide``): the author still reads it with the reason;
    everyone else reads "hidden by a moderator" and the reason."""

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    author = models.ForeignKey(
        Member, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
    )
    body = models.TextField(_("comment"))
    key = models.CharField(
        _("submission key"),
        max_length=64,
        blank=True,
        help_text=_("Sent with the form: the same submission twice posts one comment."),
    )
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.TextField(_("why it was hidden"), blank=True)

    class Meta:
        ordering = ["consultation", "created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_consultationcomment", _("Can hide a comment"))]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "author", "key"],
                condition=~Q(key=""),
                name="consultation_comment_key_once",
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="consultation_comment_hidden_with_reason",
                violation_error_message=_("A comment is hidden only with a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}#{self.pk}"

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class ConsultationEvent(Event):
    """Append-only log of a consultation: drafted, opened, closed, published, and each
    moderation (which comment, who, when, why). Never records a member's answers."""

    class Type(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        CHANGED = "changed", _("Changed")
        OPENED = "opened", _("Opened")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Results published")
        COMMENT_HIDDEN = "comment_hidden", _("Comment hidden by a moderator")

    consultation = models.ForeignKey(
        Consultation,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    comment = models.ForeignKey(
        ConsultationComment,
        verbose_name=_("comment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderation",
    )
    type = Event.type_field(Type)

    subject_field = "consultation"

    class Meta(Event.Meta):
        verbose_name = _("consultation event")
        verbose_name_plural = _("consultation events")
        indexes = [models.Index(fields=["consultation", "at"])]
