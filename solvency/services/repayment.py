"""Repaying the initial operating fund (初始运营资金; docs/solvency.md, "Repaying the initial
operating fund").

Pilot Measures for the Supervision of Mutual Insurance Organizations (2015), as
docs/ledger.md and docs/defaults.md put it: the fund is provided by the founders and
"repaid only out of surplus while solvency stays adequate"; repaying it is a special
matter of the assembly (docs/governance.md). ``fund_repay`` refuses unless every condition holds,
and names each one that does not (one ``InvalidInput`` whose ``fields`` list them):

- ``start_up_costs``: the start-up costs are covered — the result since founding (income
  less expenses ever posted, ``ledger.selectors.net_result``) is at least 0 at the date;
- ``surplus``: surplus (4104) plus the results not yet appropriated, less the fund
  already repaid, is at least the amount;
- ``motion``: an adopted assembly resolution on the repayment of the fund;
- ``assessment``: the latest approved assessment, its capital less the amount (in the
  tranche's tier), still meets every threshold of its regime (the early-warning margin is
  not a threshold);
- ``alerts``: no alert of the ladder stands (breach or early warning);
- ``amount`` / ``tranche`` / ``repaid_on``: a positive amount in cents, at most what is
  outstanding of a loan (a donation is not repaid), dated between its receipt and today.

The repayment posts Dr 4001 / Cr 1002 through ``ledger.services.entry_post`` under its
idempotency key; the same call again returns the first repayment and adds nothing.
Finance records it (``solvency.add_fundrepayment``) on the assembly's resolution.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Matter
from governance.selectors import resolution_adopted_by_assembly, resolution_get
from ledger import chart
from ledger.models import Account
from ledger.selectors import account_balance, net_result
from ledger.services import Credit, Debit, entry_post
from mutualsociety.common.exceptions import IdempotencyConflict, InvalidInput
from mutualsociety.common.money import ZERO, quantize_money

from .. import selectors
from ..calculations import recheck as rc
from ..models import FundRepayment, FundTranche, SolvencyAssessment, SurplusDistribution, Tier
from .access import permission_require
from .evaluation import json_ready

#: The distributions whose entry (Dr 4104 surplus) is posted: those credited and those
#: whose run has started (the entry is posted when the run starts; docs/solvency.md).
DRAWN = (
    SurplusDistribution.Status.RUNNING,
    SurplusDistribution.Status.RUN,
    SurplusDistribution.Status.PUBLISHED,
)


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount <= 0 or amount % Decimal("0.01"):
        return None
    return amount


def surplus_available(*, as_of: dt.date, since_founding: Decimal | None = None) -> Decimal:
    """Surplus (4104) plus the results not yet appropriated (income less expenses ever
    posted), less the fund already repaid, at the end of ``as_of``: what the fund is
    repaid from and surplus is distributed from (a distribution's own entry debits 4104,
    so a distribution already credited is out of it)."""
    if since_founding is None:
        since_founding = net_result(end=as_of)
    all_repaid = FundRepayment.objects.aggregate(t=Sum("amount"))["t"] or ZERO
    surplus = account_balance(account=chart.SURPLUS, as_of=as_of)
    # A distribution credited after ``as_of`` is not in the balance at ``as_of`` but is
    # gone all the same: without this a later check dated earlier (last year's
    # distribution, a repayment dated yesterday) would spend the same surplus twice.
    credited_later = (
        SurplusDistribution.objects.filter(
            status__in=DRAWN,
            ledger_entry__date__gt=as_of,
        ).aggregate(t=Sum("amount"))["t"]
        or ZERO
    )
    return quantize_money(surplus + since_founding - all_repaid - credited_later)


def surplus_draws_lock() -> None:
    """Serialise the draws on the surplus (a distribution run, a repayment of the fund)
    for the caller's transaction: each checks aggregate figures and then posts, so two at
    once could each pass on the same money. The surplus account's row is the lock."""
    Account.objects.select_for_update().filter(code=chart.SURPLUS).first()


@dataclass(frozen=True)
class SolvencyAfter:
    """The latest approved assessment recomputed with less capital: its ratios after,
    and the thresholds of its regime they would miss (none: the draw may go ahead)."""

    assessment: SolvencyAssessment
    after: Any
    missed: list[str]
    core: Decimal
    supplementary: Decimal

    @property
    def message_figures(self) -> dict[str, Any]:
        """What a refusal names: the assessment, the thresholds missed, the ratios after."""
        return {
            "a": self.assessment,
            "measures": ", ".join(self.missed),
            "comprehensive": self.after.comprehensive_ratio,
            "core": self.after.core_ratio,
        }

    @property
    def ratios(self) -> dict[str, Any]:
        return {
            "comprehensive_ratio": self.after.comprehensive_ratio,
            "core_ratio": self.after.core_ratio,
            "mcr_ratio": self.after.mcr_ratio,
        }


