"""The read-only regulator portal at ``/disclosure/regulator/`` (``views.regulator``)."""

urlpatterns: list = []
