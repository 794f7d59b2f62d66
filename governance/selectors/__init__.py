"""Reads of governance shared by the portal, the API, the admin and the disclosure pages.

Who may see what lives here:
- a member sees the meetings of the bodies they may vote in, whether they took part in
  each motion (never another member's choice);
- staff see who took part (``meeting_participation``), never a secret ballot's choice
  joined to a voter: no selector here returns both;
- anyone sees the receipt list of a closed motion (receipt code → choice) and the
  results and minutes of published meetings.

By subject (every name importable from here): ``eligibility`` (the articles in force, who
may vote, why someone is not on a frozen roll), ``meetings`` (what a member sees),
``ballots`` (participation and receipts), ``results`` (disclosure), ``consultations`` (who
may take part, a member's own answers, the results by SQL, the comment thread).
"""

from ..transitions import BEFORE_VOTING, CLOSED, DECLARED, UPCOMING
from .ballots import (
    PublishedBallot,
    ReceiptCheck,
    meeting_participation,
    motion_receipts,
    participations_visible,
    receipt_verify,
)
from .consultations import (
    ConsultationResults,
    FreeText,
    OwnAnswers,
    consultation_comments,
    consultation_eligible,
    consultation_free_texts,
    consultation_may_take_part,
    consultation_meeting,
    consultation_own_answers,
    consultation_questions,
    consultation_results,
    consultation_visible_to_member,
    consultations_for_member,
    meeting_consultations,
)
from .eligibility import (
    RollAbsence,
    articles_in_force,
    eligible_members,
    eligible_members_on,
    live_proxy,
    meeting_articles,
    roll_absence,
)
from .meetings import (
    Nominations,
    VoterView,
    meeting_agenda,
    meeting_motions,
    meeting_nominations,
    meeting_visible_to_member,
    meetings_announced_to_member,
    meetings_for_member,
    open_proposals,
    proposals_signed_by,
    voter_view,
)
from .results import (
    bodies_with_mandates,
    body_mandates,
    governing_bodies,
    meeting_minutes,
    meeting_on_record,
    meeting_results,
    meetings_convened,
    meetings_on_record,
    published_meetings,
    resolution_adopted_by_assembly,
    resolution_get,
)

__all__ = [
    "ConsultationResults",
    "FreeText",
    "OwnAnswers",
    "consultation_comments",
    "consultation_eligible",
    "consultation_free_texts",
    "consultation_may_take_part",
    "consultation_meeting",
    "consultation_own_answers",
    "consultation_questions",
    "consultation_results",
    "consultation_visible_to_member",
    "consultations_for_member",
    "meeting_consultations",
    "meeting_on_record",
    "meetings_on_record",
    "BEFORE_VOTING",
    "CLOSED",
    "DECLARED",
    "UPCOMING",
    "Nominations",
    "PublishedBallot",
    "ReceiptCheck",
    "RollAbsence",
    "VoterView",
    "articles_in_force",
    "bodies_with_mandates",
    "body_mandates",
    "governing_bodies",
    "eligible_members",
    "eligible_members_on",
    "live_proxy",
    "meeting_agenda",
    "meeting_articles",
    "meeting_minutes",
    "meeting_motions",
    "meeting_nominations",
    "meeting_participation",
    "meeting_results",
    "meetings_convened",
    "meeting_visible_to_member",
    "meetings_announced_to_member",
    "meetings_for_member",
    "motion_receipts",
    "open_proposals",
    "participations_visible",
    "proposals_signed_by",
    "published_meetings",
    "receipt_verify",
    "resolution_adopted_by_assembly",
    "resolution_get",
    "roll_absence",
    "voter_view",
]
