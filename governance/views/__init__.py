"""The members' assembly in the portal: meetings, agenda and documents, voting, proxies,
nominations and seconding in elections, member proposals, receipts, results and minutes,
and the consultations before an assembly (answers, comments, results).

Thin: forms check shape, services decide, selectors choose what a member may see. A
member never sees another member's choice: pages show only whether they took part.
"""

from ._base import AssemblyMemberMixin, MeetingMixin
from .consultations import (
    ConsultationAnswerView,
    ConsultationCommentView,
    ConsultationDetailView,
    ConsultationListView,
    ConsultationMixin,
)
from .meetings import (
    BallotView,
    CosignView,
    MeetingDetailView,
    MeetingListView,
    NominateView,
    ProposalCreateView,
    ProxyRevokeView,
    ProxyView,
    ReceiptView,
    ResultsView,
    SecondView,
)

__all__ = [
    "AssemblyMemberMixin",
    "BallotView",
    "ConsultationAnswerView",
    "ConsultationCommentView",
    "ConsultationDetailView",
    "ConsultationListView",
    "ConsultationMixin",
    "CosignView",
    "MeetingDetailView",
    "MeetingListView",
    "MeetingMixin",
    "NominateView",
    "ProposalCreateView",
    "ProxyRevokeView",
    "ProxyView",
    "ReceiptView",
    "ResultsView",
    "SecondView",
]
