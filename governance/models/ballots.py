"""Voting: who took part (``Participation``) and what was chosen (``Ballot``,
``BallotSelection``) in two tables on purpose, and proxies.

The link from a participation to its ballot is sealed under a server key (see
``governance.services.sealing`` and docs/governance.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member

from .meetings import Meeting
from .motions import Candidate, Motion


class Participation(models.Model):
    """That a voter took part in a motion: who, how, when. Never what they chose.

    Exactly one counted participation per voter per motion (partial unique constraint).
    ``ballot_seal`` is the id of the ballot cast, encrypted under a server key with a
    per-row nonce, so that a change of vote can retire the superseded ballot while no
    query over the database alone can join a voter to a choice.
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")

    motion = models.ForeignKey(
        Motion, verbose_name=_("motion"), on_delete=models.PROTECT, related_name="participations"
    )
    voter = models.ForeignKey(
        Member, verbose_name=_("voter"), on_delete=models.PROTECT, related_name="+"
    )
    cast_by = models.ForeignKey(
        Member,
        verbose_name=_("cast by proxy holder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    counted = models.BooleanField(_("counted"), default=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    ballot_nonce = models.CharField(max_length=32, editable=False)
    ballot_seal = models.CharField(max_length=32, editable=False)

    class Meta:
        ordering = ["motion", "at"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "voter"],
                condition=Q(counted=True),
                name="one_counted_ballot_per_voter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.motion_id}: {self.voter_id}"


class Ballot(models.Model):
    """What was chosen on a motion, with its receipt code. No voter and no time for a
    secret ballot; a random primary key so that the order of rows says nothing."""

    class Choice(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstain")
        CANDIDATES = "candidates", _("Candidates")

    id = models.UUIDField(primary_key=True, editable=False)
    motion = models.ForeignKey(
        Motion, verbose_name=_("motion"), on_delete=models.PROTECT, related_name="ballots"
    )
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices)
    receipt = models.CharField(_("receipt code"), max_length=16, unique=True)
    counted = models.BooleanField(_("counted"), default=True)
    voter = models.ForeignKey(
        Member,
        verbose_name=_("voter (open ballot only)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["receipt"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["motion", "counted", "choice"], name="ballot_tally_idx")]

    def __str__(self) -> str:
        return self.receipt


def random_key() -> int:
    """A random positive 63-bit key: row ids that carry no order of insertion."""
    import secrets

    return secrets.randbits(63) or 1


class BallotSelection(models.Model):
    """A candidate marked on an election ballot (up to the number of seats).

    Its key is random, not a sequence: sequential ids would give the order in which
    ballots were cast, which pairs with the order of the participations (who voted)."""

    id = models.BigIntegerField(primary_key=True, default=random_key, editable=False)
    ballot = models.ForeignKey(
        Ballot, verbose_name=_("ballot"), on_delete=models.PROTECT, related_name="selections"
    )
    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("ballot selection")
        verbose_name_plural = _("ballot selections")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "candidate"], name="selection_once"),
        ]

    def __str__(self) -> str:
        return str(self.candidate_id)


class Proxy(models.Model):
    """A voter lets another eligible voter vote for them at one meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="proxies"
    )
    principal = models.ForeignKey(
        Member, verbose_name=_("member represented"), on_delete=models.PROTECT, related_name="+"
    )
    holder = models.ForeignKey(
        Member, verbose_name=_("proxy holder"), on_delete=models.PROTECT, related_name="+"
    )
    appointed_at = models.DateTimeField(_("appointed at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "appointed_at"]
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "principal"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_proxy_per_principal",
            ),
            models.CheckConstraint(
                condition=~Q(principal=models.F("holder")), name="proxy_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.principal_id} → {self.holder_id}"
