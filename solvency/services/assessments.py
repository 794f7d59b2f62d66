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
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import FourEyesViolation, InvalidInput
from mutualsociety.common.money import ZERO

from .. import selectors
from ..calculations import regimes as calc
from ..events import assessment_event
from ..models import AssessmentLine, Rating, Regime, SolvencyAssessment
from ..signals import assessment_approved
from ..transitions import ASSESSMENT
from .access import permission_require
from .evaluation import assessment_evaluate, json_ready
from .monitoring import alerts_on_approval

A = SolvencyAssessment.State


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
    return assessment_compute_as(
        valuation_date=valuation_date, regime=regime, rating=rating, actor=actor
    )


def assessment_compute_as(
    *, valuation_date: dt.date, regime: Regime | str | None = None, rating: str = "", actor
) -> SolvencyAssessment:
    """``assessment_compute`` without the permission check, for the quarterly job
    (``services.jobs``), which computes as the scheduler's service account: a draft that
    a person still approves. Faces call ``assessment_compute``."""
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
                "comprehensive_ratio": json_ready(assessment.comprehensive_ratio),
                "core_ratio": json_ready(assessment.core_ratio),
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
    *,
    assessment: SolvencyAssessment | int,
    actor,
    note: str = "",
    at: dt.datetime | None = None,
) -> SolvencyAssessment:
    """Approve a computed assessment (maker-checker). ``at`` records an approval given
    earlier (a society's history, as the demo's); by default now, and never later.

    Refused: without ``solvency.approve_solvencyassessment``; by the person who computed
    it (four eyes); when it is not a draft (approved or superseded); under a regime with
    a rating threshold (C-ROSS) when no rating was entered. The version approved before
    for the same date and regime becomes superseded. Approving again by the same person
    is a no-op. Sends ``solvency.signals.assessment_approved`` after commit.
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
        row.approved_at = min(at, timezone.now()) if at else timezone.now()
        row.approval_note = (note or "").strip()
        row.save(update_fields=["state", "approved_by", "approved_at", "approval_note"])
        assessment_event(
            assessment=row,
            type="approved",
            actor=actor,
            old_value=old,
            new_value=A.APPROVED,
            reason=row.approval_note,
            at=row.approved_at,
        )
        # The ladder: the approved figures open and close the alerts (in this commit).
        alerts_on_approval(assessment=row, actor=actor)
        approved = row
        transaction.on_commit(
            lambda: assessment_approved.send(sender=SolvencyAssessment, assessment=approved)
        )
    return row
