"""Public notice, objections and member review panels (mutual aid practice, Xiang Hu Bao:
approved cases are published for members to object; disputed cases go to a jury of
randomly drawn members).

The draw is reproducible by anyone holding the published data: the eligibility date and the
minimum tenure are fixed at the first draw of a claim and kept by its redraws; the roll is
the members eligible on those terms (active, not the claimant, not a person who handled the
case, not an objector), less everyone already seated on a panel of the claim; they are
ordered by the hex SHA-256 of the seed followed by their member number, ties by id, and the
first K drawn.
With no members left for a quorum, the decision goes to claims staff (``panel_staff_decide``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

from django.db import connection, transaction
from django.db.models import Func, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.exceptions import (
    DomainError,
    InvalidInput,
    NotAllowed,
    NotFound,
    TransitionNotAllowed,
)

from ..calculations import panel_outcome
from ..events import claim_event, claim_events_bulk
from ..models import Claim, ClaimEvent, Objection, PanelSeat, ReviewPanel
from ..selectors import PUBLIC_NOTICE
from .intake import publishable

logger = logging.getLogger(__name__)


class Sha256Hex(Func):
    """hex(sha256(text)): PostgreSQL's own function; on SQLite a registered Python one."""

    function = "ms_sha256"
    output_field = TextField()

    def as_postgresql(self, compiler, conn, **extra):
        return self.as_sql(
            compiler,
            conn,
            template="encode(sha256(convert_to(%(expressions)s, 'UTF8')), 'hex')",
            **extra,
        )


def _sqlite_sha256() -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.create_function(
            "ms_sha256",
            1,
            lambda text: hashlib.sha256((text or "").encode()).hexdigest(),
            deterministic=True,
        )


