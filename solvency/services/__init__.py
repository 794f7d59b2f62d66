"""Every write of the solvency app, one module per subject. Modules import each other in
one direction only: ``jobs`` → ``reserves``, ``assessments``; ``assessments`` →
``monitoring`` → ``evaluation`` → ``capital``; ``repayment`` → ``evaluation``;
``distribution`` → ``distribution_checks`` (→ ``repayment``, ``evaluation``),
``distribution_allocation`` → ``distribution_sql``; ``stress``
→ ``assessments``, ``evaluation``; every one may use ``access`` (the permission check);
``whatif`` stands alone. Faces import the services; services never import a face.
"""

from .assessments import (
    assessment_approve,
    assessment_compute,
    assessment_compute_as,
    assessment_evaluate,
)
from .capital import asset_holdings_import, capital_position
from .distribution import (
    distribution_adopt,
    distribution_compute,
    distribution_preview,
    distribution_propose,
    distribution_publish,
    distribution_run,
    distribution_withdraw,
)
from .jobs import job_daily_monitoring, job_monthly_reserve, job_quarterly_assessment
from .monitoring import (
    alert_acknowledge,
    alert_notify,
    alerts_sync,
    material_event_draft_close,
    monitoring_run,
)
from .repayment import fund_repay
from .reserves import (
    reserve_movements,
    reserve_run_approve,
    reserve_run_create,
    reserve_run_monthly,
    reserve_run_reject,
)
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
    "distribution_adopt",
    "distribution_compute",
    "distribution_preview",
    "distribution_propose",
    "distribution_publish",
    "distribution_run",
    "distribution_withdraw",
    "fund_repay",
    "job_daily_monitoring",
    "job_monthly_reserve",
    "job_quarterly_assessment",
    "material_event_draft_close",
    "monitoring_run",
    "stress_run",
    "reserve_movements",
    "reserve_run_approve",
    "reserve_run_create",
    "reserve_run_monthly",
    "reserve_run_reject",
]
