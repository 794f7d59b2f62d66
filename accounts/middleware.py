from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from mutualsociety.common.api import error_body

from .selectors import user_is_read_only_account, user_second_factor_due

#: Pages open to a signed-in person who still owes the second factor: signing in and out,
#: setting up or entering the authenticator code, a forgotten password (which signs no
#: one in), the language switch, /healthz, and the public pages that show everyone the
#: same thing. Every other page — a new one too — asks for the second factor first.
OPEN_VIEW_NAMES = frozenset(
    {
        "login",
        "logout",
        "two_factor",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "set_language",
        "healthz",
        "portal:home",
        "admin:login",
        "admin:logout",
        # The public notice of claims: de-identified cases, the same for everyone; the
        # view takes no objection from a session that owes its second factor.
        "claims:notices",
        "claims:notice",
    }
)
#: Namespaces whose pages are open in the same way, matched exactly: the public
#: disclosure site (``disclosure:home``...) is open, a namespace nested in it is not —
#: the regulator portal (``disclosure:regulator:*``) asks for the second factor like any
#: other page (and its own views demand a verified session besides).
OPEN_NAMESPACES = frozenset({"disclosure"})


def second_factor_exempt(view_name: str, namespace: str) -> bool:
    """Whether the page is open to a session that has not used its second factor (the
    one rule: ``namespace`` is the view's full namespace, ``disclosure:regulator`` for
    the regulator portal, which is therefore not open)."""
    return view_name in OPEN_VIEW_NAMES or namespace in OPEN_NAMESPACES


class SecondFactorMiddleware:
    """No page serves a person who owes the second factor, whatever the page.

    A session that has not used the authenticator its person must use (their own, or the
    one the society requires of staff: ``accounts.selectors.user_second_factor_due``)
    gets only the pages of ``OPEN_VIEW_NAMES`` and ``OPEN_NAMESPACES``. Anything else —
    the portal's pages, claim documents, the admin and its exports, the API — is refused:
    the API with 403 in its error shape, a page with a redirect to the two-factor page
    (which comes back here once the code is entered), any other method with a 403 page
    saying what to do. Checked per view rather than per view class, so that a new view
    cannot forget it; the admin and the API keep their own check besides.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and second_factor_exempt(match.view_name, match.namespace):
            return None
        due = user_second_factor_due(user)
        if not due:
            return None
        must_enrol = due == "enrol"
        if request.path.startswith("/api/"):
            message = (
                _("Set up an authenticator app at /accounts/two-factor/ before using the API.")
                if must_enrol
                else _(
                    "Enter the code from your authenticator app at /accounts/two-factor/ "
                    "before using the API."
                )
            )
            return JsonResponse(error_body("second_factor_required", message), status=403)
        setup = f"{reverse('two_factor')}?{urlencode({'next': request.get_full_path()})}"
        if request.method in ("GET", "HEAD"):
            return HttpResponseRedirect(setup)
        return TemplateResponse(
            request,
            "accounts/second_factor_required.html",
            {"must_enrol": must_enrol, "two_factor_url": setup},
            status=403,
        )


#: Methods that may change something.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: What a read-only account may still send a form to: its own session and credentials
#: (signing in and out, its authenticator, its password, the language), never a record
#: of the society.
OWN_ACCOUNT_VIEW_NAMES = frozenset(
    {
        "login",
        "logout",
        "two_factor",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "password_change",
        "password_change_done",
        "set_language",
        "admin:login",
        "admin:logout",
    }
)


class ReadOnlyAccountMiddleware:
    """A regulator's read-only account changes nothing anywhere, whatever the page.

    Every write method (``WRITE_METHODS``) from such an account
    (``selectors.user_is_read_only_account``) is refused before the view runs — a portal
    form, an admin change, deletion or action, an API operation, a page added later —
    except on its own account's pages (``OWN_ACCOUNT_VIEW_NAMES``): the API with 403 in
    its error shape, anything else with the 403 page saying so. The role has no write
    permission besides (``roles.role_permissions``); this is the rule that holds where a
    view checks membership rather than a permission (a form open to anyone signed in).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method not in WRITE_METHODS:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OWN_ACCOUNT_VIEW_NAMES:
            return None
        if not user_is_read_only_account(getattr(request, "user", None)):
            return None
        message = _("This account is read-only: it cannot change anything.")
        if request.path.startswith("/api/"):
            return JsonResponse(error_body("permission_denied", message), status=403)
        return TemplateResponse(
            request, "accounts/read_only_account.html", {"message": message}, status=403
        )
