"""Who voted (never what) and the proxies: read-only."""

from __future__ import annotations

from django.contrib import admin

from .. import selectors
from ..models import Participation, Proxy
from .base import ReadOnlyAdmin


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    """Who voted on which motion, how and when: never what (the ballot link is sealed)."""

    list_display = ("motion", "voter", "cast_by", "channel", "at", "counted", "recorded_by")
    list_filter = ("channel", "counted", "motion__meeting")
    search_fields = ("voter__member_number", "voter__legal_name")
    list_select_related = ("motion", "voter", "cast_by", "recorded_by")
    fields = ("motion", "voter", "cast_by", "channel", "at", "counted", "recorded_by")

    def get_queryset(self, request):
        return selectors.participations_visible().select_related(*self.list_select_related)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("governance.view_participation")


@admin.register(Proxy)
class ProxyAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "principal", "holder", "appointed_at", "revoked_at")
    list_select_related = ("meeting", "principal", "holder")
