"""Solvency assessments in the admin: always read-only (figures come from the service);
computed on the compute page (``assessment_compute``), approved by a second person with
the approve action (``assessment_approve``, through ``common.admin_actions``). The page
shows the breakdown by module, the capital lines and the inputs used, and the history.
"""

from __future__ import annotations

import json

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

from mutualsociety.common.admin_actions import action_with_form
from mutualsociety.common.forms import DomainErrorFormMixin

from ..models import AssessmentEvent, AssessmentLine, Rating, Regime, SolvencyAssessment
from ..services.assessments import assessment_approve, assessment_compute
from .dashboard import DashboardMixin
from .labels import CAPITAL_LABELS


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class LineInline(ReadOnlyInline):
    model = AssessmentLine
    fields = ("kind", "code", "name", "name_en", "amount")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = AssessmentEvent
    fields = ("at", "type", "actor", "old_value", "new_value", "reason")
    readonly_fields = fields
    ordering = ("at", "id")


class ComputeForm(DomainErrorFormMixin, forms.Form):
    valuation_date = forms.DateField(
        label=_("Valuation date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    regime = forms.ModelChoiceField(label=_("Regime"), queryset=Regime.objects.all())
    rating = forms.ChoiceField(
        label=_("Integrated risk rating"),
        choices=[("", "—"), *Rating.choices],
        required=False,
        help_text=_("Entered by staff (C-ROSS); needed before approval where the regime has one."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        default = Regime.objects.filter(is_default=True).first()
        if default is not None:
            self.fields["regime"].initial = default.pk


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


@admin.register(SolvencyAssessment)
class SolvencyAssessmentAdmin(DashboardMixin, admin.ModelAdmin):
    list_display = (
        "valuation_date",
        "regime",
        "version",
        "state",
        "comprehensive_ratio",
        "core_ratio",
        "ladder_status",
        "early_warning",
        "rating",
        "computed_by",
        "approved_by",
    )
    list_filter = ("state", "regime", "ladder_status", "early_warning")
    list_select_related = ("regime", "computed_by", "approved_by")
    date_hierarchy = "valuation_date"
    inlines = (LineInline, EventInline)
    actions = ("approve",)
    change_list_template = "admin/solvency/solvencyassessment/change_list.html"
    fieldsets = (
        (None, {"fields": ("valuation_date", "regime", "version", "state")}),
        (
            _("Capital"),
            {
                "fields": (
                    "core_capital",
                    "supplementary_capital",
                    "admitted_supplementary",
                    "actual_capital",
                    "capital_display",
                )
            },
        ),
        (
            _("Requirement"),
            {
                "fields": (
                    "undiversified_requirement",
                    "diversified_requirement",
                    "adjustments_total",
                    "minimum_capital",
                    "mcr",
                )
            },
        ),
        (
            _("Ratios and status"),
            {
                "fields": (
                    "comprehensive_ratio",
                    "core_ratio",
                    "mcr_ratio",
                    "rating",
                    "ladder_status",
                    "early_warning",
                    "deadline",
                    "warnings_display",
                )
            },
        ),
        (
            _("Approval"),
            {
                "fields": (
                    "computed_by",
                    "computed_at",
                    "approved_by",
                    "approved_at",
                    "approval_note",
                    "superseded_at",
                )
            },
        ),
        (_("Inputs used"), {"classes": ("collapse",), "fields": ("inputs_display",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        return [f for fs in self.fieldsets for f in fs[1]["fields"]]

    def has_add_permission(self, request) -> bool:
        return False  # computed on the compute page

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("solvency.approve_solvencyassessment")

    @admin.display(description=_("capital lines"))
    def capital_display(self, obj: SolvencyAssessment):
        rows = [
            (
                line.get("label") or CAPITAL_LABELS.get(line["code"], line["code"]),
                line["tier"],
                line["amount"],
            )
            for line in obj.inputs.get("capital", [])
        ]
        if not rows:
            return "—"
        return format_html(
            '<div class="table-scroll"><table>{}</table></div>',
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description=_("warnings"))
    def warnings_display(self, obj: SolvencyAssessment):
        warnings = [
            *obj.inputs.get("warnings", []),
            *obj.inputs.get("ladder", {}).get("warnings", []),
        ]
        return ", ".join(warnings) or "—"

    @admin.display(description=_("inputs used"))
    def inputs_display(self, obj: SolvencyAssessment):
        return format_html(
            '<pre class="wrap">{}</pre>',
            json.dumps(obj.inputs, indent=2, ensure_ascii=False),
        )

    def get_urls(self):
        return [
            path(
                "compute/",
                self.admin_site.admin_view(self.compute_view),
                name="solvency_solvencyassessment_compute",
            ),
            *self.dashboard_urls(),
            *super().get_urls(),
        ]

    def compute_view(self, request):
        """Compute an assessment (a new version, or the same one when nothing changed)."""
        if not request.user.has_perm("solvency.compute_solvencyassessment"):
            raise PermissionDenied
        form = ComputeForm(request.POST or None, initial={"valuation_date": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            assessment = form.call_service(
                assessment_compute,
                valuation_date=form.cleaned_data["valuation_date"],
                regime=form.cleaned_data["regime"],
                rating=form.cleaned_data["rating"],
                actor=request.user,
            )
            if assessment is not None:
                self.message_user(
                    request,
                    gettext("Assessment %(a)s: %(status)s.")
                    % {"a": assessment, "status": assessment.ladder_status},
                    messages.SUCCESS,
                )
                return redirect("admin:solvency_solvencyassessment_change", assessment.pk)
        return TemplateResponse(
            request,
            "admin/solvency/assessment_compute.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Compute a solvency assessment"),
                "opts": self.model._meta,
                "form": form,
            },
        )

    @admin.action(description=_("Approve"), permissions=["approve"])
    def approve(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Approve the assessment"),
            form_class=ApproveForm,
            call=lambda a, d: assessment_approve(assessment=a, actor=request.user, note=d["note"]),
            done=lambda n: gettext("%(n)d assessments approved.") % {"n": n},
        )