def capital_drawn_since(valuation_date: dt.date) -> tuple[Decimal, Decimal]:
    """(core, supplementary) capital that left after ``valuation_date``: repayments of
    the fund (in their tranche's tier) and surplus credited to members (core), so that
    two draws that each pass alone cannot pass together."""
    core = supplementary = ZERO
    since = FundRepayment.objects.filter(repaid_on__gt=valuation_date)
    for row in since.values("tranche__tier").annotate(total=Sum("amount")):
        if row["tranche__tier"] == Tier.SUPPLEMENTARY:
            supplementary += row["total"]
        else:
            core += row["total"]
    distributed = SurplusDistribution.objects.filter(
        status__in=DRAWN,
        ledger_entry__date__gt=valuation_date,
    ).aggregate(t=Sum("amount"))["t"]
    return core + (distributed or ZERO), supplementary


def solvency_after(*, core_less: Decimal, supplementary_less: Decimal) -> SolvencyAfter | None:
    """The latest approved assessment's position with its capital less what left since
    its valuation date and less ``core_less`` / ``supplementary_less``, against its stored
    minimum capital and MCR and every threshold of the regime it was made under (the
    early-warning margin is not a threshold). None when no assessment is approved."""
    assessment = selectors.assessment_latest_approved()
    if assessment is None:
        return None
    rules = rc.rules_from_snapshot(assessment.inputs.get("regime") or {})
    drawn_core, drawn_supplementary = capital_drawn_since(assessment.valuation_date)
    core = assessment.core_capital - drawn_core - core_less
    supplementary = assessment.supplementary_capital - drawn_supplementary - supplementary_less
    after = rc.recheck(
        rules=rules,
        minimum_capital=assessment.minimum_capital,
        mcr=assessment.mcr,
        core=core,
        supplementary=supplementary,
        rating=assessment.rating,
    )
    missed = rc.thresholds_missed(after, rules.thresholds, assessment.rating)
    return SolvencyAfter(assessment, after, list(missed), core, supplementary)


def repayment_key(*, tranche_id: int, motion_id: int, repaid_on: dt.date, amount: Decimal) -> str:
    """The default idempotency key: one repayment per tranche, resolution, date, amount."""
    return f"solvency.fund_repayment:{tranche_id}:{motion_id}:{repaid_on.isoformat()}:{amount}"


def _replayed(existing: FundRepayment, tranche_id: int, amount, repaid_on, motion_id: int):
    same = (existing.tranche_id, existing.amount, existing.repaid_on, existing.motion_id) == (
        tranche_id,
        amount,
        repaid_on,
        motion_id,
    )
    if not same:
        raise IdempotencyConflict(
            _("The key %(key)s was used for another repayment.")
            % {"key": existing.idempotency_key},
            field="idempotency_key",
        )
    return existing


