"""Member proposals and their co-signatures."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member

from .articles import Matter


class Proposal(models.Model):
    """A motion drafted by a member; with enough co-signatures it is queued for the next
    assembly's agenda, and the board cannot drop it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Collecting signatures")
        QUEUED = "queued", _("Queued for the next assembly")
        ON_AGENDA = "on_agenda", _("On an agenda")

    author = models.ForeignKey(
        Member, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    matter = models.CharField(
        _("matter"), max_length=20, choices=Matter.choices, default=Matter.GENERAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    threshold = models.PositiveIntegerField(_("co-signatures needed"))
    created_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("member proposal")
        verbose_name_plural = _("member proposals")

    def __str__(self) -> str:
        return self.title


class ProposalSignature(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="signatures"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("co-signature")
        verbose_name_plural = _("co-signatures")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="cosign_once"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} ← {self.member_id}"
