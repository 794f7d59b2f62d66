"""The platform's own records in the admin: workers' heartbeats and the task outbox
(read-only)."""

from __future__ import annotations

from django.contrib import admin

from ..models import OutboxTask, WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("hostname", "beat_at")
    readonly_fields = ("hostname", "beat_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    """Tasks recorded for Celery: read-only. Pending rows wait for the broker; the relay
    (every minute, or ``manage.py relay_outbox``) hands them over."""

    list_display = (
        "id",
        "task",
        "key",
        "state",
        "attempts",
        "created_at",
        "last_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("state", "task")
    search_fields = ("key", "task")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxTask._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
