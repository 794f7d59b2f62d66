"""What a member is told about their claims and their shares, through the notification
centre (``members.services.notifications``): in the portal at once, by e-mail or SMS after
the commit as the member chose for the topic.

Each message is keyed by the event it reports (a claim's decision event, an apportionment
period), so a replay tells nobody twice and a claim decided again (an appeal, a panel)
gets a message of its own.
"""

from __future__ import annotations

from django.urls import reverse

from members.models import ContributionDue, Member, Notification, Topic
from members.services.notifications import member_notify, member_notify_many
from mutualsociety.common.display import format_money

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


def apportionment_notify(period: ApportionmentPeriod) -> int:
    """Tell every member who owes a share of a published period (set-based: one
    ``INSERT ... SELECT`` of their notifications, the e-mails after the commit), with
    the share per member and where to see and verify their own. Returns how many were
    told now (a replay tells nobody)."""
    members = Member.objects.filter(
        pk__in=ContributionDue.objects.filter(
            coverage__plan_id=period.plan_id,
            kind=ContributionDue.Kind.SHARE,
            period_start=period.period_start,
            period_end=period.cutoff,
        ).values("coverage__member_id")
    )
    return member_notify_many(
        members=members,
        topic=Topic.APPORTIONMENT,
        key=f"claims.apportionment:{period.pk}",
        template="claims/email/apportionment",
        context={
            "period": period,
            "plan": period.plan,
            "share": format_money(period.share_per_member),
        },
        link=reverse("claims:shares"),
    )
