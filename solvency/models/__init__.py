"""The solvency app's models, one module per subject, every model importable from here:

- ``regimes``: ``Regime``, ``RiskModule``, ``RiskFactor``, ``LadderRung`` [capital];
- ``capital``: ``CapitalItem``, ``AssetHolding``, ``FundTranche`` [capital];
- ``assessments``: ``SolvencyAssessment``, ``AssessmentLine`` [capital];
- ``events``: the append-only histories (``AssessmentEvent``);
- ``reserves``: ``ReservingBasis``, ``ReserveRun``, ``ReserveRunOrigin``,
  ``ReserveRunEvent`` [reserves].
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
from .reserves import (
    Grain,
    ReserveRun,
    ReserveRunEvent,
    ReserveRunOrigin,
    ReservingBasis,
    ReservingMethod,
)

__all__ = [
    "AssessmentEvent",
    "AssessmentLine",
    "AssetClass",
    "AssetHolding",
    "CapitalItem",
    "CreditRating",
    "FundTranche",
    "Grain",
    "LadderRung",
    "Rating",
    "Regime",
    "ReserveRun",
    "ReserveRunEvent",
    "ReserveRunOrigin",
    "ReservingBasis",
    "ReservingMethod",
    "RiskFactor",
    "RiskModule",
    "SolvencyAssessment",
    "Tier",
]
