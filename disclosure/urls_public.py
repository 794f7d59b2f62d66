"""The topical public pages (``views.public``): at a glance at ``/disclosure/``
(``disclosure:home``), governance, finances, solvency, claims, products and events."""

from django.urls import path

from .views import public

urlpatterns = [
    path("", public.HomeView.as_view(), name="home"),
    path("governance/", public.GovernanceView.as_view(), name="governance"),
    path(
        "governance/meetings/<int:meeting_id>/",
        public.MeetingView.as_view(),
        name="governance_meeting",
    ),
    path("finances/", public.FinancesView.as_view(), name="finances"),
    path("solvency/", public.SolvencyView.as_view(), name="solvency"),
    path("claims/", public.ClaimsView.as_view(), name="claims"),
    path("products/", public.ProductsView.as_view(), name="products"),
    path("events/", public.EventsView.as_view(), name="events"),
]
