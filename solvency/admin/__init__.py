"""Staff face of solvency, one module per subject (each registers its models): regimes
(``regimes``), finance's capital inputs (``capital``), assessments (``assessments``),
stress tests (``stress``), replenishment planning and liquidity (``planning``).
Every change of an assessment is a service call; assessments, their lines and events
are never edited or deleted here."""

from .assessments import SolvencyAssessmentAdmin
from .capital import AssetHoldingAdmin, CapitalItemAdmin, FundTrancheAdmin
from .planning import PlannedRepaymentAdmin, ProjectionAssumptionsAdmin
from .regimes import RegimeAdmin, RiskModuleAdmin
from .stress import StressResultAdmin, StressScenarioAdmin

__all__ = [
    "AssetHoldingAdmin",
    "CapitalItemAdmin",
    "FundTrancheAdmin",
    "PlannedRepaymentAdmin",
    "ProjectionAssumptionsAdmin",
    "RegimeAdmin",
    "RiskModuleAdmin",
    "SolvencyAssessmentAdmin",
    "StressResultAdmin",
    "StressScenarioAdmin",
]
