"""Solvency assessments: computed by an actuary, approved by a second person.

``assessment_compute`` gathers the inputs at the valuation date — capital
(``services.capital``), premiums of the 12 months to the date
(``members.selectors.premiums_billed``), the reserves of the latest approved reserve
run (``solvency.selectors.reserve_run_latest_approved`` / ``reserve_totals``), the asset
holdings of the latest statement on or before the date — applies the regime
(``calculations.regimes``) and stores the result with the inputs it used. The same
inputs computed again give back the same version (nothing new is written); changed
inputs make a new version, superseding an unapproved draft.

``assessment_approve``: maker-checker (the approver is not the person who computed
it; docs/solvency.md, "Roles"); approving supersedes the version approved before for
the same date and regime, which stays readable. An approved assessment never changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from members.selectors import premiums_billed
from mutualsociety.common.exceptions import FourEyesViolation, InvalidInput, NotAllowed
from mutualsociety.common.money import ZERO, quantize_money

from .. import selectors
from ..calculations import regimes as calc
from ..calculations.aggregation import CalculationError, diversified_requirement
from ..events import assessment_event
from ..models import (
    AssessmentLine,
    Rating,
    Regime,
    RiskFactor,
    RiskModule,
    SolvencyAssessment,
)
from ..transitions import ASSESSMENT
from .capital import capital_position

A = SolvencyAssessment.State


def permission_require(actor, perm: str) -> None:
    """Refuse anyone not signed in, or signed in without ``perm`` (``NotAllowed``)."""
    if not (actor is not None and getattr(actor, "is_authenticated", False)):
        raise NotAllowed(_("Sign in as solvency staff to do this."))
    if not actor.has_perm(perm):
        raise NotAllowed(_("You do not have permission to do this."))


def twelve_months_to(day: dt.date) -> dt.date:
    """The first day of the 12 months ending on ``day`` (29 February counts from
    1 March of the year before)."""
    try:
        year_before = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        year_before = day.replace(year=day.year - 1, day=28)
    return year_before + dt.timedelta(days=1)


def reserve_figures(totals: Any) -> dict[str, Decimal]:
    """The reserve amounts an assessment uses, from ``selectors.reserve_totals``:
    unearned premiums, outstanding claims and IBNR (0 where a run has none)."""
    return {
        name: quantize_money(getattr(totals, name, None) or ZERO)
        for name in ("upr", "outstanding", "ibnr")
    }


def _text(value: Any) -> Any:
    """Decimals and dates as text, for the JSON snapshot."""
    if isinstance(value, Decimal | dt.date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_text(v) for v in value]
    return value


def _regime_loaded(regime: Regime) -> Regime:
    return Regime.objects.prefetch_related(
        Prefetch("modules", queryset=RiskModule.objects.order_by("order", "code")),
        Prefetch("modules__factors", queryset=RiskFactor.objects.order_by("id")),
        "rungs",
    ).get(pk=regime.pk)


def _regime_snapshot(regime: Regime) -> dict[str, Any]:
    return _text(
        {
            "code": regime.code,
            "correlation": regime.correlation,
            "requirement_multiplier": regime.requirement_multiplier,
            "control_risk_rate": regime.control_risk_rate,
            "operational_premium_rate": regime.operational_premium_rate,
            "operational_cap_rate": regime.operational_cap_rate,
            "mcr": (
                {
                    "floor_rate": regime.mcr_floor_rate,
                    "cap_rate": regime.mcr_cap_rate,
                    "absolute_floor": regime.mcr_absolute_floor,
                    "premium_rate": regime.mcr_premium_rate,
                    "reserve_rate": regime.mcr_reserve_rate,
                }
                if regime.has_mcr
                else None
            ),
            "limits": {
                "of_core": regime.supplementary_limit_of_core,
                "of_requirement": regime.supplementary_limit_of_requirement,
                "mcr_of_requirement": regime.mcr_supplementary_limit,
            },
            "thresholds": {
                "comprehensive": regime.comprehensive_min,
                "core": regime.core_min,
                "mcr": regime.mcr_min,
                "rating": regime.rating_min,
                "early_warning_points": regime.early_warning_points,
            },
            "factors": [
                {
                    "module": m.code,
                    "exposure": f.exposure,
                    "asset_class": f.asset_class,
                    "rating": f.rating,
                    "by_duration": f.by_duration,
                    "rate": f.rate,
                }
                for m in regime.modules.all()
                for f in m.factors.all()
            ],
            "rungs": [
                {
                    "severity": r.severity,
                    "measure": r.measure,
                    "below": r.below,
                    "rating_at_or_below": r.rating_at_or_below,
                    "status": r.status,
                    "deadline_days": r.deadline_days,
                }
                for r in regime.rungs.all()
            ],
        }
    )


def assessment_evaluate(
    *, valuation_date: dt.date, regime: Regime, rating: str = ""
) -> tuple[calc.Position, dict[str, Any]]:
    """Compute the position at ``valuation_date`` under ``regime`` without writing
    anything: the position and the inputs it used (JSON-ready). Raises ``InvalidInput``
    when the regime's data cannot be used (its correlation matrix)."""
    regime = _regime_loaded(regime)
    modules = list(regime.modules.all())
    try:
        correlation = regime.correlation_matrix()
    except CalculationError as error:
        raise InvalidInput(
            _("The regime's correlation matrix is unusable: %(error)s") % {"error": error},
            field="regime",
        ) from None
    capital = capital_position(valuation_date=valuation_date)
    start = twelve_months_to(valuation_date)
    premiums = premiums_billed(start=start, end=valuation_date)
    run = selectors.reserve_run_latest_approved(valuation_date)
    reserves = reserve_figures(selectors.reserve_totals(run))
    holdings_date, holdings = selectors.holdings_as_of(valuation_date)
    rows = list(holdings)
    exposures = calc.Exposures(
        premiums=premiums,
        claims_reserves=reserves["outstanding"] + reserves["ibnr"],
        unearned_premiums=reserves["upr"],
        holdings=tuple(
            calc.Holding(h.asset_class, h.rating, h.market_value, h.duration) for h in rows
        ),
    )
    factors = [f.as_factor() for m in modules for f in m.factors.all()]
    codes = [m.code for m in modules]
    try:
        charges = calc.module_charges(codes, factors, exposures)
        diversified = diversified_requirement(charges, correlation)
    except CalculationError as error:
        raise InvalidInput(
            _("The regime's modules do not fit its correlation matrix: %(error)s")
            % {"error": error},
            field="regime",
        ) from None
    adjustments: dict[str, Decimal] = {}
    if regime.control_risk_rate:
        adjustments["control_risk"] = quantize_money(regime.control_risk_rate * diversified)
    if regime.operational_premium_rate:
        operational = regime.operational_premium_rate * premiums
        if regime.operational_cap_rate is not None:
            operational = min(operational, regime.operational_cap_rate * diversified)
        adjustments["operational"] = quantize_money(operational)
    mcr_linear = quantize_money(
        regime.mcr_premium_rate * premiums + regime.mcr_reserve_rate * exposures.claims_reserves
    )
    requirement = calc.requirement(
        charges=charges,
        correlation=correlation,
        adjustments=adjustments,
        multiplier=regime.requirement_multiplier,
        mcr_rule=regime.mcr_rule(),
        mcr_linear=mcr_linear,
    )
    position = calc.position(
        requirement=requirement,
        core=capital.core,
        supplementary=capital.supplementary,
        limits=regime.limits(),
        thresholds=regime.thresholds(),
        rungs=[r.as_rung() for r in regime.rungs.all()],
        rating=rating,
    )
    inputs = _text(
        {
            "valuation_date": valuation_date,
            "regime": _regime_snapshot(regime),
            "rating": rating,
            "capital": [line.as_json() for line in capital.lines],
            "premiums": {"from": start, "to": valuation_date, "amount": premiums},
            "reserves": {"run": getattr(run, "pk", None), **reserves},
            "holdings": {
                "as_of": holdings_date,
                "rows": [
                    {
                        "id": h.pk,
                        "asset_class": h.asset_class,
                        "issuer": h.issuer,
                        "rating": h.rating,
                        "market_value": h.market_value,
                        "duration": h.duration,
                    }
                    for h in rows
                ],
            },
            "mcr_linear": mcr_linear if regime.has_mcr else None,
            "warnings": list(capital.warnings),
        }
    )
    return position, inputs


