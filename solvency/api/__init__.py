"""Read-only API face of solvency under /api/v1/solvency/, one module per subject (every
view and serializer importable from here, as ``solvency.api_urls`` does):

- ``assessments``: the assessments (list, detail) and the quarterly history, for staff
  with ``solvency.view_solvencyassessment``; drafts only for those who compute or
  approve them (``selectors.assessments_visible_to``);
- ``reserves``: the reserve runs (list, detail with the projection per origin, the
  factors and the triangles), for staff with ``solvency.view_reserverun``; drafts only
  for those who run or approve them (``selectors.reserve_runs_visible_to``);
- ``regimes``: the regimes with their modules, factors, thresholds and ladder, for staff
  with ``solvency.view_regime``.

Members and anonymous callers get nothing here: the public summary is the disclosure
issue's (issue 12).
"""

from .assessments import (
    AssessmentDetailApi,
    AssessmentDetailOut,
    AssessmentListApi,
    AssessmentOut,
    HistoryApi,
    HistoryIn,
    HistoryPointOut,
)
from .regimes import RegimeDetailApi, RegimeListApi, RegimeOut
from .reserves import ReserveRunDetailApi, ReserveRunDetailOut, ReserveRunListApi, ReserveRunOut

__all__ = [
    "AssessmentDetailApi",
    "AssessmentDetailOut",
    "AssessmentListApi",
    "AssessmentOut",
    "HistoryApi",
    "HistoryIn",
    "HistoryPointOut",
    "RegimeDetailApi",
    "RegimeListApi",
    "RegimeOut",
    "ReserveRunDetailApi",
    "ReserveRunDetailOut",
    "ReserveRunListApi",
    "ReserveRunOut",
]
