"""Reads of membership shared by the portal, the API and the admin.

Domain authorization lives here: a member's own data is read through ``member_for_user``,
so no face can show one member another member's records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from mutualsociety.common.money import ZERO

from .models import Application, ContributionDue, Coverage, Member, MemberEvent, Payment, Plan
from .services.plans import plan_current_version


def member_for_user(user) -> Member | None:
    """The membership of a signed-in person, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).first()


def plans_open_for_enrolment() -> list[tuple[Plan, object]]:
    """(plan, version in force) for every open plan with published terms."""
    out = []
    for plan in Plan.objects.filter(is_open=True).order_by("code"):
        version = plan_current_version(plan)
        if version is not None:
            out.append((plan, version))
    return out


@dataclass(frozen=True)
class Statement:
    dues: list[ContributionDue]
    payments: list[Payment]
    total_due: Decimal
    total_paid: Decimal
    advance: Decimal

    @property
    def outstanding(self) -> Decimal:
        """What is still owed on the dues issued so far."""
        return sum((d.outstanding for d in self.dues if d.status == "open"), ZERO)

    @property
    def overdue(self) -> list[ContributionDue]:
        today = timezone.localdate()
        return [d for d in self.dues if d.status == "open" and d.due_date < today]


def member_statement(member: Member) -> Statement:
    """Dues and payments with their totals, in three queries whatever the history."""
    dues = list(
        member.dues.exclude(status=ContributionDue.Status.CANCELLED)
        .select_related("coverage__plan")
        .order_by("-due_date", "-id")
    )
    payments = list(member.payments.order_by("-received_on", "-id"))
    totals = member.payments.aggregate(
        paid=Sum("amount", default=ZERO), allocated=Sum("allocated_amount", default=ZERO)
    )
    return Statement(
        dues=dues,
        payments=payments,
        total_due=sum((d.amount for d in dues), ZERO),
        total_paid=totals["paid"],
        advance=totals["paid"] - totals["allocated"],
    )


@dataclass(frozen=True)
class Dashboard:
    member: Member
    coverages: list[Coverage]
    open_dues: list[ContributionDue]
    amount_due: Decimal
    total_paid: Decimal
    advance: Decimal
    pending_applications: list[Application]
    recent_events: list[MemberEvent]
    today: dt.date


def member_dashboard(member: Member) -> Dashboard:
    """What the member sees first: a fixed number of queries, whatever their history."""
    today = timezone.localdate()
    coverages = list(
        member.coverages.select_related("plan", "plan_version")
        .exclude(status=Coverage.Status.ENDED)
        .order_by("start_date")
    )
    open_dues = list(
        member.dues.filter(status=ContributionDue.Status.OPEN)
        .select_related("coverage__plan")
        .order_by("due_date")[:12]
    )
    sums = member.dues.filter(status=ContributionDue.Status.OPEN).aggregate(
        due=Sum("amount", default=ZERO), paid=Sum("paid_amount", default=ZERO)
    )
    pay = member.payments.aggregate(
        paid=Sum("amount", default=ZERO), allocated=Sum("allocated_amount", default=ZERO)
    )
    return Dashboard(
        member=member,
        coverages=coverages,
        open_dues=open_dues,
        amount_due=sums["due"] - sums["paid"],
        total_paid=pay["paid"],
        advance=pay["paid"] - pay["allocated"],
        pending_applications=list(
            member.applications.filter(status=Application.Status.REFERRED).select_related(
                "plan_version__plan"
            )
        ),
        recent_events=list(member.events.select_related("actor")[:5]),
        today=today,
    )


def member_search(query: str = "") -> QuerySet[Member]:
    """Staff search by member number, name, phone or identity number."""
    qs = Member.objects.all()
    query = (query or "").strip()
    if not query:
        return qs
    return qs.filter(
        Q(member_number__iexact=query)
        | Q(member_number__icontains=query)
        | Q(legal_name__icontains=query)
        | Q(phone__startswith=query)
        | Q(id_number__iexact=query.upper())
    )


def application_queue() -> QuerySet[Application]:
    """Referred applications waiting for an underwriter, oldest first."""
    return (
        Application.objects.filter(status=Application.Status.REFERRED)
        .select_related("member", "plan_version__plan")
        .order_by("submitted_at")
    )


def member_detail(member_id: int) -> Member | None:
    return (
        Member.objects.filter(pk=member_id)
        .prefetch_related(
            Prefetch("coverages", queryset=Coverage.objects.select_related("plan", "plan_version"))
        )
        .first()
    )


def members_in_good_standing_on(day: dt.date) -> QuerySet[Member]:
    """The members who were active at the end of a past ``day``, rebuilt from the
    membership log (governance: the voter roll as of a record date the freeze missed).

    A member's status that day is the ``from`` of their first logged status change after
    the day, or their status now if none; members who joined after the day are left out.
    One query (a correlated subquery on the indexed log), set-based.

    What cannot be rebuilt: a status set without a logged change (a member imported with a
    status after the day counts by that status)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    after = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    first_change = (
        MemberEvent.objects.filter(
            member=OuterRef("pk"), type=MemberEvent.Type.STATUS, at__gte=after
        )
        .order_by("at", "id")
        .values("old_value")[:1]
    )
    return (
        Member.objects.annotate(status_then=Coalesce(Subquery(first_change), "status"))
        .filter(status_then=Member.Status.ACTIVE)
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=day))
    )
