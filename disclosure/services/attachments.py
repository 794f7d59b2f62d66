"""Files of publications, kept with the SHA-256 of their bytes.

A published file is evidence: a reader (or a regulator) can check the checksum shown on
the page against the file they downloaded. A file whose stored bytes no longer give
the recorded checksum (changed or damaged on disk) is never served: reading it raises
``AttachmentTampered``, records a ``checksum_mismatch`` event on the publication and
e-mails the administrators (after the commit, through the outbox).
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mutualsociety.common.exceptions import DomainError, InvalidInput, NotAllowed
from mutualsociety.common.services import outbox_enqueue

from ..events import publication_event
from ..models import Attachment, Publication, PublicationEvent
from ..reports import sha256_hex

logger = logging.getLogger("mutualsociety.disclosure")

#: Largest file the platform attaches (a year's report with its tables is far smaller).
MAX_BYTES = 50 * 1024 * 1024
#: The first bytes each format must start with (a PDF) or parse as (CSV, JSON: UTF-8).
PDF_MAGIC = b"%PDF-"


class AttachmentTampered(DomainError):
    """The file's bytes do not match the checksum recorded when it was attached."""

    code = "attachment_tampered"
    http_status = 404

    def __init__(self) -> None:
        super().__init__(
            gettext_lazy(
                "This file cannot be served: it no longer matches the checksum published "
                "with it. The administrators have been alerted."
            )
        )


def _check_format(fmt: str, data: bytes) -> None:
    if fmt not in Attachment.Format.values:
        raise InvalidInput(_("A file is a PDF, a CSV or a JSON file."), field="format")
    if not data:
        raise InvalidInput(_("The file is empty."), field="file")
    if len(data) > MAX_BYTES:
        raise InvalidInput(_("The file is larger than 50 MB."), field="file")
    if fmt == "pdf" and not data.startswith(PDF_MAGIC):
        raise InvalidInput(_("The file is not a PDF (checked by its content)."), field="file")
    if fmt in ("csv", "json"):
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidInput(_("The file is not UTF-8 text."), field="file") from error


@transaction.atomic
def attachment_add(
    *,
    publication: Publication,
    format: str,
    filename: str,
    data: bytes,
    actor=None,  # noqa: A002
) -> Attachment:
    """Attach ``data`` to a version that is not yet published, with its SHA-256."""
    if publication.status == Publication.Status.PUBLISHED:
        raise NotAllowed(_("A published version takes no new files: publish a correction."))
    filename = (filename or "").strip().replace("/", "_")[:120]
    if not filename:
        raise InvalidInput(_("Name the file."), field="filename")
    _check_format(format, data)
    digest = sha256_hex(data)
    attachment = Attachment(
        publication=publication,
        format=format,
        filename=filename,
        sha256=digest,
        size=len(data),
    )
    attachment.file.save(filename, ContentFile(data), save=False)
    attachment.save()
    publication_event(
        publication=publication,
        type=PublicationEvent.Type.ATTACHED,
        actor=actor,
        new_value=filename,
        data={"sha256": digest, "size": len(data)},
    )
    return attachment


def attachment_read(attachment: Attachment) -> bytes:
    """The file's bytes, only if they still give the recorded SHA-256."""
    try:
        with attachment.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        data = None
    if data is None or sha256_hex(data) != attachment.sha256:
        _tampered(attachment, missing=data is None)
        raise AttachmentTampered()
    return data


def _tampered(attachment: Attachment, *, missing: bool) -> None:
    from ..tasks import attachment_alert  # the task module imports the services

    logger.error(
        "disclosure attachment %s (%s) %s its checksum; not served",
        attachment.pk,
        attachment.filename,
        "is missing, so cannot match" if missing else "no longer matches",
    )
    with transaction.atomic():
        publication_event(
            publication=attachment.publication,
            type=PublicationEvent.Type.CHECKSUM_MISMATCH,
            new_value=attachment.filename,
            data={"attachment": attachment.pk, "expected": attachment.sha256, "missing": missing},
        )
        # one alert per file and day: a page read a thousand times sends one e-mail
        outbox_enqueue(
            task=attachment_alert,
            args=[attachment.pk],
            key=f"disclosure.attachment_alert:{attachment.pk}:{timezone.localdate()}",
        )
