"""Reads of the complaints desk: ``complaints`` (a member's own, a signed-out
complainant's by secret, the handlers' queue with flags) and ``statistics`` (by period,
for the disclosure app)."""

from .complaints import (
    complaint_document_for_user,
    complaint_for_member,
    complaint_for_secret,
    complaint_history,
    complaints_flagged,
    complaints_for_member,
    complaints_to_remind,
)
from .statistics import complaint_statistics, complaint_statistics_by_quarter

__all__ = [
    "complaint_document_for_user",
    "complaint_for_member",
    "complaint_for_secret",
    "complaint_history",
    "complaint_statistics",
    "complaint_statistics_by_quarter",
    "complaints_flagged",
    "complaints_for_member",
    "complaints_to_remind",
]
