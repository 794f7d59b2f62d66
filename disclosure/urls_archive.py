"""The archive of publications, each publication's page and files, the Atom feed
(``views.archive``)."""

from django.urls import path

from .views import archive

urlpatterns = [
    path("archive/", archive.ArchiveView.as_view(), name="archive"),
    path(
        "publications/<int:publication_id>/", archive.PublicationView.as_view(), name="publication"
    ),
    path(
        "publications/<int:publication_id>/files/<int:attachment_id>/",
        archive.attachment_download,
        name="attachment",
    ),
    path("feed/", archive.feed, name="feed"),
]
