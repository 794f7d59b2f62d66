"""The archive of publications, each publication's page and files, the Atom feed
(``views.archive``)."""

urlpatterns: list = []
