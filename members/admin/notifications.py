"""The notification centre for staff: what was sent to whom, when, by which channel, and
whether it was read. Read-only: the rows are the members' record of what they were told,
written by ``members.services.notifications`` only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from ..models import Notification
from .base import ReadOnlyAdmin


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "member",
        "topic",
        "subject",
        "read_at",
        "email_state",
        "sms_state",
    )
    list_filter = ("topic", "email_state", "sms_state")
    list_select_related = ("member",)
    search_fields = ("member__member_number",)  # get_search_results decides
    search_help_text = _("A whole member number.")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    show_full_result_count = False
    fields = (
        "member",
        "topic",
        "key",
        "batch",
        "subject",
        "body",
        "link",
        "created_at",
        "read_at",
        "email_state",
        "emailed_at",
        "sms_state",
        "sms_sent_at",
        "sms_message_id",
    )
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        """A whole member number (any case), through the member number's index."""
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        return queryset.annotate(number=Upper("member__member_number")).filter(
            number=term.upper()
        ), False
