"""The articles of association (章程) as versioned rows holding every governance parameter,
and the matters a motion may decide."""

from __future__ import annotations

from fractions import Fraction

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Matter(models.TextChoices):
    """What a motion decides. The articles list which matters need the special majority."""

    GENERAL = "general", _("General business")
    REPORT = "report", _("Approval of reports and accounts")
    BUDGET = "budget", _("Budget")
    ELECTION = "election", _("Election")
    AMEND_ARTICLES = "amend_articles", _("Amending the articles of association")
    MERGER = "merger", _("Merger")
    DIVISION = "division", _("Division")
    DISSOLUTION = "dissolution", _("Dissolution")
    LEGAL_FORM = "legal_form", _("Change of legal form")
    FUND_REPAYMENT = "fund_repayment", _("Repayment of the initial operating fund")
    SURPLUS = "surplus", _("Distribution of surplus")


#: Pilot Measures and cooperative practice: these matters need two thirds of the votes cast.
DEFAULT_SPECIAL_MATTERS = [
    Matter.AMEND_ARTICLES.value,
    Matter.MERGER.value,
    Matter.DIVISION.value,
    Matter.DISSOLUTION.value,
    Matter.LEGAL_FORM.value,
    Matter.FUND_REPAYMENT.value,
    Matter.SURPLUS.value,
]


def default_special_matters() -> list[str]:
    return list(DEFAULT_SPECIAL_MATTERS)


class Articles(models.Model):
    """One version of the articles of association and the governance parameters it sets.

    Defaults (docs/defaults.md): notice 20 days for the annual, 15 for an extraordinary
    assembly (PRC Company Law practice); quorum 10% of eligible members for a members'
    assembly and 2/3 of representatives; ordinary majority more than 1/2, special at least
    2/3 of the votes cast (Pilot Measures); proxies allowed, at most 3 per holder.
    The version in force is the latest with ``effective_from`` on or before the day.
    """

    class ThresholdKind(models.TextChoices):
        NUMBER = "number", _("A number of members")
        SHARE = "share", _("A share of the active members")

    version = models.CharField(_("version"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200, default="章程")
    text = models.TextField(_("text"), blank=True)
    effective_from = models.DateField(_("effective from"))
    notice_days_annual = models.PositiveSmallIntegerField(
        _("notice for the annual assembly (days)"), default=20
    )
    notice_days_extraordinary = models.PositiveSmallIntegerField(
        _("notice for an extraordinary assembly (days)"), default=15
    )
    notice_days_board = models.PositiveSmallIntegerField(
        _("notice for a board meeting (days)"), default=10
    )
    record_date_offset_days = models.PositiveSmallIntegerField(
        _("record date (days before voting opens)"),
        default=5,
        help_text=_("The voter roll is frozen as it stands on this day before voting opens."),
    )
    quorum_members_num = models.PositiveIntegerField(_("quorum of members: numerator"), default=1)
    quorum_members_den = models.PositiveIntegerField(
        _("quorum of members: denominator"), default=10
    )
    quorum_representatives_num = models.PositiveIntegerField(
        _("quorum of representatives and boards: numerator"), default=2
    )
    quorum_representatives_den = models.PositiveIntegerField(
        _("quorum of representatives and boards: denominator"), default=3
    )
    ordinary_majority_num = models.PositiveIntegerField(
        _("ordinary majority: numerator"),
        default=1,
        help_text=_("Adopted with MORE than this share of the votes cast."),
    )
    ordinary_majority_den = models.PositiveIntegerField(
        _("ordinary majority: denominator"), default=2
    )
    special_majority_num = models.PositiveIntegerField(
        _("special majority: numerator"),
        default=2,
        help_text=_("Adopted with AT LEAST this share of the votes cast."),
    )
    special_majority_den = models.PositiveIntegerField(
        _("special majority: denominator"), default=3
    )
    special_matters = models.JSONField(
        _("matters that need the special majority"), default=default_special_matters
    )
    abstentions_count = models.BooleanField(
        _("abstentions count toward the votes cast"),
        default=False,
        help_text=_("When they count, an abstention works like a vote against."),
    )
    proxies_allowed = models.BooleanField(_("proxies allowed"), default=True)
    proxies_max_per_holder = models.PositiveSmallIntegerField(
        _("most proxies one holder may carry"), default=3
    )
    vote_changes_allowed = models.BooleanField(
        _("voters may change their vote before the close"), default=True
    )
    secret_ballot = models.BooleanField(_("secret ballot"), default=True)
    proposal_threshold_kind = models.CharField(
        _("co-signatures a member proposal needs"),
        max_length=8,
        choices=ThresholdKind.choices,
        default=ThresholdKind.NUMBER,
    )
    proposal_threshold_number = models.PositiveIntegerField(
        _("co-signatures needed (number)"), default=20
    )
    proposal_threshold_share_permille = models.PositiveIntegerField(
        _("co-signatures needed (per mille of active members)"), default=10
    )
    term_years = models.PositiveSmallIntegerField(_("term of office (years)"), default=4)
    term_limit = models.PositiveSmallIntegerField(
        _("most consecutive terms on one body"), default=2
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("articles of association")
        verbose_name_plural = _("articles of association")
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_members_num__lte=models.F("quorum_members_den"))
                & Q(quorum_members_den__gt=0)
                & Q(quorum_representatives_num__lte=models.F("quorum_representatives_den"))
                & Q(quorum_representatives_den__gt=0)
                & Q(ordinary_majority_num__lt=models.F("ordinary_majority_den"))
                & Q(special_majority_num__lte=models.F("special_majority_den"))
                & Q(special_majority_den__gt=0),
                name="articles_shares_are_fractions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    @property
    def ordinary_majority(self) -> Fraction:
        return Fraction(self.ordinary_majority_num, self.ordinary_majority_den)

    @property
    def special_majority(self) -> Fraction:
        return Fraction(self.special_majority_num, self.special_majority_den)

    def quorum_for(self, body_kind: str) -> Fraction:
        from .bodies import Body

        if body_kind == Body.Kind.GENERAL_ASSEMBLY:
            return Fraction(self.quorum_members_num, self.quorum_members_den)
        return Fraction(self.quorum_representatives_num, self.quorum_representatives_den)

    def notice_days_for(self, meeting_kind: str) -> int:
        from .meetings import Meeting

        return {
            Meeting.Kind.ANNUAL: self.notice_days_annual,
            Meeting.Kind.EXTRAORDINARY: self.notice_days_extraordinary,
            Meeting.Kind.BOARD: self.notice_days_board,
        }[meeting_kind]

    def is_special(self, matter: str) -> bool:
        return matter in (self.special_matters or [])
