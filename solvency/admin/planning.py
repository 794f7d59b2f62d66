"""Replenishment planning and the mutual aid plans' liquidity in the admin: the
projection's assumptions (one row, edited by the actuary), the planned repayments of
the fund, the projection page (an SVG line chart of the comprehensive ratio, base and
routes, with the threshold, and the same numbers in tables) and the liquidity page
(``selectors.liquidity_view`` through the include ``solvency/includes/liquidity.html``)."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.exceptions import DomainError

from .. import selectors
from ..charts import line_chart
from ..models import PlannedRepayment, ProjectionAssumptions
from ..services.projection import replenishment_projection

#: How the projection's lines are named.
ROUTE_LABELS = {
    "base": _("Base"),
    "retained_surplus": _("Retained surplus"),
    "reduced_distribution": _("Reduced distribution"),
    "new_tranche": _("New fund tranche"),
    "surplus_notes": _("Subordinated surplus notes"),
}
VIEW_PERM = "solvency.view_solvencyassessment"


@admin.register(PlannedRepayment)
class PlannedRepaymentAdmin(admin.ModelAdmin):
    list_display = ("due_on", "tranche", "amount", "note")
    list_select_related = ("tranche",)
    date_hierarchy = "due_on"


@admin.register(ProjectionAssumptions)
class ProjectionAssumptionsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "contribution_growth", "loss_ratio", "expense_ratio", "updated_at")
    readonly_fields = ("updated_by", "updated_at")
    fieldsets = (
        (
            _("Business"),
            {
                "fields": (
                    "contribution_growth",
                    "loss_ratio",
                    "expense_ratio",
                    "reserve_growth",
                    "investment_return",
                    "distribution_share",
                )
            },
        ),
        (
            _("Replenishment routes"),
            {"fields": ("tranche_amount", "notes_amount", "distribution_cut")},
        ),
        (None, {"fields": ("updated_by", "updated_at")}),
    )

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not ProjectionAssumptions.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "projection/",
                self.admin_site.admin_view(self.projection_view),
                name="solvency_projection",
            ),
            path(
                "liquidity/",
                self.admin_site.admin_view(self.liquidity_view),
                name="solvency_liquidity",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        """One row: go to the projection, whose page links to the assumptions."""
        return redirect("admin:solvency_projection")

    def projection_view(self, request):
        if not request.user.has_perm(VIEW_PERM):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Capital replenishment: 12 quarters"),
            "opts": self.model._meta,
            "assumptions_url": _assumptions_url(request),
        }
        try:
            projection = replenishment_projection()
        except DomainError as error:
            context["error"] = error.message
            return TemplateResponse(request, "admin/solvency/projection.html", context)
        base = projection.line("base")
        regime = projection.assessment.regime
        statuses = {q.status for line in projection.lines for q in line.quarters}
        status_names = {s: selectors.status_label(s, regime=regime) for s in statuses}
        quarters = [selectors.quarter_of(q.end) for q in base.quarters]
        context.update(
            projection=projection,
            quarters=quarters,
            lines=[
                {
                    "route": line.route,
                    "label": ROUTE_LABELS[line.route],
                    "quarters": line.quarters,
                    "first_breach": line.first_breach,
                    "first_breach_quarter": (
                        selectors.quarter_of(line.first_breach.end) if line.first_breach else ""
                    ),
                    "first_breach_status": (
                        status_names[line.first_breach.status] if line.first_breach else ""
                    ),
                }
                for line in projection.lines
            ],
            base_rows=[
                {"quarter": label, "q": q, "status": status_names[q.status]}
                for label, q in zip(quarters, base.quarters, strict=True)
            ],
            chart=line_chart(
                quarters,
                [
                    (str(ROUTE_LABELS[line.route]), [q.comprehensive_ratio for q in line.quarters])
                    for line in projection.lines
                ],
                threshold=projection.comprehensive_threshold,
            ),
        )
        return TemplateResponse(request, "admin/solvency/projection.html", context)

    def liquidity_view(self, request):
        if not request.user.has_perm(VIEW_PERM):
            raise PermissionDenied
        as_of = _date(request.GET.get("as_of")) or timezone.localdate()
        return TemplateResponse(
            request,
            "admin/solvency/liquidity.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Liquidity of the mutual aid plans"),
                "opts": self.model._meta,
                "liquidity": selectors.liquidity_view(as_of),
            },
        )


def _assumptions_url(request) -> str | None:
    row = ProjectionAssumptions.objects.order_by("pk").first()
    if row is None:
        if request.user.has_perm("solvency.add_projectionassumptions"):
            return reverse("admin:solvency_projectionassumptions_add")
        return None
    return reverse("admin:solvency_projectionassumptions_change", args=[row.pk])


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
