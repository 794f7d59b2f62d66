"""Governance: the organs of the society, its articles, meetings, motions, votes, elections.

By subject (each module holds one part; every name is importable from here):
- ``articles``: ``Articles``, the articles of association (章程) as versioned rows holding
  every governance parameter (notice, record date, quorum, majorities, special matters,
  abstentions, proxies, vote changes, secret ballot, proposal threshold, terms), and
  ``Matter``, what a motion decides.
- ``bodies``: ``Body`` / ``Mandate``: the general or representative assembly, the board of
  directors, the supervisory board; who holds a seat, in which role, from when to when.
- ``meetings``: ``Meeting`` with dated milestones (drafted → convened → voting open →
  voting closed → results declared → minutes approved → published), its frozen
  ``RollEntry`` voter roll (hashed), ``AgendaItem`` / ``AgendaDocument`` and the
  ``ConveningNotice`` rows.
- ``motions``: ``Motion`` (ordinary, special or an election with ``Candidate`` rows and
  their ``Seconding``).
- ``ballots``: voting is two tables on purpose: ``Participation`` (who took part in which
  motion; the one-counted-vote constraint lives here) and ``Ballot`` (motion, choice,
  receipt code; no voter for a secret ballot), with ``BallotSelection`` for elections. The
  link from a participation to its ballot is sealed under a server key (see
  ``governance.services.sealing`` and docs/governance.md). ``Proxy``.
- ``proposals``: ``Proposal`` / ``ProposalSignature``.
- ``events``: ``MeetingEvent`` and ``MandateEvent``, the append-only audit logs.
- ``consultations``: ``Consultation`` of the members before an assembly (linked to a
  meeting or a proposal) with its ``ConsultationQuestion`` / ``ConsultationOption``, one
  ``ConsultationResponse`` per member with its ``ConsultationAnswer`` rows, the
  ``ConsultationComment`` thread and the ``ConsultationEvent`` log (moderation included).
"""

from .articles import DEFAULT_SPECIAL_MATTERS, Articles, Matter, default_special_matters
from .ballots import Ballot, BallotSelection, Participation, Proxy, random_key
from .bodies import Body, Mandate
from .consultations import (
    Consultation,
    ConsultationAnswer,
    ConsultationComment,
    ConsultationEvent,
    ConsultationOption,
    ConsultationQuestion,
    ConsultationResponse,
)
from .events import MandateEvent, MeetingEvent
from .meetings import AgendaDocument, AgendaItem, ConveningNotice, Meeting, RollEntry
from .motions import Candidate, Motion, Seconding
from .proposals import Proposal, ProposalSignature

__all__ = [
    "DEFAULT_SPECIAL_MATTERS",
    "AgendaDocument",
    "AgendaItem",
    "Articles",
    "Ballot",
    "BallotSelection",
    "Body",
    "Candidate",
    "Consultation",
    "ConsultationAnswer",
    "ConsultationComment",
    "ConsultationEvent",
    "ConsultationOption",
    "ConsultationQuestion",
    "ConsultationResponse",
    "ConveningNotice",
    "Mandate",
    "MandateEvent",
    "Matter",
    "Meeting",
    "MeetingEvent",
    "Motion",
    "Participation",
    "Proposal",
    "ProposalSignature",
    "Proxy",
    "RollEntry",
    "Seconding",
    "default_special_matters",
    "random_key",
]
