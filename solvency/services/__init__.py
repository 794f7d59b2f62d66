"""Every write of the solvency app, one module per subject. Modules import each other in
one direction only: ``assessments`` → ``evaluation`` → ``capital``; ``stress`` →
``assessments``, ``evaluation``; ``whatif`` stands alone. Faces import the services;
services never import a face."""

from .assessments import assessment_approve, assessment_compute, assessment_evaluate
from .capital import asset_holdings_import, capital_position
from .stress import stress_run

__all__ = [
    "assessment_approve",
    "assessment_compute",
    "assessment_evaluate",
    "asset_holdings_import",
    "capital_position",
    "stress_run",
]
