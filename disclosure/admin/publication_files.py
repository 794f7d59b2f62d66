"""A publication's files in the admin: the read-only list on its page (with their
SHA-256) and the download (``admin:disclosure_publication_file``), served only while the
bytes give the checksum recorded with them. Files are attached with the "Attach a file"
step (``publication_steps``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin.mixins import ReadOnlyInline

from ..models import Attachment
from ..services import AttachmentTampered, attachment_read
from .base import _ModelAdmin


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("download", "format", "size", "sha256", "created_at")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, attachment: Attachment):
        url = reverse(
            "admin:disclosure_publication_file", args=[attachment.publication_id, attachment.pk]
        )
        return format_html('<a href="{}">{}</a>', url, attachment.filename)


class PublicationFilesMixin(_ModelAdmin):
    """The download of a publication's file, for the publications' admin."""

    def file_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/files/<int:attachment_id>/", view(self.file_view),
                 name="disclosure_publication_file"),
        ]  # fmt: skip

    def file_view(self, request, object_id: int, attachment_id: int):
        """A file, served only while its bytes give the SHA-256 recorded with it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        attachment = get_object_or_404(Attachment, pk=attachment_id, publication_id=object_id)
        try:
            data = attachment_read(attachment)
        except AttachmentTampered as error:
            self.message_user(request, error.message, messages.ERROR)
            return redirect("admin:disclosure_publication_change", object_id)
        return HttpResponse(
            data,
            content_type=attachment.content_type,
            headers={
                "Content-Disposition": content_disposition_header(
                    as_attachment=True, filename=attachment.filename
                ),
                "X-Content-Type-Options": "nosniff",
            },
        )
