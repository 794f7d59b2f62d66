"""The secretary's face: articles, bodies and mandates, meetings and their milestones,
motions, nominations, in-person votes, minutes; the audit log read-only.

Thin: every change of state is an admin action or a small form calling a service.
Ballots are not in the admin at all (a secret ballot's choice is published only as the
receipt list after the close); participations show who voted, never what; the event log
and participations cannot be edited or deleted.

By subject, each module registers its models: ``articles``, ``bodies`` (bodies, seats and
their history), ``meetings`` (agenda, milestones, in-person votes, minutes, the meeting
log), ``motions`` (motions, candidates, member proposals), ``votes`` (participations,
proxies), ``consultations`` (questions inline, open/close, results, moderation); ``base``
holds what they share.
"""

from . import articles, bodies, consultations, meetings, motions, votes
from .articles import ArticlesAdmin, ArticlesForm
from .base import ReadOnlyAdmin, ServiceAdmin, saved_through_services
from .bodies import BodyAdmin, MandateAdmin, MandateEndForm, MandateEventAdmin, MandateInline
from .consultations import ConsultationAdmin, ConsultationCommentAdmin, ConsultationEventAdmin
from .meetings import (
    AgendaDocumentInline,
    AgendaItemAdmin,
    InPersonVoteForm,
    MeetingAdmin,
    MeetingEventAdmin,
    MinutesForm,
)
from .motions import CandidateAddForm, CandidateAdmin, MotionAddForm, MotionAdmin, ProposalAdmin
from .votes import ParticipationAdmin, ProxyAdmin

__all__ = [
    "AgendaDocumentInline",
    "AgendaItemAdmin",
    "ArticlesAdmin",
    "ArticlesForm",
    "BodyAdmin",
    "CandidateAddForm",
    "CandidateAdmin",
    "ConsultationAdmin",
    "ConsultationCommentAdmin",
    "ConsultationEventAdmin",
    "InPersonVoteForm",
    "MandateAdmin",
    "MandateEndForm",
    "MandateEventAdmin",
    "MandateInline",
    "MeetingAdmin",
    "MeetingEventAdmin",
    "MinutesForm",
    "MotionAddForm",
    "MotionAdmin",
    "ParticipationAdmin",
    "ProposalAdmin",
    "ProxyAdmin",
    "ReadOnlyAdmin",
    "ServiceAdmin",
    "articles",
    "bodies",
    "consultations",
    "meetings",
    "motions",
    "saved_through_services",
    "votes",
]
