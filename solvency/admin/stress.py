"""Stress tests in the admin: the actuary edits the scenarios (their shocks checked by
``StressScenario.clean``) and runs them on an assessment (``stress_run``) on the stress
page, which shows the base and each scenario side by side with a bar chart of the
comprehensive ratio against its threshold. Results are written by the service only."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin.mixins import ReadOnlyAdmin
from mutualsociety.common.forms import DomainErrorFormMixin

from .. import selectors
from ..charts import bar_chart
from ..models import SolvencyAssessment, StressResult, StressScenario
from ..services.stress import stress_run


@admin.register(StressScenario)
class StressScenarioAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "active", "order", "shocks")
    list_filter = ("active",)
    fields = ("code", "name", "name_en", "active", "order", "shocks", "description")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # results refer to it: make it inactive instead


@admin.register(StressResult)
class StressResultAdmin(ReadOnlyAdmin):
    list_display = (
        "assessment",
        "scenario",
        "comprehensive_ratio",
        "core_ratio",
        "status",
        "computed_by",
        "computed_at",
    )
    list_filter = ("scenario", "status")
    list_select_related = ("assessment__regime", "scenario", "computed_by")
    change_list_template = "admin/solvency/stressresult/change_list.html"

    def get_urls(self):
        return [
            path(
                "run/",
                self.admin_site.admin_view(self.stress_view),
                name="solvency_stress",
            ),
            *super().get_urls(),
        ]

    def stress_view(self, request):
        """The base and every scenario side by side; POST runs the chosen scenarios."""
        if not request.user.has_perm("solvency.view_stressresult"):
            raise PermissionDenied
        assessment = _assessment(request.GET.get("assessment"))
        form = RunForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if not request.user.has_perm("solvency.run_stresstest"):
                raise PermissionDenied
            if assessment is not None and form.is_valid():
                done = form.call_service(
                    stress_run,
                    assessment=assessment,
                    scenarios=form.cleaned_data["scenarios"] or None,
                    actor=request.user,
                )
                if done is not None:
                    self.message_user(
                        request,
                        gettext("%(n)d scenarios applied.") % {"n": len(done)},
                        messages.SUCCESS,
                    )
                    url = reverse("admin:solvency_stress")
                    return redirect(f"{url}?assessment={assessment.pk}")
        results = selectors.stress_results_latest(assessment) if assessment else []
        threshold = _threshold(assessment)
        chart = None
        if assessment is not None:
            chart = bar_chart(
                [(gettext("Base"), assessment.comprehensive_ratio)]
                + [(r.scenario.display_name, r.comprehensive_ratio) for r in results],
                threshold=threshold,
            )
        return TemplateResponse(
            request,
            "admin/solvency/stress.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Stress tests"),
                "opts": self.model._meta,
                "assessment": assessment,
                "assessments": SolvencyAssessment.objects.exclude(
                    state=SolvencyAssessment.State.SUPERSEDED
                ).select_related("regime")[:20],
                "results": results,
                "columns": _columns(assessment, results) if assessment is not None else [],
                "chart": chart,
                "threshold": threshold,
                "form": form,
                "can_run": request.user.has_perm("solvency.run_stresstest"),
            },
        )


class RunForm(DomainErrorFormMixin, forms.Form):
    scenarios = forms.ModelMultipleChoiceField(
        label=_("Scenarios"),
        queryset=StressScenario.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every active scenario."),
    )


def _assessment(raw: str | None) -> SolvencyAssessment | None:
    if raw and raw.isdigit():
        found = SolvencyAssessment.objects.select_related("regime").filter(pk=int(raw)).first()
        if found is not None:
            return found
    return (
        selectors.assessment_latest_approved()
        or SolvencyAssessment.objects.exclude(state=SolvencyAssessment.State.SUPERSEDED)
        .select_related("regime")
        .first()
    )


def _columns(assessment: SolvencyAssessment, results) -> list[dict]:
    """The base and each scenario as the table's columns, statuses by their names."""
    names: dict[str, str] = {}

    def label(status: str) -> str:
        if status not in names:
            names[status] = selectors.status_label(status, regime=assessment.regime)
        return names[status]

    base = {
        "name": gettext("Base"),
        "loss": Decimal("0.00"),
        "minimum_capital": assessment.minimum_capital,
        "actual_capital": assessment.actual_capital,
        "core_capital": assessment.core_capital,
        "comprehensive_ratio": assessment.comprehensive_ratio,
        "core_ratio": assessment.core_ratio,
        "status": assessment.ladder_status,
        "status_label": label(assessment.ladder_status),
        "members": results[0].members_before if results else None,
    }
    return [base] + [
        {
            "name": r.scenario.display_name,
            "loss": r.loss,
            "minimum_capital": r.minimum_capital,
            "actual_capital": r.actual_capital,
            "core_capital": r.core_capital,
            "comprehensive_ratio": r.comprehensive_ratio,
            "core_ratio": r.core_ratio,
            "status": r.status,
            "status_label": label(r.status),
            "members": r.members_after,
        }
        for r in results
    ]


def _threshold(assessment: SolvencyAssessment | None) -> Decimal | None:
    if assessment is None:
        return None
    value = (assessment.inputs.get("regime") or {}).get("thresholds", {}).get("comprehensive")
    return Decimal(str(value)) if value is not None else assessment.regime.comprehensive_min
