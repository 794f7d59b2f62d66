"""The read-only open-data API at ``/api/v1/disclosure/`` (``disclosure.api``)."""

from django.urls import path

from . import api

app_name = "disclosure-api"

urlpatterns = [
    # --- Publications: the archive as data (disclosure.api.publications) ---
    path("publications/", api.PublicationListApi.as_view(), name="publications"),
    path(
        "publications/<int:publication_id>/",
        api.PublicationDetailApi.as_view(),
        name="publication",
    ),
    path("kinds/", api.KindListApi.as_view(), name="kinds"),
    # --- Figures: what the public pages chart (disclosure.api.figures) ---
    path("figures/", api.FiguresApi.as_view(), name="figures"),
    path("solvency/history/", api.SolvencyHistoryApi.as_view(), name="solvency_history"),
    path("claims/statistics/", api.ClaimStatisticsApi.as_view(), name="claim_statistics"),
    path(
        "apportionment-periods/",
        api.ApportionmentPeriodListApi.as_view(),
        name="apportionment_periods",
    ),
]
