"""Reads of the solvency app shared by its services and faces (and by the disclosure
issue later): the regime in force, the latest approved assessment and the history,
the asset holdings of a valuation date, the reserve totals an assessment uses, and the
liquidity view of the mutual aid plans (``liquidity_view``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from claims.selectors import claims_unpaid_by_plan
from claims.services.apportionment import apportionment_outlook
from ledger import chart
from ledger.selectors import account_balance
from members.models import Plan
from members.selectors import mutual_aid_plans
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.money import ZERO

from .calculations.aggregation import ratio
from .models import (
    AssetHolding,
    FundRepayment,
    FundTranche,
    Regime,
    SolvencyAlert,
    SolvencyAssessment,
)

# --- Regimes and assessments -----------------------------------------------------------


def regime_default() -> Regime | None:
    """The regime the society reports under (``Regime.is_default``)."""
    return Regime.objects.filter(is_default=True).first()


def regime_get(*, code: str) -> Regime | None:
    return Regime.objects.filter(code=code).first()


def _approved(regime: Regime | None) -> QuerySet[SolvencyAssessment]:
    regime = regime or regime_default()
    return SolvencyAssessment.objects.filter(
        state=SolvencyAssessment.State.APPROVED, regime=regime
    ).select_related("regime", "computed_by", "approved_by")


def assessment_latest_approved(*, regime: Regime | None = None) -> SolvencyAssessment | None:
    """The approved assessment of the latest valuation date under ``regime`` (the
    default regime when None): what the dashboard, the alerts, fund repayment and the
    disclosure pages read. One per date can be approved at a time (a correction
    supersedes the version before it)."""
    return _approved(regime).order_by("-valuation_date", "-version").first()


def assessment_history(n: int = 8, *, regime: Regime | None = None) -> list[SolvencyAssessment]:
    """The approved assessments of the last ``n`` valuation dates, newest first (8
    quarters for the dashboard's chart)."""
    return list(_approved(regime).order_by("-valuation_date", "-version")[: max(n, 0)])


def assessment_versions(*, valuation_date: dt.date, regime: Regime) -> QuerySet[SolvencyAssessment]:
    """Every version computed for a valuation date, newest first (superseded ones too)."""
    return SolvencyAssessment.objects.filter(valuation_date=valuation_date, regime=regime).order_by(
        "-version"
    )


def holdings_as_of(valuation_date: dt.date) -> tuple[dt.date | None, QuerySet[AssetHolding]]:
    """The statement of holdings an assessment at ``valuation_date`` uses: every row of
    the latest ``as_of`` on or before it (None and no rows when there is none)."""
    latest = AssetHolding.objects.filter(as_of__lte=valuation_date).aggregate(d=Max("as_of"))["d"]
    if latest is None:
        return None, AssetHolding.objects.none()
    return latest, AssetHolding.objects.filter(as_of=latest).order_by("id")


# --- Alerts and the fund ---------------------------------------------------------------


def alerts_standing() -> QuerySet[SolvencyAlert]:
    """The alerts that stand (open or acknowledged), most recent first: the admin's
    banner, the blocks on repayment and distribution."""
    return SolvencyAlert.objects.filter(
        status__in=(SolvencyAlert.Status.OPEN, SolvencyAlert.Status.ACKNOWLEDGED)
    ).order_by("-opened_at", "-id")


def alerts_standing_on(as_of: dt.date) -> QuerySet[SolvencyAlert]:
    """The alerts that stood at the end of ``as_of``: opened by then and not closed by
    then."""
    return SolvencyAlert.objects.filter(opened_at__date__lte=as_of).filter(
        Q(closed_at__isnull=True) | Q(closed_at__date__gt=as_of)
    )


def distribution_blocked(as_of: dt.date) -> tuple[bool, list[str]]:
    """Whether a surplus distribution (or a repayment of the fund) is blocked at
    ``as_of``, and why: a standing alert of the ladder (a breach or an early warning),
    or no approved solvency assessment to show the society can afford it."""
    reasons = [
        _("%(kind)s of the %(measure)s since %(date)s (status: %(status)s).")
        % {
            "kind": alert.get_kind_display(),
            "measure": alert.get_measure_display(),
            "date": alert.valuation_date.isoformat(),
            "status": alert.ladder_status,
        }
        for alert in alerts_standing_on(as_of).order_by("opened_at", "id")
    ]
    if assessment_latest_approved() is None:
        reasons.append(_("There is no approved solvency assessment."))
    return bool(reasons), reasons


def tranches_with_repayments(*, as_of: dt.date | None = None) -> QuerySet[FundTranche]:
    """The register with each tranche's ``repaid`` total (repayments on or before
    ``as_of``; all when None) and ``outstanding`` amount, one query."""
    repayments = FundRepayment.objects.filter(tranche=OuterRef("pk"))
    if as_of is not None:
        repayments = repayments.filter(repaid_on__lte=as_of)
    total = repayments.values("tranche").annotate(t=Sum("amount")).values("t")
    money = DecimalField(max_digits=40, decimal_places=2)
    return FundTranche.objects.annotate(
        repaid=Coalesce(Subquery(total, output_field=money), Value(ZERO), output_field=money)
    ).annotate(outstanding=ExpressionWrapper(F("amount") - F("repaid"), output_field=money))


# --- Reserves --------------------------------------------------------------------------
# >>> STAND-IN (issue 11, capital branch): the reserves engineer writes the real
# ``reserve_run_latest_approved`` and ``reserve_totals`` in parallel. The lead DROPS this
# block when merging their branch; the assessment service reads only these two names and
# the attributes ``upr``, ``outstanding`` and ``ibnr`` of the totals
# (``services.evaluation.reserve_figures``).


@dataclass(frozen=True)
class ReserveTotals:
    """The reserves of an approved run: unearned premiums, outstanding claims, IBNR."""

    upr: Decimal = ZERO
    outstanding: Decimal = ZERO
    ibnr: Decimal = ZERO


def reserve_run_latest_approved(as_of: dt.date):
    """STAND-IN: no reserve run exists yet on this branch."""
    return None


def reserve_totals(run) -> ReserveTotals:
    """STAND-IN: zeros when there is no run."""
    return ReserveTotals()


# <<< END OF STAND-IN


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
    from .models import StressResult

    newest: dict[int, StressResult] = {}
    rows = (
        StressResult.objects.filter(assessment=assessment)
        .select_related("scenario")
        .order_by("scenario__order", "scenario__code", "-computed_at", "-id")
    )
    for row in rows:  # the scenarios run on one assessment: a handful
        newest.setdefault(row.scenario_id, row)
    return list(newest.values())
