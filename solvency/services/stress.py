"""Stress tests: the society's scenarios applied to an assessment (docs/solvency.md,
"Stress tests").

``stress_run`` reads what the assessment was computed from (its inputs: the regime's
rules as they were, exposures, capital), the claims incurred in the 12 months to its
valuation date (the ledger's claims paid 6511 and change in claims reserves 6502) and
the members in good standing then, applies each scenario's shocks
(``calculations.stress``) and stores one ``StressResult`` per scenario. A second run
with the same shocks and the same claims and members returns the stored results and
writes nothing; an edited scenario gives a new result beside the old one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from ledger import chart
from ledger.selectors import account_balance
from members.selectors import members_in_good_standing_on
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.money import quantize_money

from ..calculations.aggregation import CalculationError
from ..calculations.snapshot import basis_from_inputs
from ..calculations.stress import StressBase, stress
from ..models import SolvencyAssessment, StressResult, StressScenario
from .assessments import inputs_digest, permission_require
from .evaluation import json_ready, twelve_months_to


def claims_incurred(*, start: dt.date, end: dt.date):
    """Claims paid plus the change in claims reserves posted from ``start`` to ``end``
    (both included), from the ledger's balances (two aggregates an account)."""
    before = start - dt.timedelta(days=1)
    total = sum(
        account_balance(account=code, as_of=end) - account_balance(account=code, as_of=before)
        for code in (chart.CLAIMS_PAID, chart.CLAIMS_RESERVE_CHANGE)
    )
    return quantize_money(total)


def stress_base(assessment: SolvencyAssessment) -> StressBase:
    """What the scenarios are applied to (reads only)."""
    day = assessment.valuation_date
    try:
        basis = basis_from_inputs(assessment.inputs)
    except (CalculationError, KeyError, ArithmeticError, TypeError) as error:
        raise InvalidInput(
            _("The assessment's inputs cannot be read back: %(error)s") % {"error": error},
            field="assessment",
        ) from None
    return StressBase(
        basis=basis,
        claims=claims_incurred(start=twelve_months_to(day), end=day),
        members=members_in_good_standing_on(day).count(),
    )


def stress_run(
    *,
    assessment: SolvencyAssessment | int,
    scenarios: Iterable[StressScenario] | None = None,
    actor,
) -> list[StressResult]:
    """Apply ``scenarios`` (the active ones when None) to ``assessment`` and store a
    result for each; return them in the scenarios' order.

    Refused: without ``solvency.run_stresstest``; a superseded assessment (stress the
    version in force); a scenario whose shocks are unusable (``field="shocks"``, naming
    the scenario), in which case nothing is stored.
    """
    permission_require(actor, "solvency.run_stresstest")
    pk = assessment.pk if isinstance(assessment, SolvencyAssessment) else assessment
    row = SolvencyAssessment.objects.filter(pk=pk).first()
    if row is None:
        raise InvalidInput(_("There is no such assessment."), field="assessment")
    if row.state == SolvencyAssessment.State.SUPERSEDED:
        raise InvalidInput(
            _("This assessment was superseded; stress the version in force."),
            field="assessment",
        )
    chosen = list(StressScenario.objects.filter(active=True) if scenarios is None else scenarios)
    if not chosen:
        raise InvalidInput(_("Choose at least one scenario."), field="scenarios")
    base = stress_base(row)
    results: list[StressResult] = []
    with transaction.atomic():
        for scenario in chosen:
            try:
                shocks = scenario.as_shocks()
                shocked, evaluation = stress(base, shocks)
            except CalculationError as error:
                raise InvalidInput(
                    _("Scenario %(code)s: %(error)s") % {"code": scenario.code, "error": error},
                    field="shocks",
                ) from None
            digest = inputs_digest(
                {
                    "shocks": json_ready(scenario.shocks),
                    "claims": str(base.claims),
                    "members": base.members,
                }
            )
            found = StressResult.objects.filter(
                assessment=row, scenario=scenario, shocks_digest=digest
            ).first()
            if found is not None:
                results.append(found)
                continue
            position = evaluation.position
            results.append(
                StressResult.objects.create(
                    assessment=row,
                    scenario=scenario,
                    shocks=json_ready(scenario.shocks),
                    shocks_digest=digest,
                    claims_base=base.claims,
                    members_before=base.members,
                    members_after=shocked.members,
                    claims_loss=shocked.claims_loss,
                    reserve_loss=shocked.reserve_loss,
                    asset_loss=shocked.asset_loss,
                    premiums=shocked.exposures.premiums,
                    claims_reserves=shocked.exposures.claims_reserves,
                    core_capital=position.core_capital,
                    actual_capital=position.actual_capital,
                    minimum_capital=position.requirement.minimum_capital,
                    comprehensive_ratio=position.comprehensive_ratio,
                    core_ratio=position.core_ratio,
                    status=position.ladder.status,
                    early_warning=position.ladder.early_warning,
                    computed_by=actor,
                )
            )
    return results
