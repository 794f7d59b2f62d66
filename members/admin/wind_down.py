"""Plans' wind-downs in the admin: record one with the board's approval (a form that
calls ``plan_wind_down_propose``), start it (a second person: four eyes), cancel a
proposed one, refund the advance payments and pay the refunds out; the change page is
read-only and shows the timeline of the steps with their dates."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin_actions import for_each
from mutualsociety.common.display import format_date
from mutualsociety.common.forms import DomainErrorFormMixin

from ..models import AdvanceRefund, Plan, WindDown
from ..services.wind_down import (
    PERMISSION,
    advance_refunds_make,
    advance_refunds_pay,
    plan_wind_down_cancel,
    plan_wind_down_propose,
    plan_wind_down_start,
)
from .base import ReadOnlyInline


class WindDownProposeForm(DomainErrorFormMixin, forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.filter(kind=Plan.Kind.MUTUAL_AID)
    )
    tail_window_days = forms.IntegerField(
        label=_("Claims window after the stop (days)"),
        initial=WindDown._meta.get_field("tail_window_days").default,
        min_value=1,
        max_value=3650,
    )
    reason = forms.CharField(label=_("Reason (Chinese)"), widget=forms.Textarea)
    reason_en = forms.CharField(label=_("Reason (English)"), widget=forms.Textarea, required=False)
    board_resolution_reference = forms.CharField(label=_("Board resolution"), max_length=100)
    board_resolved_on = forms.DateField(
        label=_("Resolved by the board on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    board_minutes_reference = forms.CharField(label=_("Minutes document"), max_length=300)


class AdvanceRefundInline(ReadOnlyInline):
    model = AdvanceRefund
    fields = ("member", "amount", "status", "paid_on")
    readonly_fields = fields
    raw_id_fields = ("member",)


@admin.register(WindDown)
class WindDownAdmin(admin.ModelAdmin):
    list_display = (
        "plan",
        "status",
        "stop_date",
        "claims_until",
        "tail_closed_on",
        "final_apportionment_on",
        "refunds_on",
        "ended_on",
    )
    list_filter = ("status",)
    list_select_related = ("plan",)
    readonly_fields = ("timeline_steps", "claims_until", *[f.name for f in WindDown._meta.fields])
    actions = ("start", "cancel", "refunds_make", "refunds_pay")
    inlines = (AdvanceRefundInline,)
    change_list_template = "admin/members/winddown/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False  # recorded through the propose page, which calls the service

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("claims accepted until"))
    def claims_until(self, obj: WindDown):
        return obj.claims_until

    @admin.display(description=_("timeline"))
    def timeline_steps(self, obj: WindDown):
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{}: {}</li>",
                (
                    (label, format_date(day) if day else gettext("not yet"))
                    for _step, label, day in obj.timeline()
                ),
            ),
        )

    def get_urls(self):
        return [
            path(
                "propose/",
                self.admin_site.admin_view(self.propose_view),
                name="members_winddown_propose",
            ),
            *super().get_urls(),
        ]

    def propose_view(self, request):
        """Record a wind-down with the board's approval; a second person starts it."""
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        form = WindDownProposeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            row = form.call_service(plan_wind_down_propose, actor=request.user, **form.cleaned_data)
            if row is not None:
                self.message_user(
                    request,
                    gettext("Wind-down recorded; someone else must now start it."),
                    messages.SUCCESS,
                )
                return redirect("admin:members_winddown_change", row.pk)
        return TemplateResponse(
            request,
            "admin/service_form.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Record a plan's wind-down"),
                "intro": gettext(
                    "The plan stops taking new members when a second person starts the "
                    "wind-down; claims for events before that day are accepted for the "
                    "claims window."
                ),
                "submit_label": gettext("Record the wind-down"),
                "opts": self.model._meta,
                "form": form,
            },
        )

    @admin.action(description=_("Start the wind-down now (second person)"), permissions=["change"])
    def start(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda row: plan_wind_down_start(wind_down=row, actor=request.user),
            done=lambda n: gettext("Wind-down started."),
        )

    @admin.action(description=_("Cancel a proposed wind-down"), permissions=["change"])
    def cancel(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda row: plan_wind_down_cancel(wind_down=row, actor=request.user),
            done=lambda n: gettext("Cancelled."),
        )

    @admin.action(description=_("Refund the unused advance payments"), permissions=["change"])
    def refunds_make(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda row: advance_refunds_make(wind_down=row, actor=request.user),
            done=lambda n: gettext("Refunds recorded."),
        )

    @admin.action(description=_("Mark the refunds paid out today"), permissions=["change"])
    def refunds_pay(self, request, queryset):
        today = timezone.localdate()
        for_each(
            self,
            request,
            queryset,
            lambda row: advance_refunds_pay(wind_down=row, paid_on=today, actor=request.user),
            done=lambda n: gettext("Refunds marked paid."),
        )
