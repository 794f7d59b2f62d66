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
        return context

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff only; and a staff member with an authenticator must have used it."""
        from accounts.selectors import user_needs_second_factor

        if not super().has_permission(request):
            return False
        return not user_needs_second_factor(request.user)
