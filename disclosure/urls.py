"""The disclosure site at ``/disclosure/``: one URL module per part (see ``views``)."""

from django.urls import include, path

from .views import basic

app_name = "disclosure"

urlpatterns = [
    path("about/", basic.DisclosureHomeView.as_view(), name="basic"),
    path("", include("disclosure.urls_public")),
    path("", include("disclosure.urls_archive")),
    # its own namespace (disclosure:regulator), not open without the second factor
    path("regulator/", include("disclosure.urls_regulator")),
]
