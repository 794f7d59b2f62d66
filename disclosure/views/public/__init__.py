"""The topical public pages of the disclosure site (no login), one module per subject:

- ``base``: the cached page every one of them is (``PublicPage``, see its module for
  the caching) and the answer to a question it cannot answer (``PageProblem``);
- ``home``: at a glance, the key figures;
- ``governance``: the bodies and the published meetings;
- ``finances``: finances, solvency and claims (the figures pages);
- ``products``: products, material events and related-party transactions.

Faces only: every figure comes from a selector of the app that owns it (members,
ledger, claims, governance, solvency, and ``disclosure.selectors`` for the figures at a
glance and the source publications); the views choose what to read and hand it to
their template. ``disclosure.urls_public`` routes them.
"""

from .base import CSRF_PLACEHOLDER, PageProblem, PublicPage
from .finances import ClaimsView, FinancesView, SolvencyView
from .governance import GovernanceView, MeetingView
from .home import HomeView
from .products import EVENTS_PER_PAGE, EventsView, ProductsView

__all__ = [
    "CSRF_PLACEHOLDER",
    "EVENTS_PER_PAGE",
    "ClaimsView",
    "EventsView",
    "FinancesView",
    "GovernanceView",
    "HomeView",
    "MeetingView",
    "PageProblem",
    "ProductsView",
    "PublicPage",
    "SolvencyView",
]
