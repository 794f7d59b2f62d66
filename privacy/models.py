"""A member's rights over their personal data (Personal Information Protection Law,
个人信息保护法, arts. 44-47): requests to correct or delete it, the deadline to answer
(art. 50: timely; the society's default 15 days, data), and the records the law requires
to be kept (art. 47: deletion gives way to a retention period set by law).

- ``PrivacySettings``: one row (primary key 1): how many days staff have to answer.
- ``RetentionRule``: one row per category of record that a law requires to be kept, with
  the law and the years (data, edited by compliance).
- ``PrivacyRequest``: a member's request, its deadline, its handling and its outcome.
- ``PrivacyRequestEvent``: the request's append-only history.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, localized
from mutualsociety.common.events import Event

#: The default number of days to answer a request (the project's choice; PIPL art. 50
#: asks for timely handling without a number).
DEFAULT_RESPONSE_DAYS = 15


class PrivacySettings(models.Model):
    """How the society handles requests about personal data (one row, pk 1)."""

    response_days = models.PositiveSmallIntegerField(
        _("days to answer a request"),
        default=DEFAULT_RESPONSE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "Calendar days from receipt; PIPL art. 50 requires timely handling. Applies to "
            "requests received after a change."
        ),
    )

    class Meta:
        verbose_name = _("personal data settings")
        verbose_name_plural = _("personal data settings")

    def __str__(self) -> str:
        return str(_("Personal data settings"))


class RetentionCategory(models.TextChoices):
    """Kinds of record a law requires the society to keep (what a deletion cannot touch)."""

    ACCOUNTING = "accounting", _("Accounting records (payments, dues, ledger entries)")
    INSURANCE = (
        "insurance",
        _("Insurance business records (membership, cover, applications, claims, beneficiaries)"),
    )


class DeletionItem(models.TextChoices):
    """What a member may ask to have deleted. Some are records a law requires the society
    to keep (``privacy.services.RETAINED``): that part of a request is refused, with the
    law and the years."""

    NOTIFICATIONS = "notifications", _("The texts of my notifications and my notification settings")
    PHONE = "phone", _("My mobile phone number")
    EMAIL = "email", _("My e-mail address")
    ADDRESS = "address", _("My postal address")
    MEMBERSHIP = "membership", _("My membership record and identity details")
    APPLICATIONS = "applications", _("My applications and health declarations")
    CLAIMS = "claims", _("My claims and their documents")
    BENEFICIARIES = "beneficiaries", _("My designations of beneficiaries")
    PAYMENTS = "payments", _("My contributions, payments and their accounting entries")


class CorrectionField(models.TextChoices):
    """What a member may ask to have corrected (PIPL art. 46)."""

    LEGAL_NAME = "legal_name", _("Legal name")
    DATE_OF_BIRTH = "date_of_birth", _("Date of birth")
    SEX = "sex", _("Sex")
    PHONE = "phone", _("Mobile phone")
    EMAIL = "email", _("E-mail")
    REGION = "region", _("Region")
    ADDRESS = "address", _("Address")


class RetentionRule(models.Model):
    """How long a category of record is kept, and under which law (data)."""

    category = models.CharField(
        _("records"), max_length=16, choices=RetentionCategory.choices, unique=True
    )
    legal_basis = models.CharField(_("legal basis (Chinese)"), max_length=300)
    legal_basis_en = models.CharField(_("legal basis (English)"), max_length=300)
    years = models.PositiveSmallIntegerField(
        _("years kept"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    counted_from = models.CharField(_("counted from (Chinese)"), max_length=200)
    counted_from_en = models.CharField(_("counted from (English)"), max_length=200)

    class Meta:
        ordering = ["category"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return self.get_category_display()

    @property
    def display_basis(self) -> str:
        return localized(self.legal_basis, self.legal_basis_en)

    @property
    def display_counted_from(self) -> str:
        return localized(self.counted_from, self.counted_from_en)


class PrivacyRequest(models.Model):
    """A member's request to correct or delete personal data (PIPL arts. 46-47)."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        DELETION = "deletion", _("Deletion")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        PARTLY_REFUSED = "partly_refused", _("Partly refused")
        REFUSED = "refused", _("Refused")

    member = models.ForeignKey(
        Member,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="privacy_requests",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    key = models.CharField(
        _("submission key"),
        max_length=64,
        help_text=_("One per form shown: a second submission of the same form is the first."),
    )
    field = models.CharField(
        _("field to correct"), max_length=32, blank=True, choices=CorrectionField.choices
    )
    value = models.CharField(_("what it should be"), max_length=300, blank=True)
    items = models.JSONField(_("what to delete"), default=list, blank=True)
    details = models.TextField(_("the member's explanation"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_on = models.DateField(_("answer due by"))
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    decision = models.TextField(_("answer to the member"), blank=True)
    outcome = models.JSONField(
        _("outcome"),
        default=list,
        blank=True,
        help_text=_("What was done and what was refused, item by item, with the reason."),
    )
    overdue_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    overdue_emailed_at = models.DateTimeField(_("overdue e-mail sent at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        constraints = [
            models.UniqueConstraint(fields=["member", "key"], name="privacy_request_once"),
            models.CheckConstraint(
                condition=~Q(kind="correction") | ~Q(field=""),
                name="privacy_correction_names_field",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=Q(status__in=["received", "in_progress"]),
                name="privacy_request_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.member_id}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.IN_PROGRESS)

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())


class PrivacyRequestEvent(Event):
    """Append-only history of a request: who did what, when, and why."""

    class Type(models.TextChoices):
        RECEIVED = "received", _("Received")
        STATUS = "status", _("Status changed")
        OVERDUE = "overdue", _("Flagged overdue")

    request = models.ForeignKey(
        PrivacyRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    type = Event.type_field(Type)

    subject_field = "request"

    class Meta(Event.Meta):
        verbose_name = _("personal data request event")
        verbose_name_plural = _("personal data request events")
        indexes = [models.Index(fields=["request", "at"])]
