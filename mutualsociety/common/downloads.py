"""A stored private file as a download (claim documents, complaint documents): only the
person the caller has allowed gets it, as an attachment, never sniffed by the browser,
never cached."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, Http404


def private_download(path: Path, *, content_type: str, filename: str) -> FileResponse:
    """The file at ``path`` as an attachment named ``filename``; 404 when it is gone.
    The caller has checked who may have it."""
    if not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"), content_type=content_type, as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
