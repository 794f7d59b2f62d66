"""The disclosure app's models (信息披露):

- ``publications``: ``Kind``, ``KindRule`` (the due-date rule and maker-checker flag of a
  kind, as data), ``Publication`` (one version of one published document),
  ``Attachment`` (its PDF / CSV / JSON files with their SHA-256), ``Withdrawal``;
- ``events``: ``PublicationEvent``, the append-only history of every publication.
"""

from .events import PublicationEvent
from .publications import (
    Attachment,
    Basis,
    Kind,
    KindRule,
    Publication,
    Withdrawal,
)

__all__ = [
    "Attachment",
    "Basis",
    "Kind",
    "KindRule",
    "Publication",
    "PublicationEvent",
    "Withdrawal",
]
