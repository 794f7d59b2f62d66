"""The 12-quarter replenishment projection (docs/solvency.md, "Replenishment
planning"): reads only. The latest approved assessment gives the starting point (what it
was computed from: rules, exposures, capital), ``ProjectionAssumptions`` the
assumptions (the defaults when staff have saved none), ``PlannedRepayment`` the planned
repayments of the fund; ``calculations.projection`` does the arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from mutualsociety.common.exceptions import InvalidInput

from .. import selectors
from ..calculations import projection as calc
from ..calculations.aggregation import CalculationError
from ..calculations.snapshot import basis_from_inputs
from ..models import PlannedRepayment, ProjectionAssumptions, SolvencyAssessment


def projection_assumptions() -> ProjectionAssumptions:
    """The saved assumptions (the first row), or the defaults, unsaved."""
    return ProjectionAssumptions.objects.order_by("pk").first() or ProjectionAssumptions()


@dataclass(frozen=True)
class Projection:
    assessment: SolvencyAssessment
    assumptions: ProjectionAssumptions
    repayments: dict[int, Decimal]
    lines: tuple[calc.Line, ...]
    comprehensive_threshold: Decimal
    core_threshold: Decimal | None

    def line(self, route: str) -> calc.Line:
        return next(line for line in self.lines if line.route == route)


def replenishment_projection(*, assessment: SolvencyAssessment | None = None) -> Projection:
    """Project the base line and each replenishment route 12 quarters from
    ``assessment`` (the latest approved one of the default regime when None). Refused
    (``field="assessment"``) when there is no approved assessment to start from."""
    assessment = assessment or selectors.assessment_latest_approved()
    if assessment is None:
        raise InvalidInput(
            _("There is no approved solvency assessment to project from."), field="assessment"
        )
    try:
        basis = basis_from_inputs(assessment.inputs)
    except (CalculationError, KeyError, ArithmeticError, TypeError) as error:
        raise InvalidInput(
            _("The assessment's inputs cannot be read back: %(error)s") % {"error": error},
            field="assessment",
        ) from None
    row = projection_assumptions()
    assumptions = calc.Assumptions(
        contribution_growth=row.contribution_growth,
        loss_ratio=row.loss_ratio,
        expense_ratio=row.expense_ratio,
        reserve_growth=row.reserve_growth,
        investment_return=row.investment_return,
        distribution_share=row.distribution_share,
        tranche_amount=row.tranche_amount,
        notes_amount=row.notes_amount,
        distribution_cut=row.distribution_cut,
    )
    start = assessment.valuation_date
    end = calc.quarter_end(start, calc.QUARTERS)
    planned = PlannedRepayment.objects.filter(due_on__gt=start, due_on__lte=end).values_list(
        "due_on", "amount"
    )
    repayments = calc.repayments_by_quarter(list(planned), start=start)
    lines = calc.project(basis, assumptions, start=start, repayments=repayments)
    return Projection(
        assessment=assessment,
        assumptions=row,
        repayments=dict(repayments),
        lines=lines,
        comprehensive_threshold=basis.rules.thresholds.comprehensive,
        core_threshold=basis.rules.thresholds.core,
    )
