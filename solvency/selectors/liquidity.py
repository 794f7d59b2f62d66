"""The liquidity of the mutual aid plans, and the latest stress results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from claims.selectors import claims_unpaid_by_plan
from claims.services.apportionment import apportionment_outlook
from ledger import chart
from ledger.selectors import account_balance
from members.models import Plan
from members.selectors import mutual_aid_plans
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.money import ZERO

from ..calculations.aggregation import ratio
from ..models import (
    SolvencyAssessment,
)

# --- Liquidity of the mutual aid plans [stress] ------------------------------------------


@dataclass(frozen=True)
class PlanLiquidity:
    """One mutual aid plan: what it owes, what the next apportionment would ask of each
    member, and how many members have reached their annual cap."""

    plan: Plan
    approved_unpaid_count: int
    approved_unpaid: Decimal
    on_notice_count: int
    on_notice: Decimal
    next_cutoff: dt.date | None
    next_claims: int
    next_total: Decimal
    next_share_per_member: Decimal
    next_shortfall: Decimal
    members_sharing: int
    members_at_cap: int
    at_cap_percent: Decimal | None

    @property
    def obligations(self) -> Decimal:
        return self.approved_unpaid + self.on_notice


@dataclass(frozen=True)
class Liquidity:
    """Funds held (the society's cash 1002 and investments 1101: the ledger has no plan
    dimension) against the mutual aid plans' approved-but-unpaid claims and the claims
    on public notice."""

    as_of: dt.date
    cash: Decimal
    investments: Decimal
    plans: tuple[PlanLiquidity, ...]

    @property
    def funds_held(self) -> Decimal:
        return self.cash + self.investments

    @property
    def obligations(self) -> Decimal:
        return sum((p.obligations for p in self.plans), ZERO)

    @property
    def cover_percent(self) -> Decimal | None:
        """Funds held ÷ obligations, in percent (2 places, rounded down); None without
        obligations."""
        return ratio(self.funds_held, self.obligations)


def liquidity_view(as_of: dt.date) -> Liquidity:
    """The liquidity view of every mutual aid plan at the end of ``as_of`` (reads only:
    the next apportionment through ``claims``' own preview, in read-only mode)."""
    plans = list(mutual_aid_plans())
    unpaid = claims_unpaid_by_plan(plan_ids=[p.pk for p in plans])
    rows = []
    for plan in plans:  # the plans, not the members: a handful of rows
        owed = unpaid.get(plan.pk, {})
        try:
            outlook = apportionment_outlook(plan=plan, as_of=as_of)
        except InvalidInput:  # no published terms yet
            outlook = None
        preview = outlook.preview if outlook is not None else None
        sharing = outlook.members_sharing_now if outlook is not None else 0
        at_cap = outlook.members_at_cap if outlook is not None else 0
        rows.append(
            PlanLiquidity(
                plan=plan,
                approved_unpaid_count=int(owed.get("approved_count", 0)),
                approved_unpaid=Decimal(owed.get("approved_amount", ZERO)),
                on_notice_count=int(owed.get("notice_count", 0)),
                on_notice=Decimal(owed.get("notice_amount", ZERO)),
                next_cutoff=outlook.cutoff if outlook is not None else None,
                next_claims=preview.claim_count if preview else 0,
                next_total=preview.total if preview else ZERO,
                next_share_per_member=preview.share_per_member if preview else ZERO,
                next_shortfall=preview.shortfall if preview else ZERO,
                members_sharing=sharing,
                members_at_cap=at_cap,
                at_cap_percent=ratio(Decimal(at_cap), Decimal(sharing)),
            )
        )
    return Liquidity(
        as_of=as_of,
        cash=account_balance(account=chart.CASH, as_of=as_of),
        investments=account_balance(account=chart.INVESTMENTS, as_of=as_of),
        plans=tuple(rows),
    )


def stress_results_latest(assessment: SolvencyAssessment) -> list:
    """The newest result of each scenario run on ``assessment``, in the scenarios'
    order (an edited scenario's older results stay stored, not shown here)."""
    from ..models import StressResult

    newest: dict[int, StressResult] = {}
    rows = (
        StressResult.objects.filter(assessment=assessment)
        .select_related("scenario")
        .order_by("scenario__order", "scenario__code", "-computed_at", "-id")
    )
    for row in rows:  # the scenarios run on one assessment: a handful
        newest.setdefault(row.scenario_id, row)
    return list(newest.values())
