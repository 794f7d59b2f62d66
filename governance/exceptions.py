"""The domain errors of governance beside the common ones (``mutualsociety.common.exceptions``):
each a ``DomainError`` with its own code and HTTP status, raised by the voting services."""

from __future__ import annotations

from mutualsociety.common.exceptions import DomainError


class NotEligible(DomainError):
    code = "not_eligible"
    http_status = 403


class AlreadyVoted(DomainError):
    code = "already_voted"
    http_status = 409


class VotingClosed(DomainError):
    code = "voting_closed"
    http_status = 409
