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
]
