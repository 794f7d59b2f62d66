"""The member's own personal data pages, under /me/privacy/. The only id is of the
member's own request, looked up within their membership (another member's answers 404)."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("me/privacy/", views.OverviewView.as_view(), name="overview"),
    path("me/privacy/my-data.json", views.ExportJsonView.as_view(), name="export_json"),
    path("me/privacy/my-data.pdf", views.ExportPdfView.as_view(), name="export_pdf"),
    path("me/privacy/requests/new/", views.RequestNewView.as_view(), name="request_new"),
    path(
        "me/privacy/requests/<int:request_id>/",
        views.RequestDetailView.as_view(),
        name="request",
    ),
]
