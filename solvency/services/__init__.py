"""Every write of the solvency app, one module per subject. Modules import each other in
one direction only: ``reserves`` → ``assessments`` → ``evaluation`` → ``capital``;
``whatif`` stands alone. Faces import the services; services
never import a face."""

from .assessments import assessment_approve, assessment_compute, assessment_evaluate
from .capital import asset_holdings_import, capital_position
from .reserves import (
    reserve_movements,
    reserve_run_approve,
    reserve_run_create,
    reserve_run_monthly,
    reserve_run_reject,
)

__all__ = [
    "assessment_approve",
    "assessment_compute",
    "assessment_evaluate",
    "asset_holdings_import",
    "capital_position",
    "reserve_movements",
    "reserve_run_approve",
    "reserve_run_create",
    "reserve_run_monthly",
    "reserve_run_reject",
]
