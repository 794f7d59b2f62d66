"""Who was a member, and who was covered, on a given day: the voter roll a record date
needs (governance), the members in force the disclosure pages count and the member count
the solvency stress tests scale by. Each one query, set-based, rebuilt from the
membership log and the coverages' dates (not from today's status alone)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ..models import Coverage, Member, MemberEvent, Plan


def members_in_good_standing_on(day: dt.date) -> QuerySet[Member]:
    """The members who were active at the end of a past ``day``, rebuilt from the
    membership log (governance: the voter roll as of a record date the freeze missed).

    A member's status that day is the ``from`` of their first logged status change after
    the day, or their status now if none; members who joined after the day are left out.
    One query, set-based: the status changes after the day are read once through the
    partial index on the log's status changes (``memberevent_status_at_idx``), not once
    per member — active now and no change since, or the first change since was from
    active (no earlier change since; ties on the time go to the lower id).

    What cannot be rebuilt: a status set without a logged change (a member imported with a
    status after the day counts by that status)."""

    after = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    changes = MemberEvent.objects.filter(type=MemberEvent.Type.STATUS, at__gte=after)
    earlier = changes.filter(member=OuterRef("member")).filter(
        Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), id__lt=OuterRef("id"))
    )
    first_from_active = changes.filter(old_value=Member.Status.ACTIVE).exclude(Exists(earlier))
    # Uncorrelated IN: PostgreSQL hashes each set once (a correlated EXISTS under the OR
    # would be costed per member and, at 100,000 members, JIT-compiled).
    return Member.objects.filter(
        (Q(status=Member.Status.ACTIVE) & ~Q(pk__in=changes.values("member_id")))
        | Q(pk__in=first_from_active.values("member_id")),
        Q(joined_on__isnull=True) | Q(joined_on__lte=day),
    )


def coverage_live_on(day: dt.date, prefix: str = "") -> Q:
    """The coverages that covered someone on ``day``: started on or before it and not
    ended or lapsed by then. ``end_date`` is the first day without that cover (a
    withdrawal's effective date, the date of death, the lapse date), so a cover is live
    on ``day`` when it ends after it — the rule the apportionment uses for who shares at
    a cut-off (``claims.services.apportionment_sql``). A term that does not renew records
    its last day instead (``services.jobs.coverages_expire``), so such a cover drops out a
    day early, here as in the apportionment. ``prefix`` reaches the coverage
    through a relation (``"coverages__"``)."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": day})
    )


def members_in_force(*, as_of: dt.date) -> QuerySet[Member]:
    """The members in force at the end of ``as_of``: active members that day (rebuilt
    from the membership log, ``members_in_good_standing_on``: a suspended member's cover
    is suspended, PRC Insurance Law art. 36) with at least one coverage live that day
    (``coverage_live_on``; a cover still in its waiting period is in force: the waiting
    period only keeps illness out). One query."""
    live = Coverage.objects.filter(coverage_live_on(as_of), member=OuterRef("pk"))
    return members_in_good_standing_on(as_of).filter(Exists(live))


def members_in_force_count(*, as_of: dt.date) -> int:
    """How many members were in force at the end of ``as_of`` (``members_in_force``),
    each counted once whatever the number of plans they are covered by. One query."""
    return members_in_force(as_of=as_of).count()


def members_in_force_by_plan(*, as_of: dt.date) -> list[dict]:
    """For every plan (by code; plans without members too): ``plan_id``,
    ``plan_code``, ``plan_name``, ``plan_kind`` and ``members`` — the members in force at
    the end of ``as_of`` with a coverage of the plan live that day. A member covered by
    two plans counts in both, so the rows may add up to more than
    ``members_in_force_count``. One query whatever the number of members or plans."""
    standing = members_in_good_standing_on(as_of).values("pk")
    plans = Plan.objects.annotate(
        members=Count(
            "coverages__member",
            distinct=True,
            filter=coverage_live_on(as_of, "coverages__") & Q(coverages__member__in=standing),
        )
    ).order_by("code")
    return [
        {
            "plan_id": plan.pk,
            "plan_code": plan.code,
            "plan_name": plan.display_name,
            "plan_kind": plan.kind,
            "members": plan.members,
        }
        for plan in plans
    ]
