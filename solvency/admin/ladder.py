"""The ladder in the admin, read-only (services write every row): the alerts (the
compliance officer acknowledges them), their material-event drafts, the repayments of the
initial operating fund (finance records one with the "Repay" action of the register) and
the periodic job runs."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin.mixins import ReadOnlyAdmin, ReadOnlyInline
from mutualsociety.common.admin_actions import action_with_form

from ..models import AlertEvent, FundRepayment, MaterialEventDraft, SolvencyAlert, SolvencyJobRun
from ..services.monitoring import alert_acknowledge


class AlertEventInline(ReadOnlyInline):
    model = AlertEvent
    fields = ("at", "type", "actor", "old_value", "new_value", "reason")
    readonly_fields = fields
    ordering = ("at", "id")


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


@admin.register(SolvencyAlert)
class SolvencyAlertAdmin(ReadOnlyAdmin):
    list_display = (
        "opened_at",
        "kind",
        "measure",
        "ratio",
        "threshold",
        "ladder_status",
        "deadline",
        "status",
        "origin",
    )
    list_filter = ("status", "kind", "measure", "origin")
    list_select_related = ("assessment",)
    inlines = (AlertEventInline,)
    actions = ("acknowledge",)
    readonly_fields = (
        "key",
        "kind",
        "status",
        "origin",
        "measure",
        "ladder_status",
        "ratio",
        "threshold",
        "rating",
        "rung",
        "requires",
        "requires_en",
        "valuation_date",
        "deadline",
        "assessment",
        "opened_at",
        "acknowledged_by",
        "acknowledged_at",
        "closed_at",
        "closed_reason",
    )

    def has_acknowledge_permission(self, request) -> bool:
        return request.user.has_perm("solvency.acknowledge_solvencyalert")

    @admin.action(description=_("Acknowledge"), permissions=["acknowledge"])
    def acknowledge(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Acknowledge the alerts"),
            form_class=AcknowledgeForm,
            call=lambda a, d: alert_acknowledge(alert=a, actor=request.user, note=d["note"]),
            done=lambda n: gettext("%(n)d alerts acknowledged.") % {"n": n},
        )


@admin.register(MaterialEventDraft)
class MaterialEventDraftAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "title", "title_en", "status")
    list_filter = ("status", "kind")
    readonly_fields = (
        "kind",
        "status",
        "title",
        "title_en",
        "body",
        "body_en",
        "data",
        "source_alert",
        "created_at",
    )


@admin.register(FundRepayment)
class FundRepaymentAdmin(ReadOnlyAdmin):
    list_display = ("repaid_on", "tranche", "amount", "motion", "ledger_entry", "recorded_by")
    list_select_related = ("tranche", "motion", "ledger_entry", "recorded_by")
    readonly_fields = (
        "tranche",
        "amount",
        "repaid_on",
        "motion",
        "assessment",
        "ledger_entry",
        "idempotency_key",
        "checks",
        "recorded_by",
        "recorded_at",
    )


@admin.register(SolvencyJobRun)
class SolvencyJobRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "kind", "period", "status", "duration", "error")
    list_filter = ("kind", "status")
    readonly_fields = (
        "kind",
        "period",
        "status",
        "started_at",
        "finished_at",
        "duration",
        "result",
        "error",
    )
