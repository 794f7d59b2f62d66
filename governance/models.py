"""Governance: the organs of the society, its articles, meetings, motions, votes, elections.

- ``Articles``: the articles of association (章程) as versioned rows holding every
  governance parameter (notice, record date, quorum, majorities, special matters,
  abstentions, proxies, vote changes, secret ballot, proposal threshold, terms).
- ``Body`` / ``Mandate``: the general or representative assembly, the board of directors,
  the supervisory board; who holds a seat, in which role, from when to when.
- ``Meeting`` with dated milestones (drafted → convened → voting open → voting closed →
  results declared → minutes approved → published), its frozen ``RollEntry`` voter roll
  (hashed), ``AgendaItem`` / ``AgendaDocument`` and ``Motion`` (ordinary, special or an
  election with ``Candidate`` rows).
- Voting is two tables on purpose: ``Participation`` (who took part in which motion; the
  one-counted-vote constraint lives here) and ``Ballot`` (motion, choice, receipt code;
  no voter for a secret ballot). The link from a participation to its ballot is sealed
  under a server key (see ``governance.services.sealing`` and docs/governance.md).
- ``Proxy``, ``Proposal`` / ``ProposalSignature``, ``ConveningNotice``, ``MeetingEvent``.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member
from members.regions import PROVINCE_CHOICES


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

    Defaults (docs/defaults.md): notice 20 days for the annual, 15 for an extraordinary assembly
    (PRC Company Law practice); quorum 10% of eligible members for a members' assembly and
    2/3 of representatives; ordinary majority more than 1/2, special at least 2/3 of the
    votes cast (Pilot Measures); proxies allowed, at most 3 per holder.
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
        if body_kind == Body.Kind.GENERAL_ASSEMBLY:
            return Fraction(self.quorum_members_num, self.quorum_members_den)
        return Fraction(self.quorum_representatives_num, self.quorum_representatives_den)

    def notice_days_for(self, meeting_kind: str) -> int:
        return {
            Meeting.Kind.ANNUAL: self.notice_days_annual,
            Meeting.Kind.EXTRAORDINARY: self.notice_days_extraordinary,
            Meeting.Kind.BOARD: self.notice_days_board,
        }[meeting_kind]

    def is_special(self, matter: str) -> bool:
        return matter in (self.special_matters or [])


class Body(models.Model):
    """An organ of the society (Pilot Measures: the member (representative) assembly is
    the highest authority; a board of directors and a supervisory board)."""

    class Kind(models.TextChoices):
        GENERAL_ASSEMBLY = "general_assembly", _("General assembly (会员大会)")
        REPRESENTATIVE_ASSEMBLY = (
            "representative_assembly",
            _("Representative assembly (会员代表大会)"),
        )
        BOARD = "board", _("Board of directors (董事会)")
        SUPERVISORY_BOARD = "supervisory_board", _("Supervisory board (监事会)")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    seats = models.PositiveIntegerField(
        _("seats"), default=0, help_text=_("0 for the assembly of all members.")
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("governing body")
        verbose_name_plural = _("governing bodies")

    def __str__(self) -> str:
        return self.name

    @property
    def is_all_members(self) -> bool:
        return self.kind == self.Kind.GENERAL_ASSEMBLY


class Mandate(models.Model):
    """A seat held by a member on a body, in a role, for a term."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")
        REPRESENTATIVE = "representative", _("Representative")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="mandates"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="mandates"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    region = models.CharField(_("constituency"), max_length=2, choices=PROVINCE_CHOICES, blank=True)
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    elected_by = models.ForeignKey(
        "Motion",
        verbose_name=_("elected by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandates",
    )

    class Meta:
        ordering = ["body", "role", "starts_on"]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lt=models.F("ends_on")), name="mandate_term_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.member.legal_name} ({self.get_role_display()})"

    def is_sitting(self, on: dt.date) -> bool:
        return self.starts_on <= on < self.ends_on


