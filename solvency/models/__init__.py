"""The solvency app's models, one module per subject, every model importable from here:

- ``regimes``: ``Regime``, ``RiskModule``, ``RiskFactor``, ``LadderRung`` [capital];
- ``capital``: ``CapitalItem``, ``AssetHolding``, ``FundTranche`` [capital];
- ``assessments``: ``SolvencyAssessment``, ``AssessmentLine`` [capital];
- ``stress``: ``StressScenario``, ``StressResult``, ``ProjectionAssumptions``,
  ``PlannedRepayment`` [stress];
- ``events``: the append-only histories (``AssessmentEvent``).
"""

from .assessments import AssessmentLine, SolvencyAssessment
from .capital import AssetHolding, CapitalItem, FundTranche, Tier
from .events import AssessmentEvent
from .regimes import (
    AssetClass,
    CreditRating,
    LadderRung,
    Rating,
    Regime,
    RiskFactor,
    RiskModule,
)
from .stress import (
    PlannedRepayment,
    ProjectionAssumptions,
    StressResult,
    StressScenario,
)

__all__ = [
    "AssessmentEvent",
    "AssessmentLine",
    "AssetClass",
    "AssetHolding",
    "CapitalItem",
    "CreditRating",
    "FundTranche",
    "LadderRung",
    "PlannedRepayment",
    "ProjectionAssumptions",
    "Rating",
    "Regime",
    "RiskFactor",
    "RiskModule",
    "SolvencyAssessment",
    "StressResult",
    "StressScenario",
    "Tier",
]
