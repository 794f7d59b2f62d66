"""Reads shared by the faces and the services, one module per subject (every name
importable from here). Domain authorization lives here: a member only ever gets their own
claims; the public notice only ever gets de-identified facts (``NoticeCase``).

- ``claims``: a member's claims, a claim's history and outcome, documents, the benefit
  left and intake's automatic checks, the staff's queue;
- ``notice``: the public notice and review panels;
- ``statistics``: claims statistics (overall, by month, by quarter) and the
  apportionment summaries and history;
- ``reserving``: development triangles and outstanding case reserves (solvency);
- ``share_tree``: a member's inclusion proof of their apportionment share.
"""

from .claims import (
    APPEAL_CLOSED,
    APPEAL_NONE,
    APPEAL_OPEN,
    APPEAL_USED,
    CLAIMS_STAFF_PERM,
    COUNTING,
    DOCUMENTS_PERM,
    OPEN_STATUSES,
    REJECTION_EVENTS,
    ClaimOutcome,
    claim_checks,
    claim_for_member,
    claim_history,
    claim_list_for_member,
    claim_outcome,
    claim_queue,
    coverage_remaining,
    document_for_user,
)
from .notice import (
    PUBLIC_NOTICE,
    REGION_NAMES,
    NoticeCase,
    PanelSummary,
    case_file_for_panel,
    has_objected,
    notice_detail,
    notice_window_open,
    notices_list,
    panel_invitations,
    panel_seat_for_member,
)
from .reserving import TriangleRow, Triangles, claim_triangles, outstanding_claims_reserve
from .share_tree import PROOF_FORMAT, share_periods_for_member, share_proof
from .statistics import (
    NOTICE_PENDING,
    apportionment_history,
    apportionment_periods_published,
    apportionment_row,
    apportionment_summaries,
    claim_statistics,
    claim_statistics_by_month,
    claim_statistics_by_quarter,
    claims_unpaid_by_plan,
)

__all__ = [
    "PROOF_FORMAT",
    "share_periods_for_member",
    "share_proof",
    "APPEAL_CLOSED",
    "APPEAL_NONE",
    "APPEAL_OPEN",
    "APPEAL_USED",
    "CLAIMS_STAFF_PERM",
    "COUNTING",
    "ClaimOutcome",
    "DOCUMENTS_PERM",
    "NOTICE_PENDING",
    "NoticeCase",
    "OPEN_STATUSES",
    "PUBLIC_NOTICE",
    "PanelSummary",
    "REGION_NAMES",
    "REJECTION_EVENTS",
    "TriangleRow",
    "Triangles",
    "apportionment_history",
    "apportionment_periods_published",
    "apportionment_row",
    "apportionment_summaries",
    "case_file_for_panel",
    "claim_checks",
    "claim_for_member",
    "claim_history",
    "claim_list_for_member",
    "claim_outcome",
    "claim_queue",
    "claim_statistics",
    "claims_unpaid_by_plan",
    "claim_statistics_by_month",
    "claim_statistics_by_quarter",
    "claim_triangles",
    "coverage_remaining",
    "document_for_user",
    "has_objected",
    "notice_detail",
    "notice_window_open",
    "notices_list",
    "outstanding_claims_reserve",
    "panel_invitations",
    "panel_seat_for_member",
]
