"""Alerts to the administrators about the disclosure site's own integrity."""

from __future__ import annotations

from django.core.mail import mail_admins

from ..models import Attachment


def attachment_alert_send(*, attachment_id: int) -> int:
    """Tell the administrators (``settings.ADMINS``) that a published file was refused
    because its bytes no longer give its recorded SHA-256. Returns the e-mails sent."""
    attachment = Attachment.objects.select_related("publication").filter(pk=attachment_id).first()
    if attachment is None:
        return 0
    publication = attachment.publication
    mail_admins(
        f"Disclosure file refused: {attachment.filename}",
        (
            f"The file {attachment.filename} of publication {publication.pk} "
            f"({publication.key}, version {publication.version}) no longer matches the "
            f"SHA-256 recorded when it was published ({attachment.sha256}). It is not "
            "served until it is restored from a backup. Compare the stored file with the "
            "backup, restore it, and check the storage's access log."
        ),
    )
    return 1
