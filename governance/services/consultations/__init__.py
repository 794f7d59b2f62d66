"""Consultations of the members before an assembly (issue 13, member services): the
board or the secretary drafts a survey and/or a discussion about a meeting or a member
proposal and opens it; the members who may take part (``consultation_eligible``) answer
once each and may change their answer until it closes, and comment; the consultation
closes at its announced time (the daily job, or the secretary) and its results are
published right then (``governance.signals.consultation_published``, which the disclosure
pages turn into the meeting's publication). Staff hide a comment only with a reason,
recorded with who and when in the consultation's log.

Rules:
- One response per member per consultation (a unique constraint); the consultation's row
  is locked while answering, so two tabs, a double click or a close racing an answer
  run one after the other: the second finds the first's response and changes it, or
  finds the consultation closed. The same answers sent again change nothing.
- A change replaces the answer rows (the earlier answers are not kept: only the latest
  answer counts, and keeping a member's earlier opinions serves no one); the response
  keeps when it was first given, when it last changed and how many times.
- Opening and closing early are for the board (``governance.open_consultation``: the
  secretary's role has it; a director who consults is given it by name, the director
  role being read-only); hiding a comment for moderators
  (``governance.moderate_consultationcomment``: the secretary).
"""

from ._base import MODERATE_PERM, OPEN_PERM, consultation_lock
from .answers import Answered, comment_hide, consultation_comment, consultation_respond
from .closing import (
    consultation_close,
    consultation_close_if_due,
    consultation_publish,
    consultations_close_due,
)
from .drafting import (
    consultation_draft,
    consultation_draft_update,
    consultation_open,
    consultation_question_add,
    consultation_question_remove,
    consultation_question_update,
)

__all__ = [
    "MODERATE_PERM",
    "OPEN_PERM",
    "Answered",
    "comment_hide",
    "consultation_close",
    "consultation_close_if_due",
    "consultation_comment",
    "consultation_draft",
    "consultation_draft_update",
    "consultation_lock",
    "consultation_open",
    "consultation_publish",
    "consultation_question_add",
    "consultation_question_remove",
    "consultation_question_update",
    "consultation_respond",
    "consultations_close_due",
]
