"""The benchmark's URLconf: every URL of the project, plus the bare view.

Selected by ``bench.disclosure_settings`` only; the product's URLs are untouched.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import include, path

from mutualsociety.urls import handler400, handler403, handler404, handler500  # noqa: F401

BARE_PREFIX = "/__bench__/bare/"


def bare(request: HttpRequest, name: str) -> HttpResponse:
    """A static template rendered by Django's template engine, nothing else: no query,
    no context processor, no cache. Behind the same middleware and server as the pages,
    it is the most a page of the same size can be served at."""
    try:
        template = get_template(f"bench_bare/{name}.html")
    except TemplateDoesNotExist as missing:
        raise Http404(name) from missing
    return HttpResponse(template.render())


urlpatterns = [
    path(f"{BARE_PREFIX.strip('/')}/<slug:name>/", bare, name="bench-bare"),
    path("", include("mutualsociety.urls")),
]