def repayment_checks(
    *, tranche: FundTranche, amount: Decimal, repaid_on: dt.date, motion_id: int
) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Every condition of a repayment: the failures by field, and the figures checked."""
    fails: dict[str, list[str]] = {}
    figures: dict[str, Any] = {}

    def fail(name: str, message: str) -> None:
        fails.setdefault(name, []).append(message)

    if repaid_on > timezone.localdate():
        fail("repaid_on", _("The repayment cannot be dated in the future."))
    if repaid_on < tranche.received_on:
        fail("repaid_on", _("The repayment cannot be dated before the tranche was received."))
    if tranche.kind == FundTranche.Kind.DONATION:
        fail("tranche", _("This tranche is a donation: a donation is not repaid."))
    repaid = FundRepayment.objects.filter(tranche=tranche).aggregate(t=Sum("amount"))["t"] or ZERO
    outstanding = tranche.amount - repaid
    figures["outstanding"] = outstanding
    if amount > outstanding:
        fail(
            "amount",
            _("At most %(outstanding)s of this tranche is outstanding.")
            % {"outstanding": outstanding},
        )
    # (a) start-up costs covered
    since_founding = net_result(end=repaid_on)
    figures["result_since_founding"] = since_founding
    if since_founding < 0:
        fail(
            "start_up_costs",
            _(
                "The start-up costs are not covered: the result since founding is "
                "%(result)s (it must be at least 0)."
            )
            % {"result": since_founding},
        )
    # (b) surplus available
    available = surplus_available(as_of=repaid_on, since_founding=since_founding)
    figures["surplus_available"] = available
    if available < amount:
        fail(
            "surplus",
            _(
                "Surplus plus undistributed results less the fund already repaid is "
                "%(available)s, less than %(amount)s."
            )
            % {"available": available, "amount": amount},
        )
    # (c) the assembly's resolution
    motion = resolution_get(motion_id)
    if motion is None or not resolution_adopted_by_assembly(motion, matter=Matter.FUND_REPAYMENT):
        fail(
            "motion",
            _(
                "Name a resolution on the repayment of the initial operating fund that an "
                "assembly adopted (results declared)."
            ),
        )
    # (e) no standing alert of the ladder
    standing = list(selectors.alerts_standing())
    if standing:
        fail(
            "alerts",
            _("An alert of the solvency ladder stands: %(alerts)s.")
            % {"alerts": "; ".join(str(a) for a in standing)},
        )
    # (d) the latest approved assessment after the repayment
    core_less, supplementary_less = (
        (ZERO, amount) if tranche.tier == Tier.SUPPLEMENTARY else (amount, ZERO)
    )
    check = solvency_after(core_less=core_less, supplementary_less=supplementary_less)
    if check is None:
        fail("assessment", _("There is no approved solvency assessment to check against."))
    else:
        figures["assessment"] = check.assessment.pk
        figures["after"] = check.ratios
        if check.missed:
            fail(
                "assessment",
                _(
                    "After the repayment, assessment %(a)s would be below its threshold "
                    "for: %(measures)s (comprehensive %(comprehensive)s%%, core %(core)s%%)."
                )
                % check.message_figures,
            )
    return fails, json_ready(figures)


def fund_repay(
    *,
    tranche: FundTranche | int,
    amount: Decimal | str,
    repaid_on: dt.date,
    motion: Any,
    actor,
    idempotency_key: str = "",
) -> FundRepayment:
    """Repay ``amount`` of a tranche of the initial operating fund on ``repaid_on``, on
    the assembly's resolution ``motion`` (a Motion or its id). See the module's
    docstring for the conditions; needs ``solvency.add_fundrepayment`` (finance)."""
    permission_require(actor, "solvency.add_fundrepayment")
    value = _amount(amount)
    if value is None:
        raise InvalidInput(_("Enter a positive amount in cents."), field="amount")
    tranche_id = tranche.pk if isinstance(tranche, FundTranche) else int(tranche)
    motion_id = int(getattr(motion, "pk", motion))
    key = (idempotency_key or "").strip() or repayment_key(
        tranche_id=tranche_id, motion_id=motion_id, repaid_on=repaid_on, amount=value
    )
    existing = FundRepayment.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _replayed(existing, tranche_id, value, repaid_on, motion_id)
    with transaction.atomic():
        row = FundTranche.objects.select_for_update().filter(pk=tranche_id).first()
        if row is None:
            raise InvalidInput(_("There is no such tranche."), field="tranche")
        surplus_draws_lock()
        existing = FundRepayment.objects.filter(idempotency_key=key).first()
        if existing is not None:  # a simultaneous call got the lock first
            return _replayed(existing, tranche_id, value, repaid_on, motion_id)
        fails, figures = repayment_checks(
            tranche=row, amount=value, repaid_on=repaid_on, motion_id=motion_id
        )
        if fails:
            raise InvalidInput(
                _("The repayment is refused: %(conditions)s.") % {"conditions": ", ".join(fails)},
                fields=fails,
            )
        entry = entry_post(
            idempotency_key=key,
            date=repaid_on,
            memo=_("Repayment of the initial operating fund to %(provider)s")
            % {"provider": row.provider},
            lines=[Debit(chart.INITIAL_OPERATING_FUND, value), Credit(chart.CASH, value)],
            source_type="solvency.fund_repayment",
            source_id=row.pk,
            actor=actor,
        )
        return FundRepayment.objects.create(
            tranche=row,
            amount=value,
            repaid_on=repaid_on,
            motion_id=motion_id,
            assessment_id=figures["assessment"],
            ledger_entry=entry,
            idempotency_key=key,
            checks=figures,
            recorded_by=actor,
        )
