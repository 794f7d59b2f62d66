"""What the members admin pages share: read-only pages and inlines for records written
by services only (the common ones), and who may see identity numbers in full."""

from __future__ import annotations

from django.http import HttpRequest

from mutualsociety.common.admin.mixins import ReadOnlyAdmin
from mutualsociety.common.admin.mixins import ReadOnlyInline as CommonReadOnlyInline


class ReadOnlyInline(CommonReadOnlyInline):
    """Read-only rows whose fields are all shown as text."""

    def get_readonly_fields(self, request, obj=None):
        return self.fields


def can_see_identity(request: HttpRequest) -> bool:
    """Identity numbers are masked unless the user holds this permission."""
    return request.user.has_perm("members.view_identity_number")


__all__ = ["ReadOnlyAdmin", "ReadOnlyInline", "can_see_identity"]