def inputs_digest(inputs: dict[str, Any]) -> str:
    """The SHA-256 of the inputs in canonical JSON: equal inputs, equal digest."""
    text = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _rating_check(rating: str) -> str:
    rating = (rating or "").strip().upper()
    if rating and rating not in Rating.values:
        raise InvalidInput(_("The rating is one of A, B, C and D (or empty)."), field="rating")
    return rating


def assessment_compute(
    *, valuation_date: dt.date, regime: Regime | str | None = None, rating: str = "", actor
) -> SolvencyAssessment:
    """Compute the solvency assessment at ``valuation_date`` under ``regime`` (the
    default regime when None; a code names one) and store it as a new version.

    Refused: without ``solvency.compute_solvencyassessment``; a valuation date in the
    future; a rating other than A–D; a regime whose data cannot be used. If the latest
    version of that date and regime (a draft or the approved one) was computed from the
    same inputs and rating, it is returned and nothing is written (a rerun, a retried
    task). Otherwise a new version is written and an unapproved draft is superseded.
    """
    permission_require(actor, "solvency.compute_solvencyassessment")
    if valuation_date > timezone.localdate():
        raise InvalidInput(_("The valuation date cannot be in the future."), field="valuation_date")
    rating = _rating_check(rating)
    if regime is None or isinstance(regime, str):
        found = selectors.regime_get(code=regime) if regime else selectors.regime_default()
        if found is None:
            raise InvalidInput(_("There is no such solvency regime."), field="regime")
        regime = found
    with transaction.atomic():
        # One computation per regime at a time: the versions are numbered under this lock.
        regime = Regime.objects.select_for_update().get(pk=regime.pk)
        position, inputs = assessment_evaluate(
            valuation_date=valuation_date, regime=regime, rating=rating
        )
        digest = inputs_digest(inputs)
        versions = SolvencyAssessment.objects.select_for_update().filter(
            valuation_date=valuation_date, regime=regime
        )
        current = versions.exclude(state=A.SUPERSEDED).order_by("-version").first()
        if current is not None and current.inputs_digest == digest:
            return current
        draft = versions.filter(state=A.COMPUTED).first()
        if draft is not None:
            _supersede(draft, actor=actor, reason=_("A new computation replaces this draft."))
        number = (versions.aggregate(n=Max("version"))["n"] or 0) + 1
        assessment = _store(
            position,
            inputs=inputs,
            digest=digest,
            valuation_date=valuation_date,
            regime=regime,
            version=number,
            rating=rating,
            actor=actor,
        )
        assessment_event(
            assessment=assessment,
            type="computed",
            actor=actor,
            new_value=A.COMPUTED,
            data={
                "ladder_status": assessment.ladder_status,
                "comprehensive_ratio": _text(assessment.comprehensive_ratio),
                "core_ratio": _text(assessment.core_ratio),
            },
        )
    return assessment


