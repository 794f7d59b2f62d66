"""What a member is told about their claims and their shares, through the notification
centre (``members.services.notifications``): in the portal at once, by e-mail or SMS after
the commit as the member chose for the topic.

Each message is keyed by the event it reports (a claim's decision event, an apportionment
period), so a replay tells nobody twice and a claim decided again (an appeal, a panel)
gets a message of its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max, Min, QuerySet
from django.urls import reverse

from members.models import ContributionDue, Member, Notification, Topic
from members.services.notifications import (
    member_notify,
    member_notify_many,
    notifications_deliver_later,
)
from mutualsociety.common.display import format_money
from mutualsociety.common.models import BatchChunk, BatchRun
from mutualsociety.common.services.batches import batch_job_register, batch_start, id_ranges

from ..models import ApportionmentPeriod, Claim, ClaimEvent


def claim_decision_notify(claim: Claim, event: ClaimEvent) -> Notification:
    """Tell the member what was decided on their claim (``event``: the claim's move to
    approved, rejected or "information requested"), with the reasons they are owed and,
    for a rejection, the last day to appeal. In the caller's transaction."""
    what = {
        Claim.Status.APPROVED: "approved",
        Claim.Status.REJECTED: "rejected",
        Claim.Status.INFO_REQUESTED: "info_requested",
    }[Claim.Status(event.new_value)]
    return member_notify(
        member=claim.member,
        topic=Topic.CLAIMS,
        key=f"claims.{what}:{claim.pk}:{event.pk}",
        template=f"claims/email/{what}",
        context={
            "claim": claim,
            "amount": format_money(claim.assessed_amount) if claim.assessed_amount else "",
            "reason": event.reason,
            "on_notice": claim.notice_status == Claim.Notice.ON_NOTICE,
        },
        link=reverse("claims:detail", args=[claim.pk]),
    )


#: The batch job that tells the members of a published period
#: (``mutualsociety.common.services.batches``).
NOTIFY_KIND = "claims.apportionment.notify"


def _sharers(period: ApportionmentPeriod) -> QuerySet[ContributionDue]:
    """The share dues of the period: one per member who owes a share."""
    return ContributionDue.objects.filter(
        coverage__plan_id=period.plan_id,
        kind=ContributionDue.Kind.SHARE,
        period_start=period.period_start,
        period_end=period.cutoff,
    )


def apportionment_notify_start(period: ApportionmentPeriod) -> BatchRun:
    """Tell every member who owes a share of a published period, as a batch run over
    ranges of member ids (``BATCH_CHUNK_SIZE`` wide), each chunk one ``INSERT ... SELECT``
    of its members' notifications in its own transaction on whichever worker takes it;
    the finish queues the e-mails and texts of the whole batch once. A period whose
    members fit one chunk is told inline, in the caller's (the publishing) transaction.

    At 10,000,000 members one statement in the publishing transaction wrote for about
    18 minutes and held the period's row locked throughout (docs/scaling.md,
    "Publishing a period"); in chunks, the period is published at once and its members
    are told in parallel. A second start (a replay) returns the run: done chunks are
    never run again, and a notification already there is never added twice."""
    bounds = _sharers(period).aggregate(lo=Min("member_id"), hi=Max("member_id"))
    ranges = id_ranges(bounds["lo"], bounds["hi"], settings.BATCH_CHUNK_SIZE)
    return batch_start(
        kind=NOTIFY_KIND,
        key=f"{NOTIFY_KIND}:{period.pk}",
        ranges=ranges or [(0, 0)],
        params={"period": period.pk},
        inline=len(ranges) <= 1,
    )


def apportionment_notify(
    period: ApportionmentPeriod, *, ids: tuple[int, int] | None = None, queue: bool = True
) -> int:
    """Tell the members who owe a share of a published period (set-based: one
    ``INSERT ... SELECT`` of their notifications, the e-mails after the commit), with
    the share per member and where to see and verify their own: all of them, or those
    whose id is in ``ids`` (``lo < id <= hi``, a chunk of ``apportionment_notify_start``;
    ``queue=False`` leaves the sending to the caller). Returns how many were told now
    (a replay tells nobody)."""
    dues = _sharers(period)
    members = Member.objects.all()
    if ids is not None:
        # Bounded on every table it reads, the coverages by their member (a due's member
        # is its coverage's, as every writer of dues makes it): a chunk reads its own
        # rows by their keys. Bounded on the dues alone, each chunk read every member
        # three times and every coverage of the plan once, and publishing grew with the
        # square of the members (docs/scaling.md, "Publishing a period").
        lo, hi = ids
        dues = dues.filter(
            member_id__gt=lo,
            member_id__lte=hi,
            coverage__member_id__gt=lo,
            coverage__member_id__lte=hi,
        )
        members = members.filter(pk__gt=lo, pk__lte=hi)
    members = members.filter(pk__in=dues.values("member_id"))
    return member_notify_many(
        members=members,
        topic=Topic.APPORTIONMENT,
        key=_batch(period.pk),
        template="claims/email/apportionment",
        context={
            "period": period,
            "plan": period.plan,
            "share": format_money(period.share_per_member),
        },
        link=reverse("claims:shares"),
        queue=queue,
        ids=ids,
    )


def _batch(period_id: int) -> str:
    """The key of a period's notifications (each one's is ``<this>:<member id>``) and of
    their sending batch."""
    return f"claims.apportionment:{period_id}"


def _notify_chunk(run: BatchRun, chunk: BatchChunk) -> dict[str, int]:
    period = ApportionmentPeriod.objects.select_related("plan").get(pk=run.params["period"])
    return {"told": apportionment_notify(period, ids=(chunk.lo, chunk.hi), queue=False)}


def _notify_finish(run: BatchRun, totals: dict[str, int]) -> dict[str, int]:
    """Queue the sending of the whole batch once, when every chunk is in."""
    told = totals.get("told", 0)
    if told:
        notifications_deliver_later(batch=_batch(int(run.params["period"])))
    return {"told": told}


batch_job_register(NOTIFY_KIND, chunk=_notify_chunk, finish=_notify_finish)
