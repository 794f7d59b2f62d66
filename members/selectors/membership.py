"""Reads of membership shared by the portal, the API and the admin.

Domain authorization lives here: a member's own data is read through ``member_for_user``,
so no face can show one member another member's records.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from django.db.models import Max, Prefetch, QuerySet, Sum
from django.utils import timezone

from mutualsociety.common.money import ZERO

from ..identity import normalise
from ..models import (
    AgeBand,
    Application,
    ContributionDue,
    Coverage,
    Member,
    MemberEvent,
    Payment,
    Plan,
    PlanVersion,
    WindDown,
)
from ..rules import phone_normalise
from ..transitions import LIVE_COVERAGE, REJOINING
from .wind_down import wind_downs_for_plans


def member_for_user(user) -> Member | None:
    """The membership of a signed-in person, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).first()


def plan_current_version(plan: Plan, *, on: dt.date | None = None) -> PlanVersion | None:
    """The published version in force on ``on`` (default today): what new coverages get."""
    on = on or timezone.localdate()
    return (
        plan.versions.filter(status=PlanVersion.Status.PUBLISHED, effective_from__lte=on)
        .order_by("-effective_from", "-number")
        .first()
    )


def plans_open_for_enrolment() -> list[tuple[Plan, PlanVersion]]:
    """(plan, version in force) for every open plan with published terms."""
    out = []
    for plan in Plan.objects.filter(is_open=True).order_by("code"):
        version = plan_current_version(plan)
        if version is not None:
            out.append((plan, version))
    return out


def plans_open_with_terms(*, on: dt.date | None = None) -> list[tuple[Plan, PlanVersion]]:
    """(plan, version in force on ``on``, default today) for every open plan with
    published terms, by code, each version with its age bands (by age): what
    ``plans_open_for_enrolment`` gives, in three queries however many plans there are
    (the public product pages)."""
    on = on or timezone.localdate()
    plans = list(Plan.objects.filter(is_open=True).order_by("code"))
    versions = (
        PlanVersion.objects.filter(
            plan__in=plans, status=PlanVersion.Status.PUBLISHED, effective_from__lte=on
        )
        .order_by("plan_id", "-effective_from", "-number")
        .prefetch_related(Prefetch("age_bands", queryset=AgeBand.objects.order_by("min_age")))
    )
    in_force: dict[int, PlanVersion] = {}
    for version in versions:  # a few versions per plan: the first of each is in force
        in_force.setdefault(version.plan_id, version)
    return [(plan, in_force[plan.pk]) for plan in plans if plan.pk in in_force]


class MemberIdRow(TypedDict):
    member_id: int


def overdue_member_ids(*, today: dt.date) -> QuerySet[ContributionDue, MemberIdRow]:
    """Members with an amount still open after its grace period ended (a subquery of
    ``member_id`` values, for ``pk__in=`` or ``.filter(member_id=...).exists()``)."""
    return (
        ContributionDue.objects.filter(status=ContributionDue.Status.OPEN, grace_ends_on__lt=today)
        .values("member_id")
        .distinct()
    )


def paid_to_date(member: Member) -> dt.date | None:
    """The last day of the latest premium period fully paid."""
    return member.dues.filter(
        kind=ContributionDue.Kind.PREMIUM, status=ContributionDue.Status.PAID
    ).aggregate(last=Max("period_end"))["last"]


#: Who holds a membership certificate: the members whose membership is in effect.
CERTIFICATE_STATUSES = (Member.Status.ACTIVE, Member.Status.SUSPENDED)

#: Who may apply for (more) cover: an active member, and whoever may apply again.
COVERAGE_ADD_STATUSES = (Member.Status.ACTIVE, *REJOINING)


def certificate_allowed(member: Member) -> bool:
    """A certificate is issued to active and suspended members (who have a number)."""
    return member.status in CERTIFICATE_STATUSES and bool(member.member_number)


def coverage_add_allowed(member: Member) -> bool:
    """Whether the member may apply for cover under another plan (``coverage_apply``
    decides; faces use this to offer only what it would accept)."""
    return member.status in COVERAGE_ADD_STATUSES


def withdrawal_allowed(member: Member) -> bool:
    """Whether the member may ask to withdraw: a member in effect who has not asked yet
    (``member_withdraw_request`` decides)."""
    return member.status in CERTIFICATE_STATUSES and not member.withdrawal_effective_on


def live_plan_ids(member: Member) -> frozenset[int]:
    """The plans the member has live cover under (in force or suspended)."""
    return frozenset(
        member.coverages.filter(status__in=LIVE_COVERAGE).values_list("plan_id", flat=True)
    )


def has_live_mutual_aid(member: Member) -> bool:
    """Whether the member has live cover under a mutual aid plan."""
    return member.coverages.filter(
        status__in=LIVE_COVERAGE, plan__kind=Plan.Kind.MUTUAL_AID
    ).exists()


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
    #: The wind-down of each plan the member is covered by that is winding down or wound
    #: down, by plan id.
    wind_downs: dict[int, WindDown] = field(default_factory=dict)


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
        # Only a mutual aid plan is wound down: a member of premium plans alone costs no query.
        wind_downs=wind_downs_for_plans(
            {c.plan_id for c in coverages if c.plan.kind == Plan.Kind.MUTUAL_AID}
        ),
    )


#: pg_trgm indexes runs of three characters: a shorter piece of a name can be found by
#: its index only at the start of the name.
TRIGRAM = 3
_PHONE_QUERY_RE = re.compile(r"\+?\d+")


def member_search(query: str = "") -> QuerySet[Member]:
    """Staff search: a member number or a whole identity number (any case, spaces
    ignored), the start of a phone number (digits), or a name — found anywhere in it from
    three characters on, at its start when shorter (a surname, a two-character name).

    One index-served query per kind of key, their results united (``UNION``): a single
    ``OR`` over every column made PostgreSQL read every member. Numbers and phones use
    btree indexes, names a ``pg_trgm`` GIN index (migration 0004; docs/members.md).
    """
    qs = Member.objects.all()
    query = (query or "").strip()
    if not query:
        return qs
    keys = [
        Member.objects.filter(member_number__iexact=query),
        # The leading column of the one-person-one-membership index, so it answers.
        Member.objects.filter(id_type__in=Member.IdType.values, id_number=normalise(query)),
    ]
    digits = phone_normalise(query)
    if _PHONE_QUERY_RE.fullmatch(digits):
        keys.append(Member.objects.filter(phone__startswith=digits))
    elif len(query) >= TRIGRAM:
        keys.append(Member.objects.filter(legal_name__icontains=query))
    else:
        keys.append(Member.objects.filter(legal_name__istartswith=query))
    first, *others = (key.order_by().values("pk") for key in keys)
    return qs.filter(pk__in=first.union(*others))


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


def mutual_aid_plans() -> QuerySet[Plan]:
    """The post-funded mutual aid plans (``Plan.Kind.MUTUAL_AID``), by code."""
    return Plan.objects.filter(kind=Plan.Kind.MUTUAL_AID).order_by("code")