def _store(
    position: calc.Position,
    *,
    inputs: dict[str, Any],
    digest: str,
    valuation_date: dt.date,
    regime: Regime,
    version: int,
    rating: str,
    actor,
) -> SolvencyAssessment:
    req = position.requirement
    rung = position.ladder.rung
    deadline = None
    if rung is not None and rung.deadline_days is not None:
        deadline = valuation_date + dt.timedelta(days=rung.deadline_days)
    inputs = {
        **inputs,
        "ladder": {
            "status": position.ladder.status,
            "rung": rung.key if rung is not None else None,
            "reached": [r.key for r in position.ladder.reached],
            "warnings": list(position.ladder.warnings),
        },
    }
    assessment = SolvencyAssessment.objects.create(
        valuation_date=valuation_date,
        regime=regime,
        version=version,
        core_capital=position.core_capital,
        supplementary_capital=position.supplementary_capital,
        admitted_supplementary=position.admitted_supplementary,
        actual_capital=position.actual_capital,
        undiversified_requirement=req.undiversified,
        diversified_requirement=req.diversified,
        adjustments_total=sum(req.adjustments.values(), ZERO),
        minimum_capital=req.minimum_capital,
        mcr=req.mcr,
        comprehensive_ratio=position.comprehensive_ratio,
        core_ratio=position.core_ratio,
        mcr_ratio=position.mcr_ratio,
        rating=rating,
        ladder_status=position.ladder.status,
        early_warning=position.ladder.early_warning,
        deadline=deadline,
        inputs=inputs,
        inputs_digest=digest,
        computed_by=actor,
    )
    names = {m.code: m for m in regime.modules.all()}
    lines = [
        AssessmentLine(
            assessment=assessment,
            kind=AssessmentLine.Kind.MODULE,
            code=code,
            name=names[code].name if code in names else code,
            name_en=names[code].name_en if code in names else code,
            amount=amount,
            order=i,
        )
        for i, (code, amount) in enumerate(req.charges.items())
    ]
    labels = {
        "control_risk": ("控制风险", "Control risk"),
        "operational": ("操作风险", "Operational risk"),
    }
    lines += [
        AssessmentLine(
            assessment=assessment,
            kind=AssessmentLine.Kind.ADJUSTMENT,
            code=code,
            name=labels.get(code, (code, code))[0],
            name_en=labels.get(code, (code, code))[1],
            amount=amount,
            order=i,
        )
        for i, (code, amount) in enumerate(req.adjustments.items())
    ]
    AssessmentLine.objects.bulk_create(lines)
    return assessment


