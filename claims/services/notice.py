"""Public notice, objections and member review panels (mutual aid practice, Xiang Hu Bao:
approved cases are published for members to object; disputed cases go to a jury of
randomly drawn members).

The draw is reproducible by anyone holding the published seed: eligible members (active,
member for at least the plan's minimum tenure on the day of the draw, not the claimant,
not a person who handled the case) are ordered by the hex SHA-256 of the seed followed by
their member number, ties by id; draw r takes ranks (r-1)·K+1 … r·K.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import connection, transaction
from django.db.models import Func, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, TransitionNotAllowed

from ..calculations import panel_outcome
from ..models import Claim, ClaimEvent, Objection, PanelSeat, ReviewPanel
from .intake import claim_event


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


def panel_eligible(claim: Claim, *, today: dt.date):
    """Members who may sit on a panel for ``claim`` (a queryset, not evaluated)."""
    version = claim.coverage.plan_version
    handlers = (
        ClaimEvent.objects.filter(claim=claim, actor__isnull=False)
        .exclude(actor_id=claim.member.user_id)
        .values("actor_id")
    )
    return (
        Member.objects.filter(
            status=Member.Status.ACTIVE,
            joined_on__lte=today - dt.timedelta(days=version.panel_min_tenure_days),
            member_number__isnull=False,
        )
        .exclude(pk=claim.member_id)
        .exclude(Q(user_id__isnull=False) & Q(user_id__in=handlers))
    )


def panel_draw(
    *,
    claim: Claim,
    trigger: str,
    round: int = 1,
    seed: str | None = None,  # noqa: A002
) -> ReviewPanel:
    """Draw a panel for ``claim`` (caller holds the claim's lock). Round 1 makes and
    records a new seed; later rounds reuse it and take the next K members."""
    today = timezone.localdate()
    version = claim.coverage.plan_version
    seed = seed or secrets.token_hex(16)
    size = version.panel_size
    _sqlite_sha256()
    eligible = panel_eligible(claim, today=today)
    drawn = list(
        eligible.annotate(
            draw_key=Sha256Hex(Concat(Value(seed), "member_number", output_field=TextField()))
        )
        .order_by("draw_key", "pk")
        .values_list("pk", flat=True)[(round - 1) * size : round * size]
    )
    if not drawn:
        raise InvalidInput(_("No eligible members are left to draw a review panel from."))
    panel = ReviewPanel.objects.create(
        claim=claim,
        trigger=trigger,
        round=round,
        seed=seed,
        size=len(drawn),
        quorum=min(version.panel_quorum, len(drawn)),
        eligible_count=eligible.count(),
        roll_sha256=roll_fingerprint(eligible),
        vote_until=today + dt.timedelta(days=version.panel_vote_days),
    )
    PanelSeat.objects.bulk_create(
        PanelSeat(panel=panel, member_id=member_id, rank=(round - 1) * size + index + 1)
        for index, member_id in enumerate(drawn)
    )
    claim_event(
        claim=claim,
        type="panel_drawn",
        data={"panel": panel.pk, "round": round, "seed": seed, "size": len(drawn)},
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
        .get(pk=claim_id)
    )
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
        panel_draw(claim=claim, trigger=ReviewPanel.Trigger.OBJECTIONS)
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
    seat.reason = (reason or "").strip()[:2000]
    seat.voted_at = timezone.now()
    seat.save(update_fields=["vote", "reason", "voted_at"])
    if not panel.seats.filter(vote="").exists():
        panel_tally(panel=panel)
    return seat


@transaction.atomic
def panel_tally(*, panel: ReviewPanel | int, today: dt.date | None = None) -> ReviewPanel:
    """Decide a panel: the majority of votes cast when at least the quorum voted; without
    a quorum once the window closed, draw the next members with the same seed."""
    from .handling import _approve, _overturn, _reject

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
        panel_draw(claim=claim, trigger=panel.trigger, round=panel.round + 1, seed=panel.seed)
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
    return panel


def panels_close_due(*, today: dt.date | None = None) -> int:
    """Daily: tally every panel whose voting window has closed. Returns how many."""
    today = today or timezone.localdate()
    ids = list(
        ReviewPanel.objects.filter(
            status=ReviewPanel.Status.VOTING, vote_until__lt=today
        ).values_list("pk", flat=True)
    )
    for panel_id in ids:
        panel_tally(panel=panel_id, today=today)
    return len(ids)


@transaction.atomic
def notices_clear(*, today: dt.date | None = None) -> int:
    """Daily: a claim whose notice ended without a panel is cleared (set-based)."""
    today = today or timezone.localdate()
    due = Claim.objects.filter(notice_status=Claim.Notice.ON_NOTICE, notice_until__lt=today)
    ids = list(due.values_list("pk", flat=True))
    Claim.objects.filter(pk__in=ids).update(notice_status=Claim.Notice.CLEARED, cleared_on=today)
    ClaimEvent.objects.bulk_create(
        ClaimEvent(claim_id=claim_id, type="cleared", reason=_("Public notice ended."))
        for claim_id in ids
    )
    return len(ids)
