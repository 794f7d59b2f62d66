"""Every write of the disclosure app, by subject:

- ``publications``: drafting, approval (maker-checker), publishing, corrections and
  withdrawals of publications, and ``publication_publish_auto`` for the publications the
  platform makes from other apps' approved records;
- ``attachments``: attaching files with their SHA-256 and reading them back only while
  the checksum holds.
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

__all__ = [
    "AttachmentTampered",
    "attachment_add",
    "attachment_read",
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