class _RollHash:
    """SQLite aggregate: incremental SHA-256 of the values, comma-joined, in row order."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.first = True

    def step(self, value) -> None:
        self.digest.update(("" if self.first else ",").encode() + str(value).encode())
        self.first = False

    def finalize(self) -> str:
        return self.digest.hexdigest()


_PG_ROLL_HASH = (
    "encode(sha256(convert_to(COALESCE(string_agg(e.member_number, ',' "
    "ORDER BY e.member_number), ''), 'UTF8')), 'hex')"
)


def roll_fingerprint(eligible) -> str:
    """SHA-256 of the eligible member numbers, sorted and comma-joined, computed in the
    database (no member row comes into Python)."""
    sql, params = eligible.order_by("member_number").values("member_number").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {_PG_ROLL_HASH} FROM ({sql}) e", params)  # noqa: S608
        else:
            connection.connection.create_aggregate("ms_roll_sha256", 1, _RollHash)
            # SQLite feeds the aggregate in the subquery's order.
            cursor.execute(f"SELECT ms_roll_sha256(e.member_number) FROM ({sql}) e", params)  # noqa: S608
        return cursor.fetchone()[0] or hashlib.sha256(b"").hexdigest()


def panel_eligible(
    claim: Claim,
    *,
    today: dt.date,
    min_tenure_days: int | None = None,
    exclude_seated: bool = False,
):
    """Members who may sit on a panel for ``claim`` (a queryset, not evaluated): active,
    members since at least ``min_tenure_days`` before ``today`` (the eligibility date), not
    the claimant, not a person who acted on the case, not a member who objected to it; with
    ``exclude_seated`` not anyone already drawn for an earlier panel of the claim."""
    if min_tenure_days is None:
        min_tenure_days = claim.coverage.plan_version.panel_min_tenure_days
    handlers = (
        ClaimEvent.objects.filter(claim=claim, actor__isnull=False)
        .exclude(actor_id=claim.member.user_id)
        .values("actor_id")
    )
    eligible = (
        Member.objects.filter(
            status=Member.Status.ACTIVE,
            joined_on__lte=today - dt.timedelta(days=min_tenure_days),
            member_number__isnull=False,
        )
        .exclude(pk=claim.member_id)
        .exclude(Q(user_id__isnull=False) & Q(user_id__in=handlers))
        # conflict of interest: an objector does not judge their own objection
        .exclude(pk__in=Objection.objects.filter(claim=claim).values("member_id"))
    )
    if exclude_seated:
        eligible = eligible.exclude(
            pk__in=PanelSeat.objects.filter(panel__claim=claim).values("member_id")
        )
    return eligible


def panel_draw(
    *,
    claim: Claim,
    trigger: str,
    round: int = 1,  # noqa: A002
    seed: str | None = None,
    today: dt.date | None = None,
    previous: ReviewPanel | None = None,
) -> ReviewPanel:
    """Draw a panel for ``claim`` (caller holds the claim's lock).

    A first draw makes a new seed and fixes the eligibility date (``today``) and the
    plan's minimum tenure; a redraw (``previous`` given) keeps the seed, the eligibility
    date and the tenure of the draw before it. The roll is the eligible members less
    everyone already seated on a panel of this claim; the first K by
    sha256(seed ‖ member_number) are drawn. The seed, the eligibility date, the tenure, the
    size of the roll and its fingerprint are published, so the draw can be reproduced.

    When fewer members are left than the plan's quorum (a panel that can never decide),
    no one is seated: the panel is recorded as awaiting a staff decision
    (``panel_staff_decide``), with an event, and that is published like any panel.
    """
    today = today or timezone.localdate()
    version = claim.coverage.plan_version
    if previous is not None:
        seed = previous.seed
        as_of = previous.eligibility_as_of or today
        tenure = (
            previous.min_tenure_days
            if previous.min_tenure_days is not None
            else version.panel_min_tenure_days
        )
    else:
        seed = seed or secrets.token_hex(16)
        as_of = today
        tenure = version.panel_min_tenure_days
    size = version.panel_size
    quorum = version.panel_quorum
    _sqlite_sha256()
    eligible = panel_eligible(claim, today=as_of, min_tenure_days=tenure, exclude_seated=True)
    drawn = list(
        eligible.annotate(
            draw_key=Sha256Hex(Concat(Value(seed), "member_number", output_field=TextField()))
        )
        .order_by("draw_key", "pk")
        .values_list("pk", flat=True)[:size]
    )
    to_staff = len(drawn) < max(quorum, 1)
    panel = ReviewPanel.objects.create(
        claim=claim,
        trigger=trigger,
        round=round,
        seed=seed,
        size=0 if to_staff else len(drawn),
        quorum=quorum,
        eligible_count=eligible.count(),
        roll_sha256=roll_fingerprint(eligible),
        eligibility_as_of=as_of,
        min_tenure_days=tenure,
        vote_until=today if to_staff else today + dt.timedelta(days=version.panel_vote_days),
        status=ReviewPanel.Status.AWAITING_STAFF if to_staff else ReviewPanel.Status.VOTING,
    )
    if to_staff:
        claim_event(
            claim=claim,
            type="panel_to_staff",
            reason=_(
                "Fewer eligible members are left than the panel's quorum; claims staff decide."
            ),
            data={"panel": panel.pk, "round": round, "left": len(drawn), "quorum": quorum},
        )
        return panel
    first_rank = PanelSeat.objects.filter(panel__claim=claim, panel__trigger=trigger).count() + 1
    PanelSeat.objects.bulk_create(
        PanelSeat(panel=panel, member_id=member_id, rank=first_rank + index)
        for index, member_id in enumerate(drawn)
    )
    claim_event(
        claim=claim,
        type="panel_drawn",
        data={
            "panel": panel.pk,
            "round": round,
            "seed": seed,
            "size": len(drawn),
            "eligibility_as_of": as_of.isoformat(),
        },
    )
    return panel


@transaction.atomic
def claim_object(*, claim: Claim | int, member: Member, reason: str) -> Objection:
    """A member objects to a claim during its public notice; at the plan's threshold of
    objections a review panel is drawn and the notice waits for its decision."""
    claim_id = claim.pk if isinstance(claim, Claim) else claim
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("coverage__plan_version", "member")
        .filter(pk=claim_id, notice_status__in=PUBLIC_NOTICE)
        .first()
    )
    if claim is None:  # no such case, or one that was never on public notice
        raise NotFound(_("Not found."))
    today = timezone.localdate()
    if claim.notice_status not in (Claim.Notice.ON_NOTICE, Claim.Notice.UNDER_REVIEW) or not (
        claim.notice_from and claim.notice_from <= today <= claim.notice_until
    ):
        raise InvalidInput(
            _("Objections are taken only while the case is on public notice."), field="reason"
        )
    if member.status != Member.Status.ACTIVE:
        raise NotAllowed(_("Only active members may object."))
    if member.pk == claim.member_id:
        raise NotAllowed(_("You cannot object to your own claim."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise InvalidInput(_("Give your reason (at least 10 characters)."), field="reason")
    if Objection.objects.filter(claim=claim, member=member).exists():
        raise InvalidInput(_("You have already objected to this case."), field="reason")
    objection = Objection.objects.create(claim=claim, member=member, reason=reason)
    claim_event(claim=claim, type="objection", data={"objection": objection.pk})
    count = claim.objections.count()
    threshold = claim.coverage.plan_version.objection_threshold
    if count >= threshold and claim.notice_status == Claim.Notice.ON_NOTICE:
        claim.notice_status = Claim.Notice.UNDER_REVIEW
        claim.save(update_fields=["notice_status"])
        panel_draw(claim=claim, trigger=ReviewPanel.Trigger.OBJECTIONS, today=today)
    return objection


@transaction.atomic
def panel_vote(
    *, panel: ReviewPanel | int, member: Member, vote: str, reason: str = ""
) -> PanelSeat:
    """A drawn member votes once, within the window; the panel is tallied when all voted."""
    panel_id = panel.pk if isinstance(panel, ReviewPanel) else panel
    panel = ReviewPanel.objects.select_for_update().get(pk=panel_id)
    seat = PanelSeat.objects.filter(panel=panel, member=member).first()
    if seat is None:
        raise NotAllowed(_("You are not a member of this review panel."))
    if vote not in ReviewPanel.Outcome.values:
        raise InvalidInput(_("Choose uphold or overturn."), field="vote")
    if panel.status != ReviewPanel.Status.VOTING or timezone.localdate() > panel.vote_until:
        raise TransitionNotAllowed(_("Voting on this panel has closed."))
    if seat.vote:
        raise InvalidInput(_("You have already voted."), field="vote")
    seat.vote = vote
    seat.reason = publishable(panel.claim, (reason or "").strip()[:2000], field="reason")
    seat.voted_at = timezone.now()
    seat.save(update_fields=["vote", "reason", "voted_at"])
    if not panel.seats.filter(vote="").exists():
        panel_tally(panel=panel)
    return seat


@transaction.atomic
def panel_tally(*, panel: ReviewPanel | int, today: dt.date | None = None) -> ReviewPanel:
    """Decide a panel: the majority of votes cast when at least the quorum voted; without
    a quorum once the window closed, draw the next members with the same seed."""
    today = today or timezone.localdate()
    panel_id = panel.pk if isinstance(panel, ReviewPanel) else panel
    panel = ReviewPanel.objects.select_for_update().get(pk=panel_id)
    if panel.status != ReviewPanel.Status.VOTING:
        return panel
    votes = list(panel.seats.exclude(vote="").values_list("vote", "reason"))
    uphold = sum(1 for vote, _r in votes if vote == ReviewPanel.Outcome.UPHOLD)
    overturn = len(votes) - uphold
    all_voted = len(votes) == panel.size
    if not all_voted and today <= panel.vote_until:
        return panel  # still voting
    outcome = panel_outcome(uphold, overturn, panel.quorum)
    if outcome is None:
        panel.status = ReviewPanel.Status.NO_QUORUM
        panel.uphold_votes, panel.overturn_votes = uphold, overturn
        panel.decided_at = timezone.now()
        panel.save(update_fields=["status", "uphold_votes", "overturn_votes", "decided_at"])
        claim = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("coverage__plan_version", "member", "plan")
            .get(pk=panel.claim_id)
        )
        panel_draw(
            claim=claim, trigger=panel.trigger, round=panel.round + 1, today=today, previous=panel
        )
        return panel
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("coverage__plan_version", "member", "plan")
        .get(pk=panel.claim_id)
    )
    given = [r for _v, r in votes if r]
    summary = _(
        "%(voted)d of %(size)d drawn members voted: %(uphold)d to uphold, %(overturn)d to "
        "overturn. The decision is %(outcome)s."
    ) % {
        "voted": len(votes),
        "size": panel.size,
        "uphold": uphold,
        "overturn": overturn,
        "outcome": ReviewPanel.Outcome(outcome).label.lower(),
    }
    panel.reasons = "\n".join([summary, *given])
    panel.status = ReviewPanel.Status.DECIDED
    panel.outcome = outcome
    panel.uphold_votes, panel.overturn_votes = uphold, overturn
    panel.decided_at = timezone.now()
    panel.save(
        update_fields=[
            "reasons",
            "status",
            "outcome",
            "uphold_votes",
            "overturn_votes",
            "decided_at",
        ]
    )
    _panel_effect(panel, claim, outcome, summary, today)
    return panel


def _panel_effect(panel: ReviewPanel, claim: Claim, outcome: str, summary: str, today) -> None:
    """What a decided panel (or the staff deciding in its place) does to the claim."""
    from .handling import _approve, _overturn, _reject

    if panel.trigger == ReviewPanel.Trigger.OBJECTIONS:
        if outcome == ReviewPanel.Outcome.UPHOLD:
            claim.notice_status = Claim.Notice.CLEARED
            claim.cleared_on = today
            claim.save(update_fields=["notice_status", "cleared_on"])
            claim_event(claim=claim, type="cleared", reason=summary)
        else:
            _overturn(claim, reasons=panel.reasons)
    else:  # an appeal of a rejection
        if outcome == ReviewPanel.Outcome.OVERTURN:
            _approve(claim, actor=None, reason=panel.reasons, on_notice=False)
        else:
            _reject(claim, actor=None, reasons=panel.reasons, type="appeal_dismissed")


def panels_close_due(*, today: dt.date | None = None) -> int:
    """Daily: tally every panel whose voting window has closed, each on its own. A panel
    whose tally is refused is recorded (an event on its claim, and the log) and the others
    still close. Returns how many were tallied."""
    today = today or timezone.localdate()
    due = ReviewPanel.objects.filter(status=ReviewPanel.Status.VOTING, vote_until__lt=today)
    closed = 0
    for panel_id, claim_id in due.values_list("pk", "claim_id"):
        try:
            panel_tally(panel=panel_id, today=today)
        except DomainError as exc:
            logger.warning("Review panel %s could not be closed: %s", panel_id, exc)
            claim_event(
                claim=Claim.objects.get(pk=claim_id),
                type="panel_close_refused",
                reason=exc.message,
                data={"panel": panel_id},
            )
        else:
            closed += 1
    return closed


@transaction.atomic
def panel_staff_decide(
    *, panel: ReviewPanel | int, actor, outcome: str, reasons: str, today: dt.date | None = None
) -> ReviewPanel:
    """The fallback when no members are left to draw: a person with
    ``claims.decide_claim`` who neither assessed nor decided the claim decides in the
    panel's place, with reasons that are published on the case page like a panel's."""
    from .handling import _require

    _require(actor, "claims.decide_claim")
    today = today or timezone.localdate()
    panel_id = panel.pk if isinstance(panel, ReviewPanel) else panel
    panel = ReviewPanel.objects.select_for_update().get(pk=panel_id)
    if panel.status != ReviewPanel.Status.AWAITING_STAFF:
        raise TransitionNotAllowed(_("Only a panel with no members left is decided by staff."))
    if outcome not in ReviewPanel.Outcome.values:
        raise InvalidInput(_("Choose uphold or overturn."), field="outcome")
    reasons = (reasons or "").strip()
    if not reasons:
        raise InvalidInput(_("Give the reasons; they are published."), field="reasons")
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("coverage__plan_version", "member", "plan")
        .get(pk=panel.claim_id)
    )
    publishable(claim, reasons, field="reasons")
    if actor.pk in (claim.assessed_by_id, claim.first_approved_by_id, claim.decided_by_id):
        raise NotAllowed(
            _("You assessed or decided this claim; another person must decide the review.")
        )
    summary = _("No eligible members were left to draw; claims staff decided: %(outcome)s.") % {
        "outcome": ReviewPanel.Outcome(outcome).label.lower()
    }
    panel.reasons = "\n".join([summary, reasons])
    panel.status = ReviewPanel.Status.STAFF_DECIDED
    panel.outcome = outcome
    panel.decided_by = actor
    panel.decided_at = timezone.now()
    panel.save(update_fields=["reasons", "status", "outcome", "decided_by", "decided_at"])
    claim_event(
        claim=claim,
        type="panel_staff_decided",
        actor=actor,
        reason=reasons,
        data={"panel": panel.pk, "outcome": outcome},
    )
    _panel_effect(panel, claim, outcome, summary, today)
    return panel


@transaction.atomic
def notices_clear(*, today: dt.date | None = None) -> int:
    """Daily: a claim whose notice ended without a panel is cleared (set-based).

    The claims due are locked before they are changed and the conditions are read again
    under the lock: an objection that reached the threshold while this ran holds the
    claim's row until it commits, and the claim it leaves under review is not cleared
    (PostgreSQL re-evaluates the filter of ``SELECT ... FOR UPDATE`` on the row it waited
    for). Locked in id order, so two runs at once cannot deadlock.
    """
    today = today or timezone.localdate()
    due = Claim.objects.filter(notice_status=Claim.Notice.ON_NOTICE, notice_until__lt=today)
    ids = list(due.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    # The same conditions again: on a database without row locks the update re-checks.
    due.filter(pk__in=ids).update(notice_status=Claim.Notice.CLEARED, cleared_on=today)
    claim_events_bulk(claim_ids=ids, type=ClaimEvent.Type.CLEARED, reason=_("Public notice ended."))
    return len(ids)
