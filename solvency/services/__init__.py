"""Every write of the solvency app, one module per subject. Modules import each other in
one direction only: ``jobs`` → ``assessments`` → ``monitoring`` → ``evaluation`` →
``capital``; ``repayment`` → ``evaluation``; every one may use ``access`` (the permission
check); ``stress`` → ``assessments``, ``evaluation``; ``whatif`` stands alone. Faces
import the services; services never import a face.

MERGE POINT (issue 11, reserves): ``jobs.job_monthly_reserve`` looks up
``reserve_run_monthly`` here; export it from this package when the reserves branch lands.
"""

from .assessments import (
    assessment_approve,
    assessment_compute,
    assessment_compute_as,
    assessment_evaluate,
)
from .capital import asset_holdings_import, capital_position
from .jobs import job_daily_monitoring, job_monthly_reserve, job_quarterly_assessment
from .monitoring import alert_acknowledge, alert_notify, alerts_sync, monitoring_run
from .repayment import fund_repay
from .stress import stress_run

__all__ = [
    "alert_acknowledge",
    "alert_notify",
    "alerts_sync",
    "assessment_approve",
    "assessment_compute",
    "assessment_compute_as",
    "assessment_evaluate",
    "asset_holdings_import",
    "capital_position",
    "fund_repay",
    "job_daily_monitoring",
    "job_monthly_reserve",
    "job_quarterly_assessment",
    "monitoring_run",
    "stress_run",
]
