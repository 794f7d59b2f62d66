"""Products open for enrolment with the product information, and the material events
and related-party transactions (paged)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.selectors import plans_open_with_terms, wind_downs_visible

from ...models import Kind
from ...selectors.sources import publications_of_kinds
from .base import PageProblem, PublicPage

#: Publications per page of the events list.
EVENTS_PER_PAGE = 25
#: Past this page number, a 404 without asking the database.
MAX_EVENTS_PAGE = 100_000


class ProductsView(PublicPage):
    """The plans open for enrolment with their terms in force, the plans in wind-down
    (or wound down) with the timeline of their steps, and the published product
    information."""

    page = "products"
    title = gettext_lazy("Products")
    template_name = "disclosure/public/products.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            offers=plans_open_with_terms(on=timezone.localdate()),
            publications=list(publications_of_kinds([Kind.PRODUCT])),
            wind_downs=wind_downs_visible(),
        )
        return context


class EventsView(PublicPage):
    """Material events and related-party transactions, newest first, withdrawn ones
    with their reason; ``?page=2`` for older ones."""

    page = "events"
    title = gettext_lazy("Material events and related-party transactions")
    template_name = "disclosure/public/events.html"

    def query(self) -> str:
        text = self.request.GET.get("page", "")
        if not text:
            self.page_number = 1
            return ""
        # ASCII digits only: str.isdigit() also passes "²", which int() refuses
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise PageProblem(400, _("The page must be a whole number from 1."), field="page")
        self.page_number = int(text)
        if self.page_number > MAX_EVENTS_PAGE:
            # beyond any page there is; its offset would not fit the database's integers
            raise PageProblem(404, _("There is no such page of events."))
        return str(self.page_number)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        start = (self.page_number - 1) * EVENTS_PER_PAGE
        # one more than a page: whether there is a next page, without counting them all
        rows = list(
            publications_of_kinds([Kind.MATERIAL_EVENT, Kind.RELATED_PARTY])[
                start : start + EVENTS_PER_PAGE + 1
            ]
        )
        if self.page_number > 1 and not rows:
            raise PageProblem(404, _("There is no such page of events."))
        context.update(
            publications=rows[:EVENTS_PER_PAGE],
            page_number=self.page_number,
            has_next=len(rows) > EVENTS_PER_PAGE,
        )
        return context
