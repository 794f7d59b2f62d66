"""Surplus distributions in the admin (``services.distribution``): the actuary computes one
on the compute page, the board's secretary previews and proposes it, finance records the
assembly's resolution and runs it, then publishes it. Each step is an action calling the
service; the figures, the workings and the shares are read-only, never deleted."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin.mixins import ReadOnlyAdmin, ReadOnlyInline
from mutualsociety.common.admin_actions import ReasonForm, action_with_form, for_each
from mutualsociety.common.exceptions import DomainError
from mutualsociety.common.fields import MoneyFormField
from mutualsociety.common.forms import DomainErrorFormMixin

from ..models import DistributionEvent, MemberSurplusShare, SurplusDistribution
from ..services.distribution import (
    distribution_adopt,
    distribution_compute,
    distribution_preview,
    distribution_propose,
    distribution_publish,
    distribution_run,
    distribution_withdraw,
)


class ComputeForm(DomainErrorFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Financial year"), min_value=2000, max_value=2999)
    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}))
    basis = forms.ChoiceField(label=_("Basis"), choices=SurplusDistribution.Basis.choices)
    contributions_weight = forms.DecimalField(
        label=_("Weight of contributions (a mix)"),
        required=False,
        max_digits=7,
        decimal_places=6,
        help_text=_("0.7 shares 70% by contributions and 30% by years of membership."),
    )
    minimum_amount = MoneyFormField(label=_("Minimum amount"), initial="0.01")
    amount = MoneyFormField(
        label=_("Amount to distribute"),
        required=False,
        help_text=_("Empty: the whole distributable surplus."),
    )
    reserve_outstanding_fund = forms.BooleanField(
        label=_("Set aside the fund still owed"), required=False, initial=True
    )


class AdoptForm(forms.Form):
    resolution = forms.IntegerField(
        label=_("Resolution (motion number in the system)"),
        help_text=_("The assembly's special resolution adopting the distribution."),
    )


class EventInline(ReadOnlyInline):
    model = DistributionEvent
    fields = ("at", "type", "actor", "old_value", "new_value", "reason")
    readonly_fields = fields
    ordering = ("at", "id")


@admin.register(SurplusDistribution)
class SurplusDistributionAdmin(ReadOnlyAdmin):
    list_display = (
        "year",
        "as_of",
        "basis",
        "amount",
        "distributable",
        "status",
        "members_count",
        "resolution",
    )
    list_filter = ("status", "basis")
    list_select_related = ("resolution",)
    inlines = (EventInline,)
    actions = ("propose", "adopt", "run", "publish", "withdraw")
    change_form_template = "admin/solvency/surplusdistribution/change_form.html"
    change_list_template = "admin/solvency/surplusdistribution/change_list.html"
    readonly_fields = (
        "year",
        "as_of",
        "basis",
        "contributions_weight",
        "minimum_amount",
        "reserve_outstanding_fund",
        "distributable",
        "amount",
        "status",
        "assessment",
        "resolution",
        "members_count",
        "shares_total",
        "ledger_entry",
        "workings_display",
        "computed_by",
        "computed_at",
        "proposed_by",
        "proposed_at",
        "run_by",
        "run_at",
        "published_at",
    )
    fields = readonly_fields

    @admin.display(description=_("workings"))
    def workings_display(self, obj: SurplusDistribution):
        return format_html(
            '<pre class="wrap">{}</pre>',
            json.dumps(obj.workings, indent=2, ensure_ascii=False),
        )

    def has_propose_permission(self, request) -> bool:
        return request.user.has_perm("solvency.propose_surplusdistribution")

    def has_run_permission(self, request) -> bool:
        return request.user.has_perm("solvency.run_surplusdistribution")

    def has_withdraw_permission(self, request) -> bool:
        return self.has_propose_permission(request) or request.user.has_perm(
            "solvency.add_surplusdistribution"
        )

    def get_urls(self):
        return [
            path(
                "compute/",
                self.admin_site.admin_view(self.compute_view),
                name="solvency_surplusdistribution_compute",
            ),
            path(
                "<int:distribution_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="solvency_surplusdistribution_preview",
            ),
            *super().get_urls(),
        ]

    def compute_view(self, request):
        """The actuary computes the distributable surplus and records the draft rule."""
        if not request.user.has_perm("solvency.add_surplusdistribution"):
            raise PermissionDenied
        today = timezone.localdate()
        form = ComputeForm(request.POST or None, initial={"year": today.year, "as_of": today})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            distribution = form.call_service(
                distribution_compute,
                year=data["year"],
                as_of=data["as_of"],
                basis=data["basis"],
                contributions_weight=data["contributions_weight"],
                minimum_amount=data["minimum_amount"],
                amount=data["amount"],
                reserve_outstanding_fund=data["reserve_outstanding_fund"],
                actor=request.user,
            )
            if distribution is not None:
                self.message_user(
                    request,
                    gettext("Distributable surplus %(d)s; %(a)s recorded.")
                    % {"d": distribution.distributable, "a": distribution.amount},
                    messages.SUCCESS,
                )
                return redirect("admin:solvency_surplusdistribution_change", distribution.pk)
        return TemplateResponse(
            request,
            "admin/solvency/assessment_compute.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Compute a surplus distribution"),
                "opts": self.model._meta,
                "form": form,
            },
        )

    def preview_view(self, request, distribution_id: int):
        """The board's preview: totals, the spread, a sample and members searched by
        number (``?numbers=``, separated by spaces or commas). Writes nothing."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        distribution = get_object_or_404(SurplusDistribution, pk=distribution_id)
        numbers = request.GET.get("numbers", "").replace(",", " ").split()
        preview, error = None, None
        try:
            preview = distribution_preview(distribution=distribution, member_numbers=numbers)
        except DomainError as exc:
            error = exc.message
        return TemplateResponse(
            request,
            "admin/solvency/surplusdistribution/preview.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Preview of the surplus distribution %(d)s") % {"d": distribution},
                "opts": self.model._meta,
                "distribution": distribution,
                "preview": preview,
                "error": error,
                "numbers": " ".join(numbers),
            },
        )

    @admin.action(description=_("Propose to the assembly"), permissions=["propose"])
    def propose(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda d: distribution_propose(distribution=d, actor=request.user),
            done=lambda n: gettext("%(n)d distributions proposed.") % {"n": n},
        )

    @admin.action(description=_("Record the adopting resolution"), permissions=["run"])
    def adopt(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Record the assembly's resolution"),
            form_class=AdoptForm,
            call=lambda d, data: distribution_adopt(
                distribution=d, resolution=data["resolution"], actor=request.user
            ),
            done=lambda n: gettext("%(n)d distributions adopted.") % {"n": n},
        )

    @admin.action(description=_("Run: credit the members"), permissions=["run"])
    def run(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda d: distribution_run(distribution=d, actor=request.user),
            done=lambda n: (
                gettext(
                    "%(n)d distributions credited or started (a large one is credited by the "
                    "workers, chunk by chunk: its status says when it is run)."
                )
                % {"n": n}
            ),
        )

    @admin.action(description=_("Publish"), permissions=["run"])
    def publish(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda d: distribution_publish(distribution=d, actor=request.user),
            done=lambda n: gettext("%(n)d distributions published.") % {"n": n},
        )

    @admin.action(description=_("Withdraw"), permissions=["withdraw"])
    def withdraw(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Withdraw the distribution"),
            form_class=ReasonForm,
            call=lambda d, data: distribution_withdraw(
                distribution=d, actor=request.user, reason=data["reason"]
            ),
            done=lambda n: gettext("%(n)d distributions withdrawn.") % {"n": n},
        )

    def preview_url(self, obj: SurplusDistribution) -> str:
        return reverse("admin:solvency_surplusdistribution_preview", args=[obj.pk])


@admin.register(MemberSurplusShare)
class MemberSurplusShareAdmin(ReadOnlyAdmin):
    list_display = ("distribution", "member", "contributions", "membership_days", "amount")
    list_filter = ("distribution",)
    list_select_related = ("distribution", "member")
    search_fields = ("=member__member_number",)
    show_full_result_count = False
    raw_id_fields = ("member",)
    fields = ("distribution", "member", "contributions", "membership_days", "weight", "amount")
    readonly_fields = fields
