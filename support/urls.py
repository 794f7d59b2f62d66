from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("complaints/new/", views.ComplaintFileView.as_view(), name="file"),
    # Before the secret link, whose two free segments would take it.
    path(
        "complaints/documents/<int:document_id>/",
        views.DocumentDownloadView.as_view(),
        name="document",
    ),
    path(
        "complaints/<str:reference>/<str:secret>/",
        views.ComplaintTrackView.as_view(),
        name="track",
    ),
    path("me/complaints/", views.ComplaintListView.as_view(), name="list"),
    path("me/complaints/<int:complaint_id>/", views.ComplaintDetailView.as_view(), name="detail"),
    path(
        "me/complaints/<int:complaint_id>/escalate/",
        views.ComplaintEscalateView.as_view(),
        name="escalate",
    ),
]
