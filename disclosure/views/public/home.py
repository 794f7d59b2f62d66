"""At a glance (``/disclosure/``): the key figures with their day and source."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from ...selectors.figures import key_figures
from ...selectors.sources import key_figure_sources
from .base import PublicPage


class HomeView(PublicPage):
    """The key figures, each with the day it stands at and the publication it was
    disclosed in."""

    page = "home"
    title = gettext_lazy("At a glance")
    template_name = "disclosure/public/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = key_figures(as_of=timezone.localdate())
        solvency = figures.solvency
        context.update(
            figures=figures,
            solvency=solvency,
            sources=key_figure_sources(
                solvency_date=solvency.valuation_date if solvency is not None else None
            ),
        )
        return context
