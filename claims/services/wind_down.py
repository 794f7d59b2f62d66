"""The claims' side of a mutual aid plan's wind-down (docs/claims.md, "Wind-down of a
mutual aid plan"); the wind-down itself, its decision and its milestones are the members
part's (``members.services.wind_down``), since members may not import claims.

- intake (``wind_down_claim_problem``): from the stop date, a claim is accepted only for
  an event before it, and only until the claims window closes (stop date +
  ``tail_window_days``, default 180);
- apportionment: regular periods go on until staff make the final one
  (``wind_down_final_apportionment``), which may run only once the claims window has
  closed and no claim of the plan is still open that could be shared; after it the plan
  has no period (``apportionment_run`` refuses);
- end (``wind_downs_advance``, daily): the claims window is closed when its last day has
  passed, and the plan ends when the final apportionment and the refunds are done and its
  last claim is settled (paid, withdrawn, or rejected with no appeal left).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Coverage, Plan, WindDown
from members.selectors import plan_wind_down
from members.services.wind_down import (
    wind_down_end,
    wind_down_end_blockers,
    wind_down_lock,
    wind_down_step_record,
    wind_down_tail_close,
)
from mutualsociety.common.display import format_date
from mutualsociety.common.exceptions import DomainError, NotAllowed

from ..models import ApportionmentPeriod, Claim
from ..transitions import UNDECIDED
from .apportionment import NothingToShare, apportionment_run

S = Claim.Status
N = Claim.Notice


def wind_down_claim_problem(
    *, coverage: Coverage, event_date: dt.date, today: dt.date
) -> tuple[str, str] | None:
    """(field, message) when a plan in wind-down takes no claim for this event today:
    an event on or after the stop date, or a claim after the claims window closed (the
    message names the date). None when the plan is not winding down or the claim is in
    time."""
    wind_down = plan_wind_down(coverage.plan_id)
    if wind_down is None or wind_down.stop_date is None:
        return None
    values = {
        "plan": coverage.plan.display_name,
        "stop": format_date(wind_down.stop_date),
        "until": format_date(wind_down.claims_until),
    }
    if event_date >= wind_down.stop_date:
        return (
            "event_date",
            _("%(plan)s is in wind-down since %(stop)s: only events before that day are covered.")
            % values,
        )
    if wind_down.claims_until is not None and today > wind_down.claims_until:
        return (
            "coverage",
            _(
                "%(plan)s is wound down: claims for events before %(stop)s were accepted "
                "until %(until)s."
            )
            % values,
        )
    return None


def claims_unsettled(plan: Plan | int, *, today: dt.date) -> QuerySet[Claim]:
    """The plan's claims not yet settled: undecided, appealed, rejected with the appeal
    window still open, or approved and not yet paid."""
    return Claim.objects.filter(plan=plan).filter(
        Q(status__in=UNDECIDED | {S.APPEALED, S.APPROVED})
        | Q(status=S.REJECTED, appeal_until__gte=today)
    )


def claims_still_to_share(plan: Plan | int, *, cutoff: dt.date, today: dt.date) -> QuerySet[Claim]:
    """The plan's claims that could still be shared after a period at ``cutoff``:
    undecided, appealed, rejected with the appeal window open, approved and still on
    public notice or before a review panel, or cleared after the cut-off and unshared."""
    return Claim.objects.filter(plan=plan).filter(
        Q(status__in=UNDECIDED | {S.APPEALED})
        | Q(status=S.REJECTED, appeal_until__gte=today)
        | Q(status=S.APPROVED, notice_status__in=(N.ON_NOTICE, N.UNDER_REVIEW))
        | Q(
            status__in=(S.APPROVED, S.PAID),
            notice_status=N.CLEARED,
            apportionment_period__isnull=True,
            cleared_on__gt=cutoff,
        )
    )


def final_apportionment_blockers(
    wind_down: WindDown, *, cutoff: dt.date, today: dt.date
) -> list[str]:
    """Why the final apportionment cannot run at ``cutoff`` yet (empty: it can)."""
    blockers: list[str] = []
    if wind_down.status != WindDown.Status.STARTED:
        blockers.append(_("The plan is not in wind-down."))
        return blockers
    if wind_down.final_apportionment_on is not None:
        blockers.append(_("The final apportionment was made already."))
        return blockers
    until = wind_down.claims_until
    if until is not None and (today <= until or cutoff <= until):
        blockers.append(
            _("The claims window is open until %(date)s; the final apportionment comes after it.")
            % {"date": format_date(until)}
        )
    open_claims = claims_still_to_share(wind_down.plan_id, cutoff=cutoff, today=today).count()
    if open_claims:
        blockers.append(
            _("%(n)d claim(s) of the plan could still be shared; decide them first.")
            % {"n": open_claims}
        )
    return blockers


def wind_down_final_apportionment(
    *, plan: Plan | int, cutoff: dt.date, actor
) -> ApportionmentPeriod | None:
    """Make the plan's final apportionment at ``cutoff``: the last period, marked final,
    with every claim left to share; or, when none is left, no period (the last one run
    was the last sharing) and the milestone alone. Refused while the claims window is
    open or a claim could still be shared (``final_apportionment_blockers``). Returns the
    final period, or None when there was nothing left to share."""
    if actor is None or not actor.has_perm("claims.run_apportionment"):
        raise NotAllowed(_("You do not have permission to run apportionments."))
    today = timezone.localdate()
    plan_id = plan.pk if isinstance(plan, Plan) else plan
    found = plan_wind_down(plan_id)
    if found is None:
        raise NotAllowed(_("The plan is not in wind-down."), field="plan")
    wind_down_tail_close(wind_down=found, today=today)
    with transaction.atomic():
        wind_down = wind_down_lock(found)
        blockers = final_apportionment_blockers(wind_down, cutoff=cutoff, today=today)
        if blockers:
            raise NotAllowed(" ".join(blockers), field="cutoff")
        period = None
        try:
            with transaction.atomic():
                period = apportionment_run(plan=plan_id, cutoff=cutoff, actor=actor)
        except NothingToShare:
            period = None
        if period is not None:
            period.is_final = True
            period.save(update_fields=["is_final"])
        wind_down_step_record(wind_down, WindDown.Step.FINAL_APPORTIONMENT, cutoff)
        return period


def wind_down_end_if_done(*, wind_down: WindDown | int, today: dt.date | None = None) -> bool:
    """End the plan when nothing is left: the members' side is done
    (``wind_down_end_blockers``) and no claim of the plan is unsettled. True when it
    ended now."""
    today = today or timezone.localdate()
    pk = wind_down.pk if isinstance(wind_down, WindDown) else wind_down
    row = WindDown.objects.select_related("plan").get(pk=pk)
    if row.status != WindDown.Status.STARTED or wind_down_end_blockers(row):
        return False
    if claims_unsettled(row.plan_id, today=today).exists():
        return False
    wind_down_end(wind_down=row, on=today)
    return True


def wind_downs_advance(*, today: dt.date | None = None) -> dict[str, list[int]]:
    """Daily: close the claims windows whose last day has passed, and end the plans whose
    wind-down is complete (idempotent: a rerun changes nothing). Each wind-down in its
    own transaction; a refusal is left for the next day."""
    today = today or timezone.localdate()
    closed: list[int] = []
    ended: list[int] = []
    ids = WindDown.objects.filter(status=WindDown.Status.STARTED).values_list("pk", flat=True)
    for pk in list(ids):
        try:
            if wind_down_tail_close(wind_down=pk, today=today):
                closed.append(pk)
            if wind_down_end_if_done(wind_down=pk, today=today):
                ended.append(pk)
        except DomainError:  # e.g. a blocker raised between the check and the end
            continue
    return {"tail_closed": closed, "ended": ended}


__all__ = [
    "claims_still_to_share",
    "claims_unsettled",
    "final_apportionment_blockers",
    "wind_down_claim_problem",
    "wind_down_end_if_done",
    "wind_down_final_apportionment",
    "wind_downs_advance",
]
