"""A claim's supporting documents: checked by their size and content before anything is
read or stored, kept under the private root (``CLAIM_DOCUMENTS_ROOT``, which no URL
serves), added later only by the claim's member or claims staff.

The type is read from the first bytes (PDF, JPEG, PNG), never from the file name; the
size is the one the upload handler measured, checked before the file is read. A write
that fails after its files were stored removes them (``files_remove``: Django has no
on-rollback hook).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import Member
from mutualsociety.common.exceptions import InvalidInput, NotAllowed

from ..events import claim_event
from ..models import Claim, ClaimDocument, ClaimEvent

#: Content signatures accepted, and the type each means.
MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
#: Statuses in which documents may still be added.
OPEN_FOR_DOCUMENTS = (
    Claim.Status.SUBMITTED,
    Claim.Status.UNDER_REVIEW,
    Claim.Status.INFO_REQUESTED,
    Claim.Status.ASSESSED,
    Claim.Status.APPEALED,
)

#: How many first bytes identify a document's type (the longest signature is 8).
SNIFF_BYTES = 16


@dataclass
class Upload:
    """A file as received: its name as given, and either its bytes or the uploaded file.

    An uploaded file (``Upload.of``) is not read until its size, as the upload handler
    measured it, passed the limit and its first bytes named an allowed type: an oversized
    file is refused without being read into memory.
    """

    name: str
    content: bytes | None = None
    file: Any = dc_field(default=None, repr=False)
    size: int | None = None

    @classmethod
    def of(cls, uploaded) -> Upload:
        return cls(name=uploaded.name, file=uploaded, size=uploaded.size)

    @property
    def length(self) -> int:
        return len(self.content) if self.content is not None else int(self.size or 0)

    def head(self, n: int = SNIFF_BYTES) -> bytes:
        if self.content is not None:
            return self.content[:n]
        self.file.seek(0)
        data = self.file.read(n)
        self.file.seek(0)
        return data

    def read(self) -> bytes:
        if self.content is None:
            self.file.seek(0)
            self.content = self.file.read()
        return self.content


def document_type(content: bytes) -> str | None:
    """The type of a document by its first bytes (PDF, JPEG, PNG), or None."""
    for signature, content_type in MAGIC:
        if content.startswith(signature):
            return content_type
    return None


def document_check(upload: Upload, *, field: str = "documents") -> str:
    """Refuse an empty, oversized or unsupported file; return its content type. The size
    is checked before anything is read and the type from the first bytes only."""
    limit = settings.CLAIM_DOCUMENT_MAX_BYTES
    if upload.length <= 0:
        raise InvalidInput(_("%(name)s is empty.") % {"name": upload.name}, field=field)
    if upload.length > limit:
        raise InvalidInput(
            _("%(name)s is larger than the limit of %(mb)s MB.")
            % {"name": upload.name, "mb": round(limit / 1024 / 1024, 1)},
            field=field,
        )
    content_type = document_type(upload.head())
    if content_type is None:
        raise InvalidInput(
            _("%(name)s is not a PDF, JPEG or PNG file (checked by its content).")
            % {"name": upload.name},
            field=field,
        )
    return content_type


class StoredDocument(Protocol):
    """A stored document's row (a claim's, a complaint's): where under the root it is."""

    path: str


def document_path(document: StoredDocument) -> Path:
    return Path(settings.CLAIM_DOCUMENTS_ROOT) / document.path


def documents_store(
    claim: Claim, uploads: list[tuple[Upload, str]], actor, written: list[Path]
) -> list[ClaimDocument]:
    """Write the files under the private root and record them. ``written`` collects the
    paths so that the caller removes them if its transaction fails (Django has no
    on-rollback hook)."""
    documents = []
    for upload, content_type in uploads:
        stored = upload_write(upload, folder=str(claim.pk), written=written)
        documents.append(
            ClaimDocument.objects.create(
                claim=claim,
                path=stored.path,
                original_name=stored.original_name,
                content_type=content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
        )
    return documents


@dataclass(frozen=True)
class StoredFile:
    """A checked upload written under the private root: where (relative to the root),
    its name as given (without folders), its size and its SHA-256."""

    path: str
    original_name: str
    size: int
    sha256: str


def upload_write(upload: Upload, *, folder: str, written: list[Path]) -> StoredFile:
    """Write one checked upload (``document_check``) under the private root
    (``CLAIM_DOCUMENTS_ROOT``) in ``folder``, under a random name. ``written`` collects
    the path so that the caller removes it if its transaction fails. Claims and the
    complaints desk (``support``) keep their documents this way."""
    relative = f"{folder}/{uuid.uuid4().hex}"
    target = Path(settings.CLAIM_DOCUMENTS_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    written.append(target)
    content = upload.read()
    target.write_bytes(content)
    return StoredFile(
        path=relative,
        original_name=Path(upload.name).name[:200] or "document",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def files_remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def document_add_allowed(claim: Claim, actor) -> None:
    """Raise ``NotAllowed`` unless ``actor`` is the claim's member or may change claims."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Sign in to add documents."))
    owner = Member.objects.filter(pk=claim.member_id).values_list("user_id", flat=True).first()
    if not (owner is not None and owner == actor.pk) and not actor.has_perm("claims.change_claim"):
        raise NotAllowed(_("Only the member who made the claim or claims staff add documents."))


def claim_document_add(*, claim: Claim, upload: Upload, actor) -> ClaimDocument:
    """Add a document to an open claim: only the member who owns it, or staff who may
    change claims (``claims.change_claim``) — a read-only role never writes into a claim."""
    document_add_allowed(claim, actor)
    content_type = document_check(upload, field="file")
    written: list[Path] = []
    try:
        with transaction.atomic():
            locked = Claim.objects.select_for_update().get(pk=claim.pk)
            if locked.status not in OPEN_FOR_DOCUMENTS:
                raise InvalidInput(
                    _("Documents can no longer be added to a claim that is %(status)s.")
                    % {"status": locked.get_status_display()},
                    field="file",
                )
            (document,) = documents_store(locked, [(upload, content_type)], actor, written)
            claim_event(
                claim=locked,
                type=ClaimEvent.Type.DOCUMENT,
                actor=actor,
                data={"document": document.pk},
            )
    except BaseException:
        files_remove(written)
        raise
    return document
