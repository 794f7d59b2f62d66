"""The reproducible draw of a review panel (mutual aid practice, Xiang Hu Bao: disputed
cases go to a jury of randomly drawn members).

The draw is reproducible by anyone holding the published data: the eligibility date and
the minimum tenure are fixed at the first draw of a claim and kept by its redraws; the
roll is the members eligible on those terms (active, not the claimant, not a person who
handled the case, not an objector), less everyone already seated on a panel of the claim;
they are ordered by the hex SHA-256 of the seed followed by their member number, ties by
id, and the first K drawn. With no members left for a quorum, the decision goes to claims
staff (``panels.panel_staff_decide``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import connection
from django.db.models import Func, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.sql import sorted_sha256

from ..events import claim_event
from ..models import Claim, ClaimEvent, Objection, PanelSeat, ReviewPanel


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


def roll_fingerprint(eligible) -> str:
    """SHA-256 of the eligible member numbers, sorted and comma-joined, computed in the
    database (no member row comes into Python; ``common.sql.sorted_sha256``)."""
    return sorted_sha256(eligible, "member_number", separator=",")


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
            type=ClaimEvent.Type.PANEL_TO_STAFF,
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
        type=ClaimEvent.Type.PANEL_DRAWN,
        data={
            "panel": panel.pk,
            "round": round,
            "seed": seed,
            "size": len(drawn),
            "eligibility_as_of": as_of.isoformat(),
        },
    )
    return panel
