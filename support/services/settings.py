"""The complaints desk's settings row (``ComplaintSettings``)."""

from __future__ import annotations

from ..models import ComplaintSettings


def complaint_settings_get() -> ComplaintSettings:
    """The one settings row (created with the defaults if a database lacks it)."""
    row, _created = ComplaintSettings.objects.get_or_create(pk=1)
    return row
