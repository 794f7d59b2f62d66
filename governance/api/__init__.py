"""API face of governance (/api/v1/governance/): meetings, motions, ballots, proxies,
member proposals, receipts; staff transitions. Thin: serializers check shape, services
decide. No endpoint returns a secret ballot's choice together with its voter: the
participation list names voters, the receipt list names choices.

By subject: ``meetings``, ``voting`` (ballots, proxies, receipts), ``proposals``, ``staff``;
``common`` holds what they share. Every view and serializer stays importable from here.
"""

from __future__ import annotations

from .common import KEY_MAX, meeting_for_request, member_by_number, member_of_request
from .meetings import (
    CandidateOut,
    MeetingDetailApi,
    MeetingDetailOut,
    MeetingListApi,
    MeetingOut,
    MotionOut,
)
from .proposals import ProposalCosignApi, ProposalIn, ProposalListApi, ProposalOut
from .staff import TRANSITIONS, MeetingTransitionApi, ParticipationApi, ParticipationOut
from .voting import (
    BallotApi,
    BallotIn,
    MotionReceiptsApi,
    ProxyApi,
    ProxyIn,
    ProxyOut,
    PublishedBallotOut,
    ReceiptCheckOut,
    ReceiptOut,
    ReceiptVerifyApi,
    VoteIn,
)

__all__ = [
    "KEY_MAX",
    "TRANSITIONS",
    "BallotApi",
    "BallotIn",
    "CandidateOut",
    "MeetingDetailApi",
    "MeetingDetailOut",
    "MeetingListApi",
    "MeetingOut",
    "MeetingTransitionApi",
    "MotionOut",
    "MotionReceiptsApi",
    "ParticipationApi",
    "ParticipationOut",
    "ProposalCosignApi",
    "ProposalIn",
    "ProposalListApi",
    "ProposalOut",
    "ProxyApi",
    "ProxyIn",
    "ProxyOut",
    "PublishedBallotOut",
    "ReceiptCheckOut",
    "ReceiptOut",
    "ReceiptVerifyApi",
    "VoteIn",
    "meeting_for_request",
    "member_by_number",
    "member_of_request",
]
