"""The public, read-only disclosure site (信息披露)."""

from __future__ import annotations

from django.views.generic import TemplateView

from mutualsociety.common.selectors import society_get


class DisclosureHomeView(TemplateView):
    """Basic information of the society: who it is, when it was founded, how to reach it."""

    template_name = "disclosure/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["society"] = society_get()
        return context
