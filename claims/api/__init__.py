"""API face of claims under /api/v1/claims/, one module per subject (every view and
serializer importable from here, as ``claims.api_urls`` does):

- ``claims``: members submit, read and act on their own claims; staff read every claim and
  make the transitions;
- ``notice``: the public notice (anyone reads the de-identified cases), objections,
  review panel seats and votes;
- ``statistics``: claims statistics for staff.
"""

from .base import Money, member_required
from .claims import (
    AppealApi,
    ApproveApi,
    AssessApi,
    AssessIn,
    ClaimDetailApi,
    ClaimDetailOut,
    ClaimDocumentApi,
    ClaimIn,
    ClaimListApi,
    ClaimOut,
    DocumentIn,
    DocumentOut,
    EventOut,
    InfoProvideApi,
    InfoRequestApi,
    OutcomeOut,
    PayApi,
    ReasonIn,
    RejectApi,
    RejectIn,
    ReviewApi,
    SendBackApi,
    StaffClaimOut,
    WithdrawApi,
)
from .notice import (
    NoticeDetailApi,
    NoticeListApi,
    NoticeOut,
    ObjectionApi,
    ObjectionIn,
    PanelListApi,
    PanelOut,
    PanelVoteApi,
    PanelVoteIn,
    SeatOut,
)
from .statistics import (
    StatisticsApi,
    StatisticsIn,
)

__all__ = [
    "AppealApi",
    "ApproveApi",
    "AssessApi",
    "AssessIn",
    "ClaimDetailApi",
    "ClaimDetailOut",
    "ClaimDocumentApi",
    "ClaimIn",
    "ClaimListApi",
    "ClaimOut",
    "DocumentIn",
    "DocumentOut",
    "EventOut",
    "InfoProvideApi",
    "InfoRequestApi",
    "Money",
    "NoticeDetailApi",
    "NoticeListApi",
    "NoticeOut",
    "ObjectionApi",
    "ObjectionIn",
    "OutcomeOut",
    "PanelListApi",
    "PanelOut",
    "PanelVoteApi",
    "PanelVoteIn",
    "PayApi",
    "ReasonIn",
    "RejectApi",
    "RejectIn",
    "ReviewApi",
    "SeatOut",
    "SendBackApi",
    "StaffClaimOut",
    "StatisticsApi",
    "StatisticsIn",
    "WithdrawApi",
    "member_required",
]
