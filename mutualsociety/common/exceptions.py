"""Typed domain errors.

Services raise these with a message a person can act on; every face turns them into its
own answer (the API's error shape, a form error, an admin message) without rewording.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.functional import Promise

#: A message: text, or lazily translated text (turned into text when the error is made).
Message = str | Promise


class DomainError(Exception):
    """A business rule refused the operation. Nothing was changed."""

    code = "domain_error"
    http_status = 400

    def __init__(
        self,
        message: Message,
        *,
        field: str | None = None,
        fields: Mapping[str, Sequence[Message]] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = str(message)
        merged: dict[str, list[str]] = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        if field:
            merged.setdefault(field, []).append(self.message)
        self.fields = merged
        if code:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InvalidInput(DomainError):
    """The input breaks a rule of the domain (an amount, a date, a combination)."""

    code = "invalid"


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class NotAllowed(DomainError):
    """The actor may not do this (domain authorization, not a login problem)."""

    code = "not_allowed"
    http_status = 403


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    http_status = 409


class IdempotencyConflict(DomainError):
    """The idempotency key was used before for a different operation."""

    code = "idempotency_conflict"
    http_status = 409


class FourEyesViolation(NotAllowed):
    """The same person may not do both halves of a maker-checker step."""

    code = "four_eyes"


class ImmutableRecord(DomainError):
    """An append-only record (a journal entry, an event) was about to be changed or
    deleted; records are corrected by adding a new one (a reversal, a later event)."""

    code = "immutable"
    http_status = 409