class Meeting(models.Model):
    """A meeting of a body and its dated milestones (Helios: a vote's lifecycle as dates)."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual assembly")
        EXTRAORDINARY = "extraordinary", _("Extraordinary assembly")
        BOARD = "board", _("Board meeting")

    class Status(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        CONVENED = "convened", _("Convened")
        VOTING_OPEN = "voting_open", _("Voting open")
        VOTING_CLOSED = "voting_closed", _("Voting closed")
        RESULTS_DECLARED = "results_declared", _("Results declared")
        MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
        PUBLISHED = "published", _("Published")

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    location = models.CharField(_("place"), max_length=200, blank=True)
    articles = models.ForeignKey(
        Articles,
        verbose_name=_("articles applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("Fixed when the meeting is convened."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFTED
    )
    voting_opens_at = models.DateTimeField(_("voting opens"))
    voting_closes_at = models.DateTimeField(_("voting closes"))
    record_date = models.DateField(_("record date"), null=True, blank=True)
    secret_ballot = models.BooleanField(_("secret ballot"), default=True)
    created_at = models.DateTimeField(_("drafted at"), default=timezone.now, editable=False)
    convened_at = models.DateTimeField(_("convened at"), null=True, blank=True)
    voting_opened_at = models.DateTimeField(_("voting opened at"), null=True, blank=True)
    voting_closed_at = models.DateTimeField(_("voting closed at"), null=True, blank=True)
    results_declared_at = models.DateTimeField(_("results declared at"), null=True, blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    roll_size = models.PositiveIntegerField(_("voters on the roll"), null=True, blank=True)
    roll_hash = models.CharField(
        _("voter roll SHA-256"),
        max_length=64,
        blank=True,
        help_text=_("Hash of the frozen voter roll (sorted member numbers)."),
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_drafted_at = models.DateTimeField(_("minutes drafted at"), null=True, blank=True)

    class Meta:
        ordering = ["-voting_opens_at", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(voting_opens_at__lt=models.F("voting_closes_at")),
                name="meeting_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def roll_frozen(self) -> bool:
        return bool(self.roll_hash)

    def window_open(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return (
            self.status == self.Status.VOTING_OPEN
            and self.voting_opens_at <= at < self.voting_closes_at
        )


class RollEntry(models.Model):
    """One voter on a meeting's frozen roll. Written once when the meeting is convened;
    a database trigger refuses any change or late addition (migration 0002)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="roll"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("voter roll entry")
        verbose_name_plural = _("voter roll")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="roll_voter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.member_id}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    proposal = models.OneToOneField(
        "Proposal",
        verbose_name=_("member proposal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_item",
    )

    class Meta:
        ordering = ["meeting", "order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")

    def __str__(self) -> str:
        return self.title


class AgendaDocument(models.Model):
    """A document for an agenda item: its text, or a link to where it is published."""

    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["item", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


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
        REJECTED = "rejected", _("Rejected")
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


class ConveningNotice(models.Model):
    """The convening notice to one voter: one row per voter per meeting, sent once."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="notices"
    )
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("convening notice")
        verbose_name_plural = _("convening notices")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} → {self.member_id}"


class MeetingEvent(models.Model):
    """Append-only audit of a meeting: convening, voting, in-person ballots, results,
    minutes, publication. Never says how a secret ballot was cast."""

    class Type(models.TextChoices):
        DRAFTED = "drafted", _("Drafted")
        CONVENED = "convened", _("Convened")
        ROLL_FROZEN = "roll_frozen", _("Voter roll frozen")
        VOTING_OPENED = "voting_opened", _("Voting opened")
        VOTING_CLOSED = "voting_closed", _("Voting closed")
        RESULTS_DECLARED = "results_declared", _("Results declared")
        MINUTES_DRAFTED = "minutes_drafted", _("Minutes drafted")
        MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
        PUBLISHED = "published", _("Published")
        MOTION_ADDED = "motion_added", _("Motion added")
        IN_PERSON_VOTE = "in_person_vote", _("In-person vote recorded")
        VOTE_CHANGED = "vote_changed", _("Vote changed")
        PROXY = "proxy", _("Proxy appointed")
        PROXY_REVOKED = "proxy_revoked", _("Proxy revoked")
        PROPOSAL = "proposal", _("Member proposal put on the agenda")
        NOMINATION = "nomination", _("Candidate nominated")
        DRAW = "draw", _("Tie broken by draw")
        NOTICES_SENT = "notices_sent", _("Convening notices sent")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="events"
    )
    type = models.CharField(_("event"), max_length=20, choices=Type.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("meeting event")
        verbose_name_plural = _("meeting events")
        indexes = [models.Index(fields=["meeting", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_type_display()}"
