"""The due-date rules in the admin: one per kind (made by the migration), edited by
compliance as data; never added or deleted here. Each shows the next due date it gives
(``periods.next_due``)."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..due import next_due
from ..models import KindRule


@admin.register(KindRule)
class KindRuleAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "basis",
        "months_after",
        "days_after",
        "needs_approval",
        "automatic",
        "expected",
        "members_told",
        "first_period_start",
        "next_due_display",
    )
    list_filter = ("basis", "needs_approval", "automatic", "expected", "members_told")
    fields = (
        "kind",
        "basis",
        "months_after",
        "days_after",
        "needs_approval",
        "automatic",
        "expected",
        "members_told",
        "first_period_start",
        "next_due_display",
    )

    def get_readonly_fields(self, request, obj=None):
        return ("kind", "next_due_display")

    def has_add_permission(self, request) -> bool:
        return False  # one rule per kind, made with the kinds

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("next due"))
    def next_due_display(self, rule: KindRule) -> str:
        found = next_due(rule, timezone.localdate())
        if found is None:
            return gettext("After each event") if rule.basis == "event" else "—"
        period, due = found
        return gettext("%(due)s (for %(period)s)") % {
            "due": due.isoformat(),
            "period": period.label,
        }
