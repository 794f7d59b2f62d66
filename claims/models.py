"""Claims, their documents and history, public notice, objections, review panels and
apportionment periods.

- ``Claim``: one event claimed on one coverage, from intake to payment; its status
  changes only through ``claims.services`` (table in ``claims.transitions``).
- ``ClaimEvent``: the append-only history (who, when, why; old and new status).
- ``ClaimDocument``: a supporting file kept under the private root
  (``settings.CLAIM_DOCUMENTS_ROOT``), never under MEDIA_URL.
- ``ClaimReserve`` / ``ClaimPayment``: dated case-reserve estimates and payments, the raw
  material of development triangles.
- ``Objection``, ``ReviewPanel``, ``PanelSeat``: public notice and member review.
- ``ApportionmentPeriod``: one run of post-funded cost sharing for a plan and cut-off.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import JournalEntry
from members.models import Coverage, Member, Plan
from mutualsociety.common.money import MoneyField


class Claim(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        INFO_REQUESTED = "info_requested", _("Information requested")
        ASSESSED = "assessed", _("Assessed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        APPEALED = "appealed", _("Appealed")
        PAID = "paid", _("Paid")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Kind(models.TextChoices):
        ILLNESS = "illness", _("Illness")
        ACCIDENT = "accident", _("Accident")

    class Notice(models.TextChoices):
        NONE = "none", _("Not on public notice")
        ON_NOTICE = "on_notice", _("On public notice")
        UNDER_REVIEW = "panel", _("Before a review panel")
        CLEARED = "cleared", _("Cleared")
        OVERTURNED = "overturned", _("Overturned by the review panel")

    number = models.CharField(_("claim number"), max_length=20, unique=True)
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="claims"
    )
    coverage = models.ForeignKey(
        Coverage, verbose_name=_("coverage"), on_delete=models.PROTECT, related_name="claims"
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="claims"
    )
    kind = models.CharField(_("kind of event"), max_length=16, choices=Kind.choices)
    event_date = models.DateField(_("event date"), help_text=_("Date of diagnosis or accident."))
    description = models.TextField(_("description"))
    amount_claimed = MoneyField(_("amount claimed"))
    bank_account_name = models.CharField(_("account holder"), max_length=100)
    bank_account_number = models.CharField(_("bank account number"), max_length=34)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    checks = models.JSONField(
        _("automatic checks"), default=dict, help_text=_("Computed at intake.")
    )
    # De-identified facts for the public notice, fixed at intake.
    age_band = models.CharField(_("age band"), max_length=16)
    region = models.CharField(_("region"), max_length=2)
    benefit = MoneyField(_("benefit for the age band"))
    assessed_amount = MoneyField(_("assessed amount"), null=True, blank=True)
    assessment_reasons = models.TextField(_("assessment reasons"), blank=True)
    investigation_summary = models.TextField(
        _("investigation summary"),
        blank=True,
        help_text=_("Published on the public notice: no names, numbers or exact dates."),
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first approval by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reasons = models.TextField(_("reasons for rejection"), blank=True)
    appeal_until = models.DateField(_("appeal possible until"), null=True, blank=True)
    notice_status = models.CharField(
        _("public notice"), max_length=16, choices=Notice.choices, default=Notice.NONE
    )
    notice_from = models.DateField(_("on notice from"), null=True, blank=True)
    notice_until = models.DateField(_("on notice until"), null=True, blank=True)
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True, db_index=True)
    apportionment_period = models.ForeignKey(
        "ApportionmentPeriod",
        verbose_name=_("shared in period"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    paid_amount = MoneyField(_("paid"), default=Decimal("0.00"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    days_to_payment = models.PositiveIntegerField(_("days from submission to payment"), null=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            ("assess_claim", _("Can assess claims")),
            ("decide_claim", _("Can approve or reject claims")),
            ("pay_claim", _("Can pay claims")),
            ("run_apportionment", _("Can run apportionments")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_claimed__gt=0), name="claim_amount_positive"),
            models.CheckConstraint(
                condition=Q(assessed_amount__isnull=True) | Q(assessed_amount__gte=0),
                name="claim_assessed_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "status"]),
            models.Index(fields=["plan", "notice_status", "cleared_on"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def approved_amount(self) -> Decimal | None:
        return self.assessed_amount

    @property
    def days_open(self) -> int:
        end = self.paid_at or (
            self.status_changed_at
            if self.status in (self.Status.WITHDRAWN, self.Status.REJECTED)
            else None
        )
        return ((end or timezone.now()) - self.submitted_at).days


class ClaimEvent(models.Model):
    """Append-only: every transition and decision on a claim, with who, when and why."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="events"
    )
    type = models.CharField(_("event"), max_length=32)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    old_status = models.CharField(_("from"), max_length=16, blank=True)
    new_status = models.CharField(_("to"), max_length=16, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.type} {self.at:%Y-%m-%d}"


