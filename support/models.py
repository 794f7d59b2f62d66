"""The complaints desk (投诉): a complaint, its documents, its history, the deadlines it
runs against (staff-editable settings and a calendar of working days), and the daily
reminders to its handler.

A complaint is filed by a member (then it may name one of their own claims, applications
or apportioned shares) or by a person who is signed out (then with their name and a
phone number or an e-mail address, and followed through a secret link). Its status
changes only through ``support.services`` along ``support.transitions``; every step is a
``ComplaintEvent`` row (who, when, why) that is never changed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mutualsociety.common.events import Event


class ComplaintSettings(models.Model):
    """The complaints desk's deadlines (one row, primary key 1, created by the migration;
    staff edit it in the admin). A change applies to complaints received afterwards: a
    complaint keeps the deadlines it was given when it came in."""

    acknowledge_working_days = models.PositiveSmallIntegerField(
        _("acknowledge within (working days)"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
        help_text=_(
            "Working days after the day a complaint is received (weekends and the "
            "calendar's holidays do not count). Default 2: our choice."
        ),
    )
    resolve_days = models.PositiveSmallIntegerField(
        _("resolve within (days)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "Calendar days after the day a complaint is received. Default 15, as the "
            "regulator's complaint-handling measures for banking and insurance institutions "
            "set."
        ),
    )
    extension_days = models.PositiveSmallIntegerField(
        _("extension (days)"),
        default=15,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
        help_text=_(
            "How many days one extension adds, with a reason, to a complex complaint's "
            "deadline (once). Default 15: 30 days in all, as the measures allow."
        ),
    )
    escalation_days = models.PositiveSmallIntegerField(
        _("escalation window (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "Days after the outcome during which the complainant may take the complaint "
            "to the supervisory board (once). Default 30: our choice."
        ),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind before a deadline (days)"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
        help_text=_(
            "A complaint is flagged as due this many days before a deadline (0: on the "
            "day itself) and as overdue after it; its handler and the compliance officer "
            "are e-mailed once a day while it is flagged. Default 1."
        ),
    )

    class Meta:
        verbose_name = _("complaint settings")
        verbose_name_plural = _("complaint settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="complaint_settings_single_row"),
        ]

    def __str__(self) -> str:
        return str(_("Complaint settings"))


class CalendarDay(models.Model):
    """An exception to the working week: a public holiday on a weekday (not a working day)
    or a weekend day worked instead (调休, a working day). Every other Monday to Friday is
    a working day and every Saturday and Sunday is not. Staff enter the State Council's
    holiday calendar each year."""

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Off: a holiday. On: a weekend day worked instead of a holiday."),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.name}".strip()


class Complaint(models.Model):
    """A complaint about a decision or a service, and how it was handled."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        INVESTIGATING = "investigating", _("Being investigated")
        UPHELD = "upheld", pgettext_lazy("complaint", "Upheld")
        PARTLY_UPHELD = "partly_upheld", pgettext_lazy("complaint", "Partly upheld")
        REJECTED = "rejected", pgettext_lazy("complaint", "Not upheld")
        ESCALATED = "escalated", _("Escalated to the supervisory board")
        CLOSED = "closed", pgettext_lazy("complaint", "Closed")

    class Category(models.TextChoices):
        CLAIM = "claim", _("A claim decision")
        UNDERWRITING = "underwriting", _("An underwriting decision")
        APPORTIONMENT = "apportionment", _("An apportioned share")
        SERVICE = "service", _("Service")
        OTHER = "other", _("Something else")

    #: The outcomes of a complaint (its resolution).
    OUTCOMES = (Status.UPHELD, Status.PARTLY_UPHELD, Status.REJECTED)

    reference = models.CharField(_("complaint number"), max_length=20, unique=True, editable=False)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    contact_name = models.CharField(_("complainant's name"), max_length=100, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    secret_hash = models.CharField(
        _("follow-up secret (hash)"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("SHA-256 of the secret link given to a complainant who is signed out."),
    )
    category = models.CharField(_("about"), max_length=16, choices=Category.choices)
    claim = models.ForeignKey(
        "claims.Claim",
        verbose_name=_("claim"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    application = models.ForeignKey(
        "members.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    share = models.ForeignKey(
        "members.ContributionDue",
        verbose_name=_("apportioned share"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    description = models.TextField(_("what happened"))
    desired_outcome = models.TextField(_("what the complainant asks for"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    resolution = models.CharField(
        _("outcome"),
        max_length=16,
        choices=[(s.value, s.label) for s in OUTCOMES],
        blank=True,
        help_text=_("Kept after an escalation or the closing."),
    )
    outcome_text = models.TextField(_("answer to the complainant"), blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_on = models.DateField(_("complaint received on"), db_index=True)
    acknowledge_by = models.DateField(_("acknowledge by"))
    resolve_by = models.DateField(_("resolve by"))
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True, db_index=True)
    extended_on = models.DateField(_("extended on"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    escalation_until = models.DateField(_("may escalate until"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    submission_key = models.CharField(
        _("submission key"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("Sent with the form: a form sent twice files one complaint."),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["status", "resolve_by"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(claim__isnull=True, application__isnull=True)
                    | Q(claim__isnull=True, share__isnull=True)
                    | Q(application__isnull=True, share__isnull=True)
                ),
                name="complaint_one_subject",
                violation_error_message=_("A complaint is about one object at most."),
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False)
                | (
                    ~Q(contact_name="")
                    & (~Q(contact_phone="") | ~Q(contact_email=""))
                    & Q(claim__isnull=True, application__isnull=True, share__isnull=True)
                ),
                name="complaint_member_or_contact",
                violation_error_message=_(
                    "A complaint of someone signed out has a name and a phone number or an "
                    "e-mail address, and names none of a member's objects."
                ),
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | ~Q(resolution=""),
                name="complaint_resolved_has_outcome",
            ),
        ]
        permissions = [
            ("handle_complaint", _("Can handle complaints (acknowledge, resolve, close)")),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def complainant(self) -> str:
        if self.member_id:
            return self.member.legal_name
        return self.contact_name

    @property
    def is_open(self) -> bool:
        return self.status in (
            self.Status.RECEIVED,
            self.Status.ACKNOWLEDGED,
            self.Status.INVESTIGATING,
        )


class ComplaintDocument(models.Model):
    """A document the complainant sent with the complaint, kept under the private root
    (``CLAIM_DOCUMENTS_ROOT``/complaints/), which no URL serves."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="documents"
    )
    path = models.CharField(_("stored as"), max_length=200, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("complaint document")
        verbose_name_plural = _("complaint documents")

    def __str__(self) -> str:
        return self.original_name


class ComplaintEvent(Event):
    """A complaint's history: every step with who, when and why (never changed)."""

    class Type(models.TextChoices):
        FILED = "filed", _("Complaint received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        INVESTIGATING = "investigating", _("Investigation started")
        EXTENDED = "extended", _("Deadline extended")
        RESOLVED = "resolved", _("Outcome given")
        ESCALATED = "escalated", _("Escalated to the supervisory board")
        CLOSED = "closed", pgettext_lazy("complaint", "Closed")
        ASSIGNED = "assigned", _("Handler assigned")

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="events"
    )
    type = Event.type_field(Type)

    subject_field = "complaint"

    class Meta(Event.Meta):
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        indexes = [models.Index(fields=["complaint", "at"])]


class ComplaintReminder(models.Model):
    """A day's reminder about a complaint that is due or overdue: at most one per
    complaint and day (the database refuses a second), e-mailed once to its handler and
    the compliance officer through the outbox."""

    class Flag(models.TextChoices):
        ACK_DUE = "ack_due", _("Acknowledgement due")
        ACK_OVERDUE = "ack_overdue", _("Acknowledgement overdue")
        DUE = "due", _("Outcome due")
        OVERDUE = "overdue", _("Outcome overdue")

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="reminders"
    )
    day = models.DateField(_("day"))
    flags = models.JSONField(_("flags"), default=list)
    sent_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("complaint reminder")
        verbose_name_plural = _("complaint reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "day"], name="complaint_reminder_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} {self.day.isoformat()}"
