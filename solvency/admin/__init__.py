"""Staff face of solvency, one module per subject (each registers its models): regimes
(``regimes``), finance's capital inputs (``capital``), assessments (``assessments``),
reserve runs and the reserving basis (``reserves``).
Every change of an assessment is a service call; assessments, their lines and events
are never edited or deleted here."""

from .assessments import SolvencyAssessmentAdmin
from .capital import AssetHoldingAdmin, CapitalItemAdmin, FundTrancheAdmin
from .regimes import RegimeAdmin, RiskModuleAdmin
from .reserves import ReserveRunAdmin, ReservingBasisAdmin

__all__ = [
    "AssetHoldingAdmin",
    "CapitalItemAdmin",
    "FundTrancheAdmin",
    "RegimeAdmin",
    "ReserveRunAdmin",
    "ReservingBasisAdmin",
    "RiskModuleAdmin",
    "SolvencyAssessmentAdmin",
]
