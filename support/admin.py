"""The complaints queue: open complaints by default, with their acknowledgement and
outcome flags (due, overdue) computed by the database; every field read-only; each step
an action that calls one service per complaint (``common.admin_actions``). The settings
row and the working-day calendar are edited here too."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin.mixins import EventValueColumns, ReadOnlyInline
from mutualsociety.common.admin_actions import action_with_form, for_each

from .models import (
    CalendarDay,
    Complaint,
    ComplaintDocument,
    ComplaintEvent,
    ComplaintReminder,
    ComplaintSettings,
)
from .selectors import complaints_flagged
from .services import handling

S = Complaint.Status
F = ComplaintReminder.Flag
FLAG_LABELS = dict(F.choices)


def _done(text: str):
    return lambda n: text % {"n": n}


class EventInline(EventValueColumns, ReadOnlyInline):
    model = ComplaintEvent
    value_choices = (Complaint.Status,)
    fields = ("at", "type", "actor", "old_display", "new_display", "reason")
    readonly_fields = fields
    ordering = ("at", "id")


class DocumentInline(ReadOnlyInline):
    model = ComplaintDocument
    fields = ("download", "content_type", "size", "sha256", "uploaded_at")
    readonly_fields = fields

    @admin.display(description=_("document"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("support:document", args=[obj.pk]), obj.original_name
        )


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("due", _("Due soon")),
            ("all", _("All")),
        ]

    def choices(self, changelist):
        # "open" is the default: the plain list is the work to do.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "open") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "open"
        if value == "open":
            return queryset.filter(status__in=(S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING))
        if value == "overdue":
            return queryset.filter(Q(ack_flag=F.ACK_OVERDUE) | Q(resolve_flag=F.OVERDUE))
        if value == "due":
            return queryset.filter(Q(ack_flag=F.ACK_DUE) | Q(resolve_flag=F.DUE))
        return queryset


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(s.value, s.label) for s in Complaint.OUTCOMES]
    )
    answer = forms.CharField(
        label=_("Answer to the complainant"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=_("The complainant reads this, with the outcome."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Optional; the complainant sees it in the history."),
    )


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "category",
        "complainant_name",
        "status",
        "received_on",
        "acknowledge_by",
        "resolve_by",
        "flags",
        "handler",
    )
    list_filter = (QueueFilter, "status", "category", "resolution")
    search_fields = ("reference", "contact_name", "contact_email", "member__legal_name")
    list_select_related = ("member", "handler")
    date_hierarchy = "received_on"
    inlines = [DocumentInline, EventInline]
    actions = [
        "take",
        "acknowledge",
        "investigate",
        "resolve",
        "extend",
        "close",
    ]

    def get_queryset(self, request):
        return complaints_flagged().select_related("member", "handler")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_handle_permission(self, request) -> bool:
        return request.user.has_perm(handling.HANDLE_PERM)

    @admin.display(description=_("complainant"))
    def complainant_name(self, obj: Complaint) -> str:
        return obj.complainant

    @admin.display(description=_("flags"))
    def flags(self, obj: Complaint) -> str:
        flags = [getattr(obj, "ack_flag", ""), getattr(obj, "resolve_flag", "")]
        return ", ".join(str(FLAG_LABELS[f]) for f in flags if f) or "—"

    # --- the steps: each calls a service per selected complaint --------------------------

    @admin.action(description=_("Take over (become the handler)"), permissions=["handle"])
    def take(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda c: handling.complaint_assign(
                complaint=c, handler=request.user, actor=request.user
            ),
            done=_done(gettext("You handle %(n)d complaints.")),
        )

    @admin.action(description=_("Acknowledge"), permissions=["handle"])
    def acknowledge(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Acknowledge"),
            form_class=NoteForm,
            call=lambda c, d: handling.complaint_acknowledge(
                complaint=c, actor=request.user, note=d["note"]
            ),
            done=_done(gettext("%(n)d complaints acknowledged.")),
        )

    @admin.action(description=_("Start an investigation"), permissions=["handle"])
    def investigate(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda c: handling.complaint_investigate(complaint=c, actor=request.user),
            done=_done(gettext("%(n)d investigations started.")),
        )

    @admin.action(description=_("Give the outcome"), permissions=["handle"])
    def resolve(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Give the outcome"),
            form_class=ResolveForm,
            call=lambda c, d: handling.complaint_resolve(
                complaint=c, actor=request.user, outcome=d["outcome"], answer=d["answer"]
            ),
            done=_done(gettext("%(n)d outcomes given.")),
        )

    @admin.action(description=_("Extend the deadline (once)"), permissions=["handle"])
    def extend(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Extend the deadline"),
            call=lambda c, d: handling.complaint_extend(
                complaint=c, actor=request.user, reason=d["reason"]
            ),
            done=_done(gettext("%(n)d deadlines extended.")),
        )

    @admin.action(description=_("Close"), permissions=["handle"])
    def close(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Close"),
            call=lambda c, d: handling.complaint_close(
                complaint=c, actor=request.user, reason=d["reason"]
            ),
            done=_done(gettext("%(n)d complaints closed.")),
        )


@admin.register(ComplaintSettings)
class ComplaintSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "acknowledge_working_days",
        "resolve_days",
        "extension_days",
        "escalation_days",
        "reminder_days",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("day", "is_working_day", "name")
    list_filter = ("is_working_day",)
    date_hierarchy = "day"


@admin.register(ComplaintReminder)
class ComplaintReminderAdmin(admin.ModelAdmin):
    list_display = ("complaint", "day", "flags", "sent_at")
    list_select_related = ("complaint",)
    date_hierarchy = "day"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