def _supersede(assessment: SolvencyAssessment, *, actor, reason: str) -> None:
    old = ASSESSMENT.move(assessment, A.SUPERSEDED)
    assessment.superseded_at = timezone.now()
    assessment.save(update_fields=["state", "superseded_at"])
    assessment_event(
        assessment=assessment,
        type="superseded",
        actor=actor,
        old_value=old,
        new_value=A.SUPERSEDED,
        reason=reason,
    )


def assessment_approve(
    *, assessment: SolvencyAssessment | int, actor, note: str = ""
) -> SolvencyAssessment:
    """Approve a computed assessment (maker-checker).

    Refused: without ``solvency.approve_solvencyassessment``; by the person who computed
    it (four eyes); when it is not a draft (approved or superseded); under a regime with
    a rating threshold (C-ROSS) when no rating was entered. The version approved before
    for the same date and regime becomes superseded. Approving again by the same person
    is a no-op.
    """
    permission_require(actor, "solvency.approve_solvencyassessment")
    pk = assessment.pk if isinstance(assessment, SolvencyAssessment) else assessment
    with transaction.atomic():
        row = (
            SolvencyAssessment.objects.select_for_update(of=("self",))
            .select_related("regime")
            .get(pk=pk)
        )
        if row.state == A.APPROVED and row.approved_by_id == actor.pk:
            return row
        if row.computed_by_id == actor.pk:
            raise FourEyesViolation(
                _("You computed this assessment; another person must approve it (four eyes).")
            )
        ASSESSMENT.check(row.state, A.APPROVED)
        if row.regime.rating_min and not row.rating:
            raise InvalidInput(
                _(
                    "Enter the integrated risk rating before approving: compute the "
                    "assessment again with it."
                ),
                field="rating",
            )
        previous = (
            SolvencyAssessment.objects.select_for_update()
            .filter(valuation_date=row.valuation_date, regime=row.regime, state=A.APPROVED)
            .first()
        )
        if previous is not None:
            _supersede(
                previous,
                actor=actor,
                reason=_("Version %(n)d was approved as its correction.") % {"n": row.version},
            )
        old = ASSESSMENT.move(row, A.APPROVED)
        row.approved_by = actor
        row.approved_at = timezone.now()
        row.approval_note = (note or "").strip()
        row.save(update_fields=["state", "approved_by", "approved_at", "approval_note"])
        assessment_event(
            assessment=row,
            type="approved",
            actor=actor,
            old_value=old,
            new_value=A.APPROVED,
            reason=row.approval_note,
        )
    return row
