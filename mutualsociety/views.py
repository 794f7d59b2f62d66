"""Project-level pages: the society's home page, /healthz, the API root, error pages and
/favicon.ico."""

from __future__ import annotations

import logging
import sys

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.generic import TemplateView
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from mutualsociety.common import health
from mutualsociety.common.api import error_body

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "portal/home.html"


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever a page links (the admin links none): send
    them to the icon among the static files (its hashed name in production)."""
    return HttpResponseRedirect(static("favicon.ico"))


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness as JSON: 200 when the database and broker answer, else 503.

    The worker's heartbeat is reported but does not fail the check: a web server can serve
    while the worker restarts.
    """
    database = health.check_database()
    broker = health.check_broker()
    worker = health.check_worker()
    ok = database["ok"] and broker["ok"]
    response = JsonResponse(
        {
            "status": "ok" if ok else "unavailable",
            "database": database,
            "broker": broker,
            "worker": worker,
        },
        status=200 if ok else 503,
    )
    if not ok:
        # A 503 here is the answer, not a failure of this view: one warning line, instead
        # of Django's error log that e-mails ADMINS on every probe (every 30 s under
        # compose) for as long as Redis or the database is down.
        logger.warning(
            "healthz: unavailable (database %s, broker %s)",
            "up" if database["ok"] else "down",
            "up" if broker["ok"] else "down",
        )
        response._has_been_logged = True  # noqa: SLF001 - Django's own flag
    return response


class ApiRootView(APIView):
    """The API's entry point: links to each part and to the schema."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request, format=None):  # noqa: A002 - DRF's signature
        def link(name: str, **kwargs) -> str:
            return reverse(name, request=request, format=format, kwargs=kwargs or None)

        return Response(
            {
                "schema": link("api-schema"),
                "docs": link("api-docs"),
                "ledger": {
                    "accounts": link("ledger-api:accounts"),
                    "entries": link("ledger-api:entries"),
                    "trial_balance": link("ledger-api:trial-balance"),
                    "balance_sheet": link("ledger-api:balance-sheet"),
                    "income_statement": link("ledger-api:income-statement"),
                },
                "members": {
                    "enrolment": link("members-api:enrolment"),
                    "me": link("members-api:me"),
                    "me_coverages": link("members-api:me-coverages"),
                    "me_contributions": link("members-api:me-contributions"),
                    "me_payments": link("members-api:me-payments"),
                    "applications": link("members-api:applications"),
                    "members": link("members-api:members"),
                },
                "solvency": {
                    "assessments": link("solvency-api:assessments"),
                    "history": link("solvency-api:history"),
                    "regimes": link("solvency-api:regimes"),
                },
                "disclosure": {
                    "publications": link("disclosure-api:publications"),
                    "kinds": link("disclosure-api:kinds"),
                },
            }
        )


def page_not_found(request: HttpRequest, exception: Exception | None = None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("not_found", str(_("There is nothing at this address."))), status=404
        )
    if request.path.startswith("/disclosure/"):
        # the public disclosure site's own layout (its sections, a way to the archive)
        message = _(
            "There is nothing at this address. If you typed it, check it; if you followed "
            "a link, the page may have moved."
        )
        return render(
            request, "disclosure/archive/not_found.html", {"message": message}, status=404
        )
    return render(request, "404.html", status=404)


#: Seconds a client is asked to wait when the database cannot be reached (a restart
#: takes a few seconds).
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest):
    """Rendered without context processors or the database: they may be what failed.

    Django calls it while handling the exception; one that says the database cannot be
    reached (PostgreSQL restarting) answers 503 instead (``database_unavailable``).
    """
    if health.database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("server_error", str(_("Something went wrong on our side."))), status=500
        )
    return HttpResponseServerError(loader.get_template("500.html").render())


def database_unavailable(request: HttpRequest):
    """503 with Retry-After while PostgreSQL cannot be reached. The failed request's
    transaction rolled back; only a step after its commit can have failed (the session's
    save), which is why the page, like the 500 page, asks to check a form before sending
    it again (an API write is replayed safely with its Idempotency-Key).

    Logged as one warning line, not as a server error: Django's error log would e-mail
    ADMINS for every request for as long as the restart lasts.
    """
    message = _(
        "The service is briefly unavailable: its database is not answering. Please try "
        "again in a minute."
    )
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("unavailable", str(message)), status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    logger.warning(
        "The database is unavailable (%s): %s %s answered 503",
        sys.exc_info()[1],
        request.method,
        request.path,
    )
    response._has_been_logged = True  # noqa: SLF001 - Django's own flag
    return response


def permission_denied(request: HttpRequest, exception: Exception | None = None):
    return render(request, "403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("bad_request", str(_("The request could not be read."))), status=400
        )
    return render(request, "400.html", status=400)
