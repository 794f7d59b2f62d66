"""Motions put to the vote, and the candidates (with their seconders) of an election."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import Member
from members.regions import PROVINCE_CHOICES

from .articles import Matter
from .bodies import Body
from .meetings import AgendaItem, Meeting


class Motion(models.Model):
    """A question put to the vote: ordinary or special (derived from the matter by the
    articles), or an election of ``seats`` among candidates."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary resolution")
        SPECIAL = "special", _("Special resolution")
        ELECTION = "election", _("Election")

    class Outcome(models.TextChoices):
        PENDING = "", _("Not declared")
        ADOPTED = "adopted", _("Adopted")
        REJECTED = "rejected", pgettext_lazy("motion", "Rejected")
        ELECTED = "elected", _("Elected")
        NO_QUORUM = "no_quorum", _("No quorum")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="motions"
    )
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="motions",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    matter = models.CharField(_("matter"), max_length=20, choices=Matter.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, editable=False)
    # Elections
    seats = models.PositiveSmallIntegerField(_("seats to fill"), default=0)
    elects_to = models.ForeignKey(
        Body,
        verbose_name=_("elects to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    constituency = models.CharField(
        _("constituency"), max_length=2, choices=PROVINCE_CHOICES, blank=True
    )
    draw_seed = models.CharField(
        _("tie-break draw seed"),
        max_length=64,
        blank=True,
        help_text=_("Recorded at the close; ties are broken by sha256(seed‖candidate id)."),
    )
    # Result (declared)
    eligible = models.PositiveIntegerField(_("eligible voters"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("took part"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    votes_cast = models.PositiveIntegerField(_("votes cast"), null=True, blank=True)
    quorum_met = models.BooleanField(_("quorum met"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING, blank=True
    )

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="motion_number_unique"),
            models.CheckConstraint(
                condition=Q(kind="election", seats__gt=0) | (~Q(kind="election") & Q(seats=0)),
                name="motion_seats_only_for_elections",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def is_election(self) -> bool:
        return self.kind == self.Kind.ELECTION


class Candidate(models.Model):
    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        STANDING = "standing", _("Standing")
        ELECTED = "elected", _("Elected")
        NOT_ELECTED = "not_elected", _("Not elected")

    motion = models.ForeignKey(
        Motion, verbose_name=_("election"), on_delete=models.PROTECT, related_name="candidates"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(_("candidate statement"), blank=True)
    nominated_by = models.ForeignKey(
        Member, verbose_name=_("nominated by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOMINATED
    )
    votes = models.PositiveIntegerField(_("votes"), null=True, blank=True)
    draw_rank = models.CharField(_("draw key"), max_length=64, blank=True)

    class Meta:
        ordering = ["motion", "id"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.UniqueConstraint(fields=["motion", "member"], name="candidate_once"),
        ]

    def __str__(self) -> str:
        return self.member.legal_name


class Seconding(models.Model):
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="seconders"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("seconded by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("seconder")
        verbose_name_plural = _("seconders")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "member"], name="seconding_once"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} ← {self.member_id}"
