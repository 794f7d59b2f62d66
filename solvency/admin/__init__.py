"""Staff face of solvency, one module per subject (each registers its models): regimes
(``regimes``), finance's capital inputs (``capital``), assessments (``assessments``),
the ladder's alerts, drafts, repayments and job runs (``ladder``),
stress tests (``stress``), replenishment planning and liquidity (``planning``).
reserve runs and the reserving basis (``reserves``), surplus distributions
(``distribution``).
Every change of an assessment is a service call; assessments, their lines and events
are never edited or deleted here."""

from .assessments import SolvencyAssessmentAdmin
from .capital import AssetHoldingAdmin, CapitalItemAdmin, FundTrancheAdmin
from .distribution import MemberSurplusShareAdmin, SurplusDistributionAdmin
from .ladder import (
    FundRepaymentAdmin,
    MaterialEventDraftAdmin,
    SolvencyAlertAdmin,
    SolvencyJobRunAdmin,
)
from .planning import PlannedRepaymentAdmin, ProjectionAssumptionsAdmin
from .regimes import RegimeAdmin, RiskModuleAdmin
from .reserves import ReserveRunAdmin, ReservingBasisAdmin
from .stress import StressResultAdmin, StressScenarioAdmin

__all__ = [
    "AssetHoldingAdmin",
    "CapitalItemAdmin",
    "FundRepaymentAdmin",
    "FundTrancheAdmin",
    "MaterialEventDraftAdmin",
    "MemberSurplusShareAdmin",
    "PlannedRepaymentAdmin",
    "ProjectionAssumptionsAdmin",
    "RegimeAdmin",
    "ReserveRunAdmin",
    "ReservingBasisAdmin",
    "RiskModuleAdmin",
    "SolvencyAlertAdmin",
    "SolvencyAssessmentAdmin",
    "SolvencyJobRunAdmin",
    "StressResultAdmin",
    "StressScenarioAdmin",
    "SurplusDistributionAdmin",
]
