"""Apportionment periods in the admin: read-only; preview a period (a dry run that writes
nothing), run it, publish its summary."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from members.models import Plan
from mutualsociety.common.admin_actions import for_each
from mutualsociety.common.forms import DomainErrorFormMixin

from ..models import ApportionmentPeriod
from ..services.apportionment import (
    apportionment_preview,
    apportionment_publish,
    apportionment_run,
    cutoff_not_run_check,
)
from ..services.wind_down import wind_down_final_apportionment


class ApportionmentForm(DomainErrorFormMixin, forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.filter(kind=Plan.Kind.MUTUAL_AID)
    )
    cutoff = forms.DateField(label=_("Cut-off"), widget=forms.DateInput(attrs={"type": "date"}))


def run_done_message(period: ApportionmentPeriod) -> str:
    """What the admin says after a run: the plan by its name, the period, what was shared
    (or, for a period whose shares are still being written on the workers, that it is
    billing and is published only once billed)."""
    if period.status == ApportionmentPeriod.Status.BILLING:
        return gettext(
            "Apportionment of %(plan)s for %(start)s–%(end)s started: the shares of its "
            "%(members)d members are being written by the workers. The period can be "
            "published once it is billed."
        ) % {
            "plan": period.plan.display_name,
            "start": date_format(period.period_start),
            "end": date_format(period.cutoff),
            "members": period.members_sharing,
        }
    return ngettext(
        "Apportionment of %(plan)s for %(start)s–%(end)s done: %(n)d case shared among "
        "%(members)d members.",
        "Apportionment of %(plan)s for %(start)s–%(end)s done: %(n)d cases shared among "
        "%(members)d members.",
        period.claim_count,
    ) % {
        "plan": period.plan.display_name,
        "start": date_format(period.period_start),
        "end": date_format(period.cutoff),
        "n": period.claim_count,
        "members": period.members_sharing,
    }


@admin.register(ApportionmentPeriod)
class ApportionmentPeriodAdmin(admin.ModelAdmin):
    list_display = (
        "plan",
        "period_start",
        "cutoff",
        "status",
        "claim_count",
        "total",
        "members_sharing",
        "share_per_member",
        "shortfall",
        "is_final",
        "published_at",
    )
    list_filter = ("plan", "status", "is_final")
    list_select_related = ("plan",)
    readonly_fields = [f.name for f in ApportionmentPeriod._meta.fields]
    actions = ("publish",)
    change_list_template = "admin/claims/apportionmentperiod/change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "run/",
                self.admin_site.admin_view(self.run_view),
                name="claims_apportionmentperiod_run",
            ),
            path(
                "final/",
                self.admin_site.admin_view(self.final_view),
                name="claims_apportionmentperiod_final",
            ),
            *super().get_urls(),
        ]

    def run_view(self, request):
        """Preview (a dry run that writes nothing), then run. A cut-off with no case to
        share is refused by the service; the preview says so and offers no run. A cut-off
        already run is refused before either (``cutoff_not_run_check``)."""
        if not request.user.has_perm("claims.run_apportionment"):
            raise PermissionDenied
        preview = None
        form = ApportionmentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            plan, cutoff = form.cleaned_data["plan"], form.cleaned_data["cutoff"]
            form.call_service(cutoff_not_run_check, plan=plan, cutoff=cutoff)
            if not form.errors and "run" in request.POST:
                period = form.call_service(
                    apportionment_run, plan=plan, cutoff=cutoff, actor=request.user
                )
                if period is not None:
                    self.message_user(request, run_done_message(period), messages.SUCCESS)
                    return redirect("admin:claims_apportionmentperiod_change", period.pk)
            if not form.errors:
                preview = form.call_service(apportionment_preview, plan=plan, cutoff=cutoff)
        return TemplateResponse(
            request,
            "admin/claims/apportionment_preview.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Preview and run an apportionment"),
                "opts": self.model._meta,
                "form": form,
                "preview": preview,
            },
        )

    def final_view(self, request):
        """The final apportionment of a plan in wind-down (``wind_down_final_apportionment``:
        refused while its claims window is open or a claim could still be shared)."""
        if not request.user.has_perm("claims.run_apportionment"):
            raise PermissionDenied
        form = ApportionmentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            plan, cutoff = form.cleaned_data["plan"], form.cleaned_data["cutoff"]
            period = form.call_service(
                wind_down_final_apportionment, plan=plan, cutoff=cutoff, actor=request.user
            )
            if period is not None:
                self.message_user(request, run_done_message(period), messages.SUCCESS)
                return redirect("admin:claims_apportionmentperiod_change", period.pk)
            if not form.errors:
                self.message_user(
                    request,
                    gettext("Final apportionment recorded: nothing was left to share."),
                    messages.SUCCESS,
                )
                return redirect("admin:claims_apportionmentperiod_changelist")
        return TemplateResponse(
            request,
            "admin/service_form.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Final apportionment of a plan in wind-down"),
                "intro": gettext(
                    "The last period of the plan: after it no period is run. It may run once "
                    "the claims window has closed and no claim could still be shared."
                ),
                "submit_label": gettext("Make the final apportionment"),
                "opts": self.model._meta,
                "form": form,
            },
        )

    @admin.action(description=_("Publish the summary"), permissions=["change"])
    def publish(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda period: apportionment_publish(period=period, actor=request.user),
            done=lambda n: gettext("Published."),
        )
