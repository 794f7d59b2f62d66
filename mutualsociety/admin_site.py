"""The staff site: the admin under the society's name, aware of two-factor sign-in."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class SocietyAdminSite(admin.AdminSite):
    site_title = _("Staff site")
    index_title = _("Administration")
    enable_nav_sidebar = True

    @property
    def login_form(self):  # noqa: D401 - Django reads it as an attribute
        from accounts.forms import StaffLoginForm

        return StaffLoginForm

    def each_context(self, request: HttpRequest) -> dict:
        from mutualsociety.common.selectors import society_get

        context = super().each_context(request)
        name = society_get().display_name
        context["site_header"] = _("%(society)s — staff") % {"society": name}
        context["site_title"] = name
        user = getattr(request, "user", None)
        if user is not None and user.is_active and user.is_staff:
            # The banner of the ladder (templates/admin/base_site.html): every staff page
            # says so while an alert of solvency stands.
            from solvency.selectors import alerts_standing

            context["solvency_alerts"] = list(alerts_standing()[:5])
        return context

    def login(self, request: HttpRequest, extra_context=None):
        """Staff the society requires to use two-factor, and who have no authenticator
        yet, are sent to set one up rather than shown the login form again."""
        from django.contrib import messages
        from django.shortcuts import redirect

        from accounts.selectors import user_must_enrol_second_factor

        if request.user.is_authenticated and user_must_enrol_second_factor(request.user):
            messages.info(
                request,
                _("The society requires staff to use an authenticator app: set one up first."),
            )
            return redirect("two_factor")
        return super().login(request, extra_context)

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff only; and a staff member with an authenticator must have used it."""
        from accounts.selectors import user_needs_second_factor

        if not super().has_permission(request):
            return False
        return not user_needs_second_factor(request.user)
