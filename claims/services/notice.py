"""Public notice and objections (mutual aid practice, Xiang Hu Bao: approved cases are
published for members to object; disputed cases go to a review panel of randomly drawn
members, ``services.draw`` and ``services.panels``, whose names are importable from here).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.exceptions import InvalidInput, NotAllowed, NotFound

from ..events import claim_event, claim_events_bulk
from ..models import Claim, ClaimEvent, Objection, ReviewPanel
from ..selectors import PUBLIC_NOTICE, notice_window_open
from ..transitions import NOTICE, NOTICE_PENDING
from .draw import Sha256Hex, panel_draw, panel_eligible, roll_fingerprint
from .panels import panel_staff_decide, panel_tally, panel_vote, panels_close_due


@transaction.atomic
def claim_object(*, claim: Claim | int, member: Member, reason: str) -> Objection:
    """A member objects to a claim during its public notice; at the plan's threshold of
    objections a review panel is drawn and the notice waits for its decision."""
    claim_id = claim.pk if isinstance(claim, Claim) else claim
    locked = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("coverage__plan_version", "member")
        .filter(pk=claim_id, notice_status__in=PUBLIC_NOTICE)
        .first()
    )
    if locked is None:  # no such case, or one that was never on public notice
        raise NotFound(_("Not found."))
    return _objection_take(locked, member=member, reason=reason)


def _objection_take(claim: Claim, *, member: Member, reason: str) -> Objection:
    """The objection to a locked case on public notice (``claim_object``)."""
    today = timezone.localdate()
    if claim.notice_status not in NOTICE_PENDING or not notice_window_open(claim, today):
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
    claim_event(claim=claim, type=ClaimEvent.Type.OBJECTION, data={"objection": objection.pk})
    count = claim.objections.count()
    threshold = claim.coverage.plan_version.objection_threshold
    if count >= threshold and NOTICE.allowed(claim.notice_status, Claim.Notice.UNDER_REVIEW):
        NOTICE.move(claim, Claim.Notice.UNDER_REVIEW)
        claim.save(update_fields=["notice_status"])
        panel_draw(claim=claim, trigger=ReviewPanel.Trigger.OBJECTIONS, today=today)
    return objection


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
    NOTICE.check(Claim.Notice.ON_NOTICE, Claim.Notice.CLEARED)  # the move, set-based
    # The same conditions again: on a database without row locks the update re-checks.
    due.filter(pk__in=ids).update(notice_status=Claim.Notice.CLEARED, cleared_on=today)
    claim_events_bulk(claim_ids=ids, type=ClaimEvent.Type.CLEARED, reason=_("Public notice ended."))
    return len(ids)


__all__ = [
    "Sha256Hex",
    "claim_object",
    "notices_clear",
    "panel_draw",
    "panel_eligible",
    "panel_staff_decide",
    "panel_tally",
    "panel_vote",
    "panels_close_due",
    "roll_fingerprint",
]
