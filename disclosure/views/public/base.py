"""What every topical public page shares: the cached page (``PublicPage``) and the
answer to a question it cannot answer (``PageProblem``: 404 or 400 naming the field).

Caching: a page is rendered once per language and query and kept for
``disclosure.cache.TIMEOUT`` under ``cache_key("page:<name>:<language>:<query>")``;
publishing anything bumps the cache's generation, so the next request renders afresh.
What is kept is the whole page as an anonymous reader gets it, with a placeholder where
the language switch's CSRF token goes: each answer gets its own token, so a cached page
takes no query at all. A signed-in reader (whose header names them) and a reader with
messages waiting get the page rendered for them.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from ...cache import TIMEOUT, cache_key

#: Stands for the CSRF token in a cached page; each answer puts its own token in.
CSRF_PLACEHOLDER = "__disclosure_csrf_token__"


class PageProblem(Exception):
    """What a reader asked for cannot be shown: an unknown period (404) or a parameter
    that is not well formed (400, naming it). Answered with a page in the site's
    layout, never cached."""

    def __init__(self, status: int, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def problem_response(request: HttpRequest, problem: PageProblem) -> HttpResponse:
    title = _("Not found") if problem.status == 404 else _("Bad request")
    return render(
        request,
        "disclosure/public/problem.html",
        {"problem": problem, "problem_title": title},
        status=problem.status,
    )


def _cacheable(request: HttpRequest) -> bool:
    """Whether the shared copy may answer (and be made from) this request: a reader
    who is not signed in and has no messages waiting (both would be in the page)."""
    if "messages" in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _answer(request: HttpRequest, html: str, status: int = 200) -> HttpResponse:
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)), status=status)


class PublicPage(TemplateView):
    """A cached public page: ``page`` names it in the cache; ``query()`` checks the
    query string and returns its canonical form (raising ``PageProblem``);
    ``get_context_data`` reads the figures."""

    page = ""
    title = gettext_lazy("Information disclosure")

    def query(self) -> str:
        return ""

    def cache_name(self) -> str:
        return self.page

    def get(self, request, *args, **kwargs):
        try:
            query = self.query()
        except PageProblem as problem:
            return problem_response(request, problem)
        key = None
        if _cacheable(request):
            language = translation.get_language() or ""
            key = cache_key(f"page:{self.cache_name()}:{language}:{query}")
            html = cache.get(key)
            if html is not None:
                return _answer(request, html)
        try:
            context = self.get_context_data(**kwargs)
        except PageProblem as problem:
            return problem_response(request, problem)
        context["csrf_token"] = CSRF_PLACEHOLDER
        response = self.render_to_response(context)
        response.render()
        html = response.content.decode()
        if key is not None:
            cache.set(key, html, TIMEOUT)
        return _answer(request, html)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.title
        return context
