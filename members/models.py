"""Members, the plans they are covered by, and what they pay.

- ``Plan`` / ``PlanVersion``: a product and its terms. Terms change only by publishing a
  new version; every coverage keeps the version it was written on.
- ``Member``: one person, one membership (unique identity document).
- ``Application``: a request for cover under a plan, underwritten automatically or by
  staff; ``Coverage``: what an accepted application gives.
- ``ContributionDue`` / ``Payment`` / ``PaymentAllocation``: premiums and apportioned
  shares owed, money received, and which payment settled which amount.
- ``MemberEvent``: the append-only history of each membership.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ledger.models import JournalEntry
from mutualsociety.common.events import Event
from mutualsociety.common.money import MoneyField, RateField

from .regions import PROVINCE_CHOICES


def _localized(zh: str, en: str) -> str:
    language = (get_language() or "zh-hans").lower()
    return en if language.startswith("en") and en else zh


class Plan(models.Model):
    class Kind(models.TextChoices):
        PREMIUM = "premium", _("Premium-funded mutual insurance")
        MUTUAL_AID = "mutual_aid", _("Post-funded mutual aid plan")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    summary = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    is_open = models.BooleanField(
        _("open for enrolment"), default=True, help_text=_("Closed plans take no new members.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localized(self.name, self.name_en)

    @property
    def display_summary(self) -> str:
        return _localized(self.summary, self.summary_en)

    @property
    def is_mutual_aid(self) -> bool:
        return self.kind == self.Kind.MUTUAL_AID


class PlanVersion(models.Model):
    """The terms of a plan from a date on. Published versions never change.

    Defaults are the public facts in DESIGN.md: a 90-day waiting period with accidents
    exempt (Xiang Hu Bao practice), a 60-day premium grace period (PRC Insurance Law
    art. 36), lapse two years after suspension (art. 37), an 8% management fee and a
    188 CNY annual cap per member for mutual aid plans, shares on the 14th and 28th.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    effective_from = models.DateField(
        _("effective from"), help_text=_("New coverages from this date on use this version.")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    min_entry_age = models.PositiveSmallIntegerField(_("minimum entry age"), default=0)
    max_entry_age = models.PositiveSmallIntegerField(_("maximum entry age"), default=65)
    waiting_period_days = models.PositiveSmallIntegerField(
        _("waiting period (days)"),
        default=90,
        help_text=_("Days after the start before illness is covered (observation period)."),
    )
    accidents_exempt_from_waiting = models.BooleanField(
        _("accidents covered from day one"), default=True
    )
    policy_term_months = models.PositiveSmallIntegerField(
        _("policy term (months)"), default=12, help_text=_("Premium plans: renewed at the end.")
    )
    auto_renew = models.BooleanField(_("renews automatically"), default=True)
    grace_period_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=60,
        help_text=_("Days after a premium falls due before the membership is suspended."),
    )
    lapse_after_days = models.PositiveSmallIntegerField(
        _("lapse after suspension (days)"),
        default=730,
        help_text=_("A suspended membership not reinstated within this many days lapses."),
    )
    withdrawal_notice_days = models.PositiveSmallIntegerField(
        _("withdrawal notice (days)"),
        default=0,
        help_text=_(
            "A withdrawal takes effect this many days after it is asked for, and never "
            "before the end of the period already paid for."
        ),
    )
    management_fee_rate = RateField(
        _("management fee rate"),
        default=Decimal("0.080000"),
        help_text=_("Mutual aid plans: the fee on the benefits shared in a period (0.08 = 8%)."),
    )
    annual_cap = MoneyField(
        _("annual cap per member"),
        default=Decimal("188.00"),
        null=True,
        blank=True,
        help_text=_("Mutual aid plans: the most a member shares in a calendar year."),
    )
    apportionment_days = models.CharField(
        _("apportionment days"),
        max_length=32,
        default="14,28",
        help_text=_("Mutual aid plans: days of the month on which shares are computed."),
    )
    claim_reporting_deadline_days = models.PositiveSmallIntegerField(
        _("claim reporting deadline (days)"), default=180
    )
    claim_approval_threshold = MoneyField(
        _("claim approval threshold"),
        default=Decimal("50000.00"),
        help_text=_("Claims approved above this amount need a second approver (four eyes)."),
    )
    claim_appeal_days = models.PositiveSmallIntegerField(
        _("appeal window (days)"),
        default=30,
        help_text=_("Days after a rejection during which the member may appeal."),
    )
    public_notice_days = models.PositiveSmallIntegerField(
        _("public notice (days)"),
        default=3,
        help_text=_("Days an approved claim stays on public notice, open to objections."),
    )
    public_notice_for_insurance = models.BooleanField(
        _("public notice for this insurance plan"),
        default=False,
        help_text=_("Mutual aid plans always put approved claims on notice; premium plans may."),
    )
    objection_threshold = models.PositiveSmallIntegerField(
        _("objections that call a review panel"), default=3
    )
    panel_size = models.PositiveSmallIntegerField(_("review panel size"), default=11)
    panel_quorum = models.PositiveSmallIntegerField(
        _("review panel quorum (votes cast)"), default=7
    )
    panel_vote_days = models.PositiveSmallIntegerField(_("review panel voting (days)"), default=7)
    panel_min_tenure_days = models.PositiveSmallIntegerField(
        _("minimum membership for the panel (days)"), default=180
    )
    benefit_schedule = models.TextField(_("benefit schedule (Chinese)"), blank=True)
    benefit_schedule_en = models.TextField(_("benefit schedule (English)"), blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique"),
            models.CheckConstraint(
                condition=Q(min_entry_age__lte=models.F("max_entry_age")),
                name="plan_version_entry_ages_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def display_benefit_schedule(self) -> str:
        return _localized(self.benefit_schedule, self.benefit_schedule_en)


class AgeBand(models.Model):
    """Benefit and premiums for members whose age at the start falls in [min_age, max_age]."""

    plan_version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("plan version"),
        on_delete=models.CASCADE,
        related_name="age_bands",
    )
    min_age = models.PositiveSmallIntegerField(_("from age"))
    max_age = models.PositiveSmallIntegerField(_("to age"))
    sum_assured = MoneyField(_("benefit (sum assured)"))
    premium_monthly = MoneyField(_("monthly premium"), null=True, blank=True)
    premium_quarterly = MoneyField(_("quarterly premium"), null=True, blank=True)
    premium_annual = MoneyField(_("annual premium"), null=True, blank=True)

    class Meta:
        ordering = ["plan_version", "min_age"]
        verbose_name = _("age band")
        verbose_name_plural = _("age bands")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__lte=models.F("max_age")), name="age_band_ordered"
            ),
            models.CheckConstraint(
                condition=Q(sum_assured__gt=0), name="age_band_benefit_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.min_age}–{self.max_age}"

    def premium_for(self, frequency: str) -> Decimal | None:
        return {
            "monthly": self.premium_monthly,
            "quarterly": self.premium_quarterly,
            "annual": self.premium_annual,
        }.get(frequency)


class HealthQuestion(models.Model):
    """A yes/no question of the health declaration and what a "yes" means."""

    class Outcome(models.TextChoices):
        ACCEPT = "accept", _("Accept")
        REFER = "refer", _("Refer to an underwriter")
        DECLINE = "decline", _("Decline")

    plan_version = models.ForeignKey(
        PlanVersion,
        verbose_name=_("plan version"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question (Chinese)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    yes_outcome = models.CharField(
        _("if answered yes"), max_length=16, choices=Outcome.choices, default=Outcome.REFER
    )

    class Meta:
        ordering = ["plan_version", "order", "id"]
        verbose_name = _("health question")
        verbose_name_plural = _("health declaration")

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        return _localized(self.text, self.text_en)


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
        return _localized(self.title, self.title_en)

    @property
    def display_body(self) -> str:
        return _localized(self.body, self.body_en)


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
        _("member number"), max_length=20, unique=True, null=True, blank=True, editable=False
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
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.APPLICANT,
        db_index=True,
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
    welcome_sent_at = models.DateTimeField(_("welcome e-mail sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        permissions = [
            ("view_identity_number", _("Can see members' full identity numbers")),
        ]
        constraints = [
            # One person, one membership.
            models.UniqueConstraint(fields=["id_type", "id_number"], name="member_one_per_person"),
        ]
        indexes = [
            models.Index(fields=["phone"]),
            models.Index(fields=["legal_name"]),
            models.Index(fields=["region", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_number or _('applicant')} {self.legal_name}"

    @property
    def masked_id_number(self) -> str:
        return mask_identity_number(self.id_number)


def mask_identity_number(number: str) -> str:
    """Show the first 3 and last 4 characters only: 110***********123X."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


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
        return f"{self.member} · {self.plan.code}"

    def waiting_days_left(self, today=None) -> int:
        today = today or timezone.localdate()
        return max(0, (self.waiting_period_end - today).days)


class ContributionDue(models.Model):
    """An amount a member owes: a premium for a period, or an apportioned share."""

    class Kind(models.TextChoices):
        PREMIUM = "premium", _("Premium")
        SHARE = "share", _("Apportioned share")

    class Status(models.TextChoices):
        OPEN = "open", _("Due")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues"
    )
    coverage = models.ForeignKey(
        Coverage, verbose_name=_("coverage"), on_delete=models.PROTECT, related_name="dues"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_date = models.DateField(_("due date"), db_index=True)
    grace_ends_on = models.DateField(
        _("grace period ends"),
        help_text=_("Unpaid after this date, the membership is suspended."),
    )
    amount = MoneyField(_("amount"))
    paid_amount = MoneyField(_("paid"), default=Decimal("0.00"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    ledger_entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["member", "due_date", "id"]
        verbose_name = _("contribution due")
        verbose_name_plural = _("contributions due")
        constraints = [
            # Idempotency of billing: one premium per coverage and period.
            models.UniqueConstraint(
                fields=["coverage", "kind", "period_start"], name="due_once_per_period"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="due_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=models.F("amount")),
                name="due_paid_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "status", "due_date"]),
            models.Index(fields=["status", "grace_ends_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start}–{self.period_end}: {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount


class Payment(models.Model):
    """Money received from a member, recorded once per idempotency key."""

    class Provider(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        MANUAL = "manual", _("Recorded by staff")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = MoneyField(_("amount"))
    received_on = models.DateField(_("received on"))
    provider = models.CharField(_("provider"), max_length=32, choices=Provider.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    allocated_amount = MoneyField(_("allocated"), default=Decimal("0.00"))
    ledger_entry = models.ForeignKey(
        JournalEntry, verbose_name=_("ledger entry"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    #: Not stored: set on the payment ``payment_record`` returns. True when the call was a
    #: replay of the idempotency key and returned the payment an earlier call recorded.
    replayed: bool = False

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated_amount__gte=0) & Q(allocated_amount__lte=models.F("amount")),
                name="payment_allocated_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount} ({self.member_id})"

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.allocated_amount


class PaymentAllocation(models.Model):
    """The part of a payment that settled a contribution due (oldest first)."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="allocations"
    )
    due = models.ForeignKey(
        ContributionDue,
        verbose_name=_("contribution due"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    amount = MoneyField(_("amount"))
    created_at = models.DateTimeField(_("allocated at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.due_id}: {self.amount}"


class MemberEvent(Event):
    """Append-only history of a membership: who did what, when, and why (the common event
    base; written only through ``members.events.member_event``)."""

    class Type(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACCEPTED = "accepted", _("Application accepted")
        REFERRED = "referred", _("Application referred")
        DECLINED = "declined", _("Application declined")
        STATUS = "status", _("Status changed")
        PROFILE = "profile", _("Details changed")
        COVERAGE = "coverage", _("Coverage changed")
        PAYMENT = "payment", _("Payment recorded")
        WITHDRAWAL = "withdrawal", _("Withdrawal requested")
        IMPORTED = "imported", _("Imported")
        NOTICE = "notice", _("Notice sent")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="events"
    )
    type = Event.type_field(Type)

    subject_field = "member"

    class Meta(Event.Meta):
        verbose_name = _("member event")
        verbose_name_plural = _("member events")
        indexes = [models.Index(fields=["member", "at"])]
