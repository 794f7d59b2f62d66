"""The solvency app's models, one module per subject, every model importable from here:

- ``regimes``: ``Regime``, ``RiskModule``, ``RiskFactor``, ``LadderRung`` [capital];
- ``choices``: ``Rating``, ``AssetClass``, ``CreditRating``, shared by the models;
- ``capital``: ``CapitalItem``, ``AssetHolding``, ``FundTranche`` [capital];
- ``assessments``: ``SolvencyAssessment``, ``AssessmentLine`` [capital];
- ``repayment``: ``FundRepayment`` [ladder];
- ``alerts``: ``SolvencyAlert``, its history ``AlertEvent``, ``MaterialEventDraft`` [ladder];
- ``jobs``: ``SolvencyJobRun``, the periodic runs [ladder];
- ``stress``: ``StressScenario``, ``StressResult``, ``ProjectionAssumptions``,
  ``PlannedRepayment`` [stress];
- ``events``: the append-only histories (``AssessmentEvent``);
- ``distribution``: ``SurplusDistribution``, ``MemberSurplusShare``, their history
  ``DistributionEvent`` [distribution];
- ``reserves``: ``ReservingBasis``, ``ReserveRun``, ``ReserveRunOrigin``,
  ``ReserveRunEvent`` [reserves].
"""

from .alerts import AlertEvent, MaterialEventDraft, SolvencyAlert
from .assessments import AssessmentLine, SolvencyAssessment
from .capital import AssetHolding, CapitalItem, FundTranche, Tier
from .choices import AssetClass, CreditRating, Rating
from .distribution import (
    DistributionEvent,
    MemberSurplusShare,
    SurplusBasis,
    SurplusDistribution,
)
from .events import AssessmentEvent
from .jobs import SolvencyJobRun
from .regimes import LadderRung, Regime, RiskFactor, RiskModule
from .repayment import FundRepayment
from .reserves import (
    Grain,
    ReserveRun,
    ReserveRunEvent,
    ReserveRunOrigin,
    ReservingBasis,
    ReservingMethod,
)
from .stress import (
    PlannedRepayment,
    ProjectionAssumptions,
    StressResult,
    StressScenario,
)

__all__ = [
    "AlertEvent",
    "AssessmentEvent",
    "AssessmentLine",
    "AssetClass",
    "AssetHolding",
    "CapitalItem",
    "CreditRating",
    "DistributionEvent",
    "FundRepayment",
    "FundTranche",
    "Grain",
    "LadderRung",
    "MaterialEventDraft",
    "MemberSurplusShare",
    "SurplusBasis",
    "PlannedRepayment",
    "ProjectionAssumptions",
    "Rating",
    "Regime",
    "ReserveRun",
    "ReserveRunEvent",
    "ReserveRunOrigin",
    "ReservingBasis",
    "ReservingMethod",
    "RiskFactor",
    "RiskModule",
    "SolvencyAlert",
    "SolvencyAssessment",
    "SolvencyJobRun",
    "StressResult",
    "StressScenario",
    "SurplusDistribution",
    "Tier",
]
