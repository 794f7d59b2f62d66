"""The archive of publications, each publication's page and files, the Atom feed.

Public and read-only: only published versions are shown (``selectors.archive``). The
archive, the publication pages and the feed are cached (``disclosure.cache``): the key
holds the language and the whole address with its query string, and every publication
or withdrawal starts a new generation, so a new version shows at once. What is cached
is the page's own part (never the header: it holds the visitor's name and a CSRF token);
a cached answer costs one query, the society's name for the layout.

Bad filters answer a 400 page in the disclosure layout naming the parameter; an unknown
publication, a draft or a discarded version, a 404 page in the same layout. A file is
served only through ``attachment_read``: one whose checksum no longer matches is refused
with a 404 page saying so (the administrators are alerted by the service).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from mutualsociety.common.exceptions import InvalidInput

from ..cache import TIMEOUT, cache_key, request_key
from ..models import Attachment, Kind, Publication
from ..selectors import archive as selectors
from ..selectors.schedule import disclosure_overdue
from ..services import AttachmentTampered, attachment_read
from ..templatetags.disclosure_archive import localized, localized_lang

#: Rows per page of the archive.
PER_PAGE = 25


def _cached(request: HttpRequest, name: str, build: Callable[[], dict[str, Any]]) -> dict:
    """``build()``'s answer for this language and address, from the cache when there.
    Its ``fragment`` is HTML this module rendered (every value escaped by its template)."""
    key = cache_key(f"{name}:{get_language()}:{request_key(request)}")
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    if "fragment" in value:
        value = {**value, "fragment": mark_safe(value["fragment"])}  # noqa: S308
    return value


def not_found(request: HttpRequest, message: str) -> HttpResponse:
    """The 404 page in the disclosure site's layout, saying what was not found."""
    return render(request, "disclosure/archive/not_found.html", {"message": message}, status=404)


def bad_request(request: HttpRequest, error: InvalidInput) -> HttpResponse:
    """The 400 page in the disclosure site's layout, naming the parameter."""
    field = next(iter(error.fields), "")
    return render(
        request,
        "disclosure/archive/bad_request.html",
        {"message": error.message, "parameter": field},
        status=400,
    )


class ArchiveView(View):
    """Every published version, newest first, filtered by ``?kind=`` and ``?period=``,
    with the periodic documents now overdue."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            page = _cached(request, "archive", lambda: self.build(request))
        except InvalidInput as error:
            return bad_request(request, error)
        return render(request, "disclosure/archive/archive.html", page)

    def build(self, request: HttpRequest) -> dict[str, Any]:
        kind = request.GET.get("kind", "").strip()
        period = request.GET.get("period", "").strip()
        publications = selectors.public_publications(kind=kind, period=period)
        page = Paginator(publications, PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "page": page,
            "kind": kind,
            "period": period,
            "kinds": Kind.choices,
            "filtered": bool(kind or period),
            "query": query.urlencode(),
            "overdue": disclosure_overdue(),
        }
        return {"fragment": render_to_string("disclosure/archive/_archive.html", context)}


class PublicationView(View):
    """One published version: its figures, text, files, and every version of the same
    document with its dates, corrections and withdrawals."""

    def get(self, request: HttpRequest, publication_id: int) -> HttpResponse:
        page = _cached(request, f"publication:{publication_id}", lambda: self.build(publication_id))
        if not page.get("found"):
            return not_found(request, _("There is no published document with this number."))
        return render(request, "disclosure/archive/publication.html", page)

    def build(self, pk: int) -> dict[str, Any]:
        publication = selectors.public_publication_get(pk)
        if publication is None:
            return {"found": False}
        context = {
            "publication": publication,
            "versions": selectors.public_versions(publication.key),
            "attachments": list(publication.attachments.all()),
        }
        return {
            "found": True,
            "title": localized(publication, "title"),
            "title_lang": localized_lang(publication, "title"),
            "fragment": render_to_string("disclosure/archive/_publication.html", context),
        }


def attachment_download(
    request: HttpRequest, publication_id: int, attachment_id: int
) -> HttpResponse:
    """A file of a published version, only while its bytes give its published SHA-256."""
    attachment = (
        Attachment.objects.select_related("publication")
        .filter(
            pk=attachment_id,
            publication_id=publication_id,
            publication__status=Publication.Status.PUBLISHED,
        )
        .first()
    )
    if attachment is None:
        return not_found(request, _("This publication has no such file."))
    try:
        data = attachment_read(attachment)
    except AttachmentTampered as error:
        return not_found(request, error.message)
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.filename
    )
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    return response


class PublicationFeed(Feed):
    """The latest publications as Atom: one entry per version (a correction is an entry
    of its own; a withdrawn version is its own entry again, updated at its withdrawal,
    with the reason first in its summary)."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Information disclosure: publications")

    def subtitle(self) -> str:
        return _("Every document the society publishes, newest first, with its corrections.")

    def link(self) -> str:
        return reverse("disclosure:archive")

    def feed_url(self) -> str:
        return reverse("disclosure:feed")

    def items(self):
        return selectors.feed_entries()

    def _title(self, item: Publication) -> str:
        english = (get_language() or "").startswith("en") and item.title_en
        return english or item.title

    def item_title(self, item: Publication) -> str:
        title = self._title(item)
        if hasattr(item, "withdrawal"):
            return _("Withdrawn: %(title)s") % {"title": title}
        if item.version > 1:
            return _("%(title)s (version %(version)s)") % {"title": title, "version": item.version}
        return title

    def item_description(self, item: Publication) -> str:
        english = (get_language() or "").startswith("en") and item.body_en
        parts = []
        if hasattr(item, "withdrawal"):
            parts.append(_("Withdrawn: %(reason)s") % {"reason": item.withdrawal.reason})
        if item.version > 1 and item.correction_note:
            parts.append(
                _("Correction of version %(version)s: %(note)s")
                % {"version": item.version - 1, "note": item.correction_note}
            )
        parts.append(english or item.body or self._title(item))
        # Atom's summary is HTML here (type="html"): the plain text, escaped, in paragraphs
        return linebreaks("\n\n".join(parts), autoescape=True)

    def item_link(self, item: Publication) -> str:
        return reverse("disclosure:publication", args=[item.pk])

    def item_guid(self, item: Publication) -> str:
        # one id per version, whatever the host or language it is read in
        day = timezone.localdate(item.published_at).isoformat()
        return f"tag:mutualsociety,{day}:disclosure/publication/{item.pk}"

    def item_pubdate(self, item: Publication):
        return item.published_at

    def item_updateddate(self, item: Publication):
        return item.updated_at

    def item_categories(self, item: Publication) -> list[str]:
        return [str(Kind(item.kind).label)]


def feed(request: HttpRequest) -> HttpResponse:
    """The Atom feed, cached like the pages (the host is in the key: links are absolute)."""
    key = cache_key(f"feed:{get_language()}:{request.get_host()}:{request_key(request)}")
    cached = cache.get(key)
    if cached is not None:
        content, content_type = cached
        return HttpResponse(content, content_type=content_type)
    response = PublicationFeed()(request)
    cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
    return response
