"""Public notice and member review: objections, review panels and their seats."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member

from .claims import Claim


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

    class Vote(models.TextChoices):
        NONE = "", _("Not voted yet")
        UPHOLD = ReviewPanel.Outcome.UPHOLD.value, ReviewPanel.Outcome.UPHOLD.label
        OVERTURN = ReviewPanel.Outcome.OVERTURN.value, ReviewPanel.Outcome.OVERTURN.label

    panel = models.ForeignKey(
        ReviewPanel, verbose_name=_("panel"), on_delete=models.PROTECT, related_name="seats"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="panel_seats"
    )
    rank = models.PositiveIntegerField(_("rank in the draw"))
    vote = models.CharField(_("vote"), max_length=16, choices=Vote.choices, blank=True)
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