class ClaimDocument(models.Model):
    """A supporting document; the file lives under the private root, at ``path``."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="documents"
    )
    path = models.CharField(_("stored as"), max_length=200, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["claim", "uploaded_at", "id"]
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")

    def __str__(self) -> str:
        return self.original_name


class ClaimReserve(models.Model):
    """One dated case-reserve estimate: every change of the estimate is a new row."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="reserves"
    )
    as_of = models.DateField(_("as of"))
    amount = MoneyField(_("case reserve"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["claim", "recorded_at", "id"]
        verbose_name = _("case reserve")
        verbose_name_plural = _("case reserve history")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="reserve_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.amount}"


class ClaimPayment(models.Model):
    """A payment of a claim, posted to the ledger once (unique idempotency key)."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = MoneyField(_("amount"))
    paid_on = models.DateField(_("paid on"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    ledger_entry = models.ForeignKey(
        JournalEntry, verbose_name=_("ledger entry"), on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["claim", "paid_on", "id"]
        verbose_name = _("claim payment")
        verbose_name_plural = _("claim payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"


class Objection(models.Model):
    """A member's objection to a claim on public notice (one per member and claim)."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="objections"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("objected at"), default=timezone.now)

    class Meta:
        ordering = ["claim", "created_at"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.UniqueConstraint(fields=["claim", "member"], name="objection_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id} · {self.member_id}"


class ReviewPanel(models.Model):
    """A draw of K members to review a disputed claim; ``round`` counts redraws.

    Reproducible: the roll (eligible as of ``eligibility_as_of`` with ``min_tenure_days``,
    less anyone seated on an earlier panel of the claim) is ordered by
    sha256(seed || member_number) (hex) and the first K are drawn (see docs/claims.md).
    """

    class Trigger(models.TextChoices):
        OBJECTIONS = "objections", _("Objections reached the threshold")
        APPEAL = "appeal", _("Appeal by the member")

    class Status(models.TextChoices):
        VOTING = "voting", _("Voting")
        DECIDED = "decided", _("Decided")
        NO_QUORUM = "no_quorum", _("No quorum; drawn again")
        AWAITING_STAFF = "awaiting_staff", _("No members left to draw; awaiting a staff decision")
        STAFF_DECIDED = "staff_decided", _("Decided by claims staff (no members left to draw)")

    class Outcome(models.TextChoices):
        UPHOLD = "uphold", _("Uphold the decision")
        OVERTURN = "overturn", _("Overturn the decision")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="panels"
    )
    trigger = models.CharField(_("called by"), max_length=16, choices=Trigger.choices)
    round = models.PositiveSmallIntegerField(_("draw"), default=1)
    seed = models.CharField(_("published seed"), max_length=64)
    size = models.PositiveSmallIntegerField(_("members drawn"))
    quorum = models.PositiveSmallIntegerField(_("quorum (votes cast)"))
    eligible_count = models.PositiveIntegerField(_("eligible members"))
    roll_sha256 = models.CharField(
        _("eligible roll fingerprint"),
        max_length=64,
        blank=True,
        help_text=_(
            "SHA-256 of this draw's roll (its member numbers, sorted and joined by commas): "
            "whoever is given the list can check it is the one drawn from."
        ),
    )
    eligibility_as_of = models.DateField(
        _("eligibility as of"),
        null=True,
        blank=True,
        help_text=_(
            "The day membership tenure is measured on: fixed at the first draw for the "
            "claim and kept by every later draw, so the roll does not move between draws."
        ),
    )
    min_tenure_days = models.PositiveIntegerField(
        _("minimum tenure (days)"),
        null=True,
        blank=True,
        help_text=_("The plan's minimum tenure at the first draw, kept by later draws."),
    )
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by (staff)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    vote_until = models.DateField(_("votes until"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.VOTING
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    uphold_votes = models.PositiveSmallIntegerField(_("uphold votes"), default=0)
    overturn_votes = models.PositiveSmallIntegerField(_("overturn votes"), default=0)
    reasons = models.TextField(_("published reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["claim", "trigger", "round"]
        verbose_name = _("review panel")
        verbose_name_plural = _("review panels")
        constraints = [
            models.UniqueConstraint(fields=["claim", "trigger", "round"], name="panel_round_once"),
        ]

    def __str__(self) -> str:
        return f"{self.claim} · {self.get_trigger_display()} #{self.round}"


class PanelSeat(models.Model):
    """A member drawn to a panel, and their vote (one per member, set once)."""

    panel = models.ForeignKey(
        ReviewPanel, verbose_name=_("panel"), on_delete=models.PROTECT, related_name="seats"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="panel_seats"
    )
    rank = models.PositiveIntegerField(_("rank in the draw"))
    vote = models.CharField(
        _("vote"), max_length=16, choices=ReviewPanel.Outcome.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    voted_at = models.DateTimeField(_("voted at"), null=True, blank=True)

    class Meta:
        ordering = ["panel", "rank"]
        verbose_name = _("panel seat")
        verbose_name_plural = _("panel seats")
        constraints = [
            models.UniqueConstraint(fields=["panel", "member"], name="seat_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.panel_id} #{self.rank}"


class ApportionmentPeriod(models.Model):
    """One apportionment of a mutual aid plan: the claims cleared up to the cut-off, the
    fee, who shared and how much; one per plan and cut-off (idempotency)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="apportionments"
    )
    period_start = models.DateField(_("period from"))
    cutoff = models.DateField(_("cut-off"))
    claim_count = models.PositiveIntegerField(_("cases"))
    benefits_total = MoneyField(_("benefits shared"))
    fee_rate = models.DecimalField(_("management fee rate"), max_digits=9, decimal_places=6)
    fee = MoneyField(_("management fee"))
    total = MoneyField(_("total to share"))
    members_sharing = models.PositiveIntegerField(_("members sharing"))
    share_per_member = MoneyField(_("share per member"))
    extra_cent_members = models.PositiveIntegerField(
        _("members paying one cent more"),
        default=0,
        help_text=_(
            "The rounding remainder: the first members by coverage number pay one cent more."
        ),
    )
    annual_cap = MoneyField(_("annual cap"), null=True, blank=True)
    capped_members = models.PositiveIntegerField(_("members at the cap"), default=0)
    shares_total = MoneyField(_("shares due"))
    shortfall = MoneyField(_("shortfall"), default=Decimal("0.00"))
    shortfall_fee_waived = MoneyField(_("met by waiving the fee"), default=Decimal("0.00"))
    shortfall_from_surplus = MoneyField(_("met from the surplus"), default=Decimal("0.00"))
    ledger_entry = models.ForeignKey(
        JournalEntry,
        verbose_name=_("ledger entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    run_at = models.DateTimeField(_("run at"), default=timezone.now)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "-cutoff"]
        verbose_name = _("apportionment period")
        verbose_name_plural = _("apportionment periods")
        constraints = [
            models.UniqueConstraint(fields=["plan", "cutoff"], name="apportionment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} {self.period_start}–{self.cutoff}"
