"""Every write of the disclosure app, by subject:

- ``publications``: drafting, approval (maker-checker), publishing, corrections and
  withdrawals of publications, and ``publication_publish_auto`` for the publications the
  platform makes from other apps' approved records;
- ``attachments``: attaching files with their SHA-256 and reading them back only while
  the checksum holds;
- ``sources``, a package with a module per subject: the publications the platform makes
  from other apps' approved records (``sources.meetings``, ``sources.apportionment``,
  ``sources.solvency`` for the quarterly summary and the annual report,
  ``sources.quarterly`` for the claims statistics and financial statements of a settled
  quarter), compliance's decision on a material event (``sources.material_events``) and
  the daily catch-up ``disclosure_sync`` (``sources.sync``); ``sources.common`` holds
  what they share;
- ``figures``, a package: the content of those publications, read from the other apps'
  selectors (``figures.governance``, ``figures.claims``, ``figures.finances``,
  ``figures.solvency``, ``figures.annual``; ``figures.periods`` for quarters and the
  helpers every block shares).
"""

from .attachments import AttachmentTampered, attachment_add, attachment_read
from .publications import (
    publication_correct,
    publication_discard,
    publication_draft,
    publication_edit,
    publication_publish,
    publication_publish_auto,
    publication_return,
    publication_submit,
    publication_withdraw,
)
from .sources import disclosure_sync, material_event_discard, material_event_publish

__all__ = [
    "AttachmentTampered",
    "attachment_add",
    "attachment_read",
    "disclosure_sync",
    "material_event_discard",
    "material_event_publish",
    "publication_correct",
    "publication_discard",
    "publication_draft",
    "publication_edit",
    "publication_publish",
    "publication_publish_auto",
    "publication_return",
    "publication_submit",
    "publication_withdraw",
]
