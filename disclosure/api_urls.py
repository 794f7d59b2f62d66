"""The read-only open-data API at ``/api/v1/disclosure/`` (``disclosure.api``)."""

urlpatterns: list = []
