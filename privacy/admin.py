"""Staff face of the privacy app: the queue of requests (open ones first, the earliest
due first, with due and overdue flags), each handled by admin actions that call one
service (take up, carry out, refuse); the settings and the retention rules as data.
Requests and their history are never edited or deleted here."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin.mixins import EventValueColumns, ReadOnlyInline
from mutualsociety.common.admin_actions import action_with_form, for_each

from .models import PrivacyRequest, PrivacyRequestEvent, PrivacySettings, RetentionRule
from .selectors import request_outcome_lines
from .services import requests as services


@admin.register(PrivacySettings)
class PrivacySettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "response_days")

    def has_add_permission(self, request) -> bool:
        return False  # one row, made by the migration

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("category", "years", "legal_basis", "legal_basis_en")
    readonly_fields = ("category",)

    def has_add_permission(self, request) -> bool:
        return False  # one per category, made with the categories

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventInline(EventValueColumns, ReadOnlyInline):
    model = PrivacyRequestEvent
    value_choices = (PrivacyRequest.Status,)
    fields = ("at", "type", "actor", "old_display", "new_display", "reason")
    readonly_fields = fields
    ordering = ("at", "id")


class OpenFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return (
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("closed", _("Answered")),
        )

    def queryset(self, request, queryset):
        open_statuses = (PrivacyRequest.Status.RECEIVED, PrivacyRequest.Status.IN_PROGRESS)
        if self.value() == "open":
            return queryset.filter(status__in=open_statuses)
        if self.value() == "overdue":
            return queryset.filter(status__in=open_statuses, due_on__lt=timezone.localdate())
        if self.value() == "closed":
            return queryset.exclude(status__in=open_statuses)
        return queryset


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label=_("Note to the member (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason given to the member"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "member",
        "kind",
        "status",
        "received_at",
        "due_on",
        "due_display",
        "handler",
    )
    list_filter = (OpenFilter, "status", "kind")
    list_select_related = ("member", "handler")
    search_fields = ("member__member_number", "member__legal_name")
    ordering = ("due_on", "id")
    inlines = (EventInline,)
    actions = ("take_up", "carry_out", "refuse")
    fields = (
        "member",
        "kind",
        "field",
        "value",
        "items",
        "details",
        "status",
        "received_at",
        "due_on",
        "due_display",
        "handler",
        "closed_at",
        "decision",
        "outcome_display",
    )

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request) -> bool:
        return False  # members make requests in the portal

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("deadline"))
    def due_display(self, obj: PrivacyRequest):
        if not obj.is_open:
            return "—"
        days = (obj.due_on - timezone.localdate()).days
        if days < 0:
            return format_html(
                '<strong class="alarm">{}</strong>',
                gettext("Overdue by %(n)d days") % {"n": -days},
            )
        return gettext("%(n)d days left") % {"n": days}

    @admin.display(description=_("outcome"))
    def outcome_display(self, obj: PrivacyRequest):
        lines = request_outcome_lines(obj)
        if not lines:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in lines))
        )

    @admin.action(description=_("Take up (in progress)"), permissions=["change"])
    def take_up(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda r: services.privacy_request_start(request=r, actor=request.user),
            done=lambda n: gettext("%(n)d requests taken up.") % {"n": n},
        )

    @admin.action(
        description=_("Carry out (correct, or delete what may be deleted)"),
        permissions=["change"],
    )
    def carry_out(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Carry out the request"),
            form_class=DecisionForm,
            call=lambda r, d: services.privacy_request_complete(
                request=r, actor=request.user, decision=d["decision"]
            ),
            done=lambda n: gettext("%(n)d requests answered.") % {"n": n},
        )

    @admin.action(description=_("Refuse"), permissions=["change"])
    def refuse(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Refuse the request"),
            form_class=RefuseForm,
            call=lambda r, d: services.privacy_request_refuse(
                request=r, actor=request.user, reason=d["reason"]
            ),
            done=lambda n: gettext("%(n)d requests refused.") % {"n": n},
        )
