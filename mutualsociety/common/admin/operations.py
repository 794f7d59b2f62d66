"""The platform's own records in the admin: workers' heartbeats, the task outbox and the
batch runs (read-only; a batch run can be resumed)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..admin_actions import for_each
from ..models import BatchChunk, BatchRun, OutboxTask, WorkerHeartbeat
from ..services import batch_resume
from .mixins import ReadOnlyAdmin, ReadOnlyInline


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


class BatchChunkInline(ReadOnlyInline):
    model = BatchChunk
    fields = ("number", "lo", "hi", "status", "totals", "expected", "attempts", "worker", "error")
    readonly_fields = fields


@admin.register(BatchRun)
class BatchRunAdmin(ReadOnlyAdmin):
    """Long batch runs split across the workers (docs/scaling.md): which chunks are done,
    their totals against those fixed at the start. "Resume" sends again what is not done
    (a failed chunk, once its cause is fixed); done chunks never run twice."""

    list_display = ("key", "kind", "status", "chunk_count", "started_at", "finished_at")
    list_filter = ("status", "kind")
    search_fields = ("key",)
    date_hierarchy = "started_at"
    readonly_fields = [field.name for field in BatchRun._meta.fields]
    inlines = [BatchChunkInline]
    actions = ["resume"]

    @admin.action(description=_("Resume the selected runs"), permissions=["resume"])
    def resume(self, request, queryset) -> None:
        for_each(
            self,
            request,
            queryset.exclude(status=BatchRun.Status.COMPLETE),
            batch_resume,
            done=lambda n: (
                ngettext(
                    "%(n)d run sent to the workers again.",
                    "%(n)d runs sent to the workers again.",
                    n,
                )
                % {"n": n}
            ),
        )

    def has_resume_permission(self, request) -> bool:
        return request.user.has_perm("common.resume_batchrun")
