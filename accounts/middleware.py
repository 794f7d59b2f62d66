from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from mutualsociety.common.api import error_body

from .selectors import user_must_enrol_second_factor, user_needs_second_factor


class SecondFactorMiddleware:
    """The API asks for the same second factor as the admin.

    A session that has not used the authenticator its person must use (their own, or the
    one the society requires of staff) gets 403 from every ``/api/`` address, so that the
    API is no way around the two-factor rule.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if (
            request.path.startswith("/api/")
            and user is not None
            and user.is_authenticated
            and user_needs_second_factor(user)
        ):
            message = (
                _("Set up an authenticator app at /accounts/two-factor/ before using the API.")
                if user_must_enrol_second_factor(user)
                else _("Sign in again with the code from your authenticator app.")
            )
            return JsonResponse(error_body("second_factor_required", message), status=403)
        return self.get_response(request)
