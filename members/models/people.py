"""People: members, their consents to the society's documents, their applications.

``Member``: one person, one membership (unique identity document). ``Application``: a
request for cover under a plan, underwritten automatically or by staff.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..regions import PROVINCE_CHOICES
from .plans import PlanVersion, localized


class ConsentDocument(models.Model):
    """A versioned text applicants consent to: the articles of association, the privacy notice."""

    class Kind(models.TextChoices):
        ARTICLES = "articles", _("Articles of association")
        PRIVACY = "privacy", _("Privacy notice")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    version = models.CharField(_("version"), max_length=32)
    title = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body = models.TextField(_("text (Chinese)"))
    body_en = models.TextField(_("text (English)"), blank=True)
    effective_from = models.DateField(_("effective from"))

    class Meta:
        ordering = ["kind", "-effective_from"]
        verbose_name = _("consent document")
        verbose_name_plural = _("consent documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="consent_document_version"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"

    @property
    def display_title(self) -> str:
        return localized(self.title, self.title_en)

    @property
    def display_body(self) -> str:
        return localized(self.body, self.body_en)


class Member(models.Model):
    """A person's membership: one per identity document, created when they first apply."""

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        LAPSED = "lapsed", _("Lapsed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DECEASED = "deceased", _("Deceased")
        DECLINED = "declined", _("Declined")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident identity card (mainland)")
        PASSPORT = "passport", _("Passport")
        HK_MACAO_PERMIT = (
            "hk_macao_permit",
            _("Mainland travel permit for Hong Kong and Macao residents"),
        )
        TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
        FOREIGN_PERMANENT = "foreign_permanent", _("Foreign permanent resident ID card")

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member",
    )
    member_number = models.CharField(
        _("member number"), max_length=20, null=True, blank=True, editable=False
    )
    legal_name = models.CharField(_("legal name"), max_length=100)
    id_type = models.CharField(
        _("identity document"), max_length=24, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("identity number"), max_length=32)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("mobile phone"), max_length=20)
    email = models.EmailField(_("e-mail"), blank=True)
    region = models.CharField(_("region"), max_length=2, choices=PROVINCE_CHOICES)
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.APPLICANT
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    lapses_on = models.DateField(
        _("lapses on"),
        null=True,
        blank=True,
        help_text=_("A suspended membership not reinstated by this date lapses."),
    )
    withdrawal_effective_on = models.DateField(
        _("withdrawal takes effect on"), null=True, blank=True
    )
    welcome_sent_at = models.DateTimeField(
        _("welcome sent at"),
        null=True,
        blank=True,
        help_text=_("When the welcome letter was put in the notification centre and queued."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        permissions = [
            ("view_identity_number", _("Can see members' full identity numbers")),
        ]
        constraints = [
            # One person, one membership. Its index also answers a search by a whole
            # identity number (``id_type IN (...) AND id_number = ...``).
            models.UniqueConstraint(fields=["id_type", "id_number"], name="member_one_per_person"),
            # A constraint, not unique=True: on PostgreSQL that would add a second,
            # varchar_pattern_ops index that no query uses.
            models.UniqueConstraint(fields=["member_number"], name="member_number_unique"),
        ]
        # Only indexes a query uses (docs/members.md, "Searching members"); the name
        # search uses a trigram index that exists on PostgreSQL only (migration 0004).
        # Indexes in Meta get no pattern_ops twin, unlike db_index=True.
        indexes = [
            models.Index(fields=["status"], name="member_status_idx"),
            models.Index(fields=["region", "status"]),
            # Member numbers are looked up whole in any case (search, payments).
            models.Index(Upper("member_number"), name="member_number_upper_idx"),
            # The start of a phone number: a LIKE 'prefix%' range scan on PostgreSQL
            # under any collation (the operator class is ignored elsewhere).
            models.Index(
                fields=["phone"], name="member_phone_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            # The daily lapse: the suspended members whose lapse date has come, a few a
            # day. Without it each batch of the job read every suspended member through
            # the status index (statistics taken before the day's suspensions said they
            # were few), a cost that grew with the society (docs/scaling.md).
            models.Index(
                fields=["lapses_on"], name="member_lapsing_idx", condition=Q(status="suspended")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_number or _('applicant')} {self.legal_name}"

    @property
    def masked_id_number(self) -> str:
        return mask_identity_number(self.id_number)


def mask_identity_number(number: str, *, head: int = 3) -> str:
    """Show the first ``head`` (3) and last 4 characters only: 110***********123X
    (``head=0``: **************123X)."""
    if len(number) <= head + 4:
        return "*" * len(number)
    return number[:head] + "*" * (len(number) - head - 4) + number[-4:]


class Consent(models.Model):
    """Which version of a document a member consented to, and when."""

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="consents"
    )
    document = models.ForeignKey(
        ConsentDocument, verbose_name=_("document"), on_delete=models.PROTECT, related_name="+"
    )
    consented_at = models.DateTimeField(_("consented at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(fields=["member", "document"], name="consent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.document}"


class Application(models.Model):
    """A request for cover under a plan, and the underwriting decision on it."""

    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred to an underwriter")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")
        API = "api", _("API")
        STAFF = "staff", _("Staff")
        IMPORT = "import", _("Import")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="applications"
    )
    plan_version = models.ForeignKey(
        PlanVersion, verbose_name=_("plan version"), on_delete=models.PROTECT, related_name="+"
    )
    payment_frequency = models.CharField(
        _("payment frequency"),
        max_length=16,
        blank=True,
        choices=[("monthly", _("Monthly")), ("quarterly", _("Quarterly")), ("annual", _("Annual"))],
    )
    answers = models.JSONField(
        _("health declaration"), default=dict, help_text=_("Question id → answered yes.")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "plan_version"],
                condition=Q(status="referred"),
                name="application_one_pending_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.member.legal_name} → {self.plan_version}"
