"""Reserve runs in the admin: always read-only (the figures come from the service); run
on the "Run the reserves" page (``reserve_run_create``), approved or rejected by a second
person with the actions (``reserve_run_approve`` / ``reserve_run_reject``). Each run has
a report page: the triangle heat-coloured by development factor, the factors, the
results by origin and a chart of ultimate against latest (drawn here as SVG, the numbers
also in the table). The reserving basis of the monthly run is edited here too.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin_actions import action_with_form, for_each
from mutualsociety.common.forms import DomainErrorFormMixin

from ..models import Grain, ReserveRun, ReserveRunEvent, ReserveRunOrigin, ReservingBasis
from ..models import ReservingMethod as Method
from ..selectors.reserves import reserve_run_report
from ..services.reserves import reserve_run_approve, reserve_run_create, reserve_run_reject
from .assessments import ReadOnlyInline


class OriginInline(ReadOnlyInline):
    model = ReserveRunOrigin
    fields = ("origin", "latest", "ultimate", "ibnr", "std_err")
    readonly_fields = fields


class RunEventInline(ReadOnlyInline):
    model = ReserveRunEvent
    fields = ("at", "type", "actor", "old_value", "new_value", "reason")
    readonly_fields = fields
    ordering = ("at", "id")


class RunForm(DomainErrorFormMixin, forms.Form):
    valuation_date = forms.DateField(
        label=_("Valuation date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices, initial=Method.MACK)
    grain = forms.ChoiceField(label=_("Grain"), choices=Grain.choices, initial=Grain.QUARTER)
    apriori = forms.DecimalField(
        label=_("A-priori loss ratio"),
        required=False,
        help_text=_("Bornhuetter-Ferguson only (0.7 for 70%)."),
    )
    tail = forms.DecimalField(
        label=_("Tail factor"), required=False, help_text=_("Empty for none (1.05).")
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


@admin.register(ReservingBasis)
class ReservingBasisAdmin(admin.ModelAdmin):
    list_display = ("__str__", "apriori", "tail")

    def has_add_permission(self, request) -> bool:
        return not ReservingBasis.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def ultimate_chart(origins: list[ReserveRunOrigin]) -> SafeString:
    """A bar chart (SVG, scaled to its box) of latest and ultimate by origin."""
    if not origins:
        return SafeString("")
    top = max(max(o.ultimate, o.latest) for o in origins) or Decimal(1)
    step, height = 36, 160
    bars = []
    for i, o in enumerate(origins):
        x = 40 + i * step
        for offset, value, colour in ((0, o.latest, "#79aec8"), (14, o.ultimate, "#e07b39")):
            h = int(value / top * height)
            bars.append((x + offset, 10 + height - h, h, colour, o.origin, value))
    width = 40 + len(origins) * step + 10
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="9" transform="rotate(45 {} {})">{}</text>',
        (
            (
                40 + i * step,
                height + 22,
                40 + i * step,
                height + 22,
                getattr(o, "label", o.origin[:7]),
            )
            for i, o in enumerate(origins)
        ),
    )
    return format_html(
        '<svg class="svg-fit" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'width="{}" xmlns="http://www.w3.org/2000/svg">'
        '<line x1="38" y1="{}" x2="{}" y2="{}" stroke="#999"/>{}{}'
        '<rect x="40" y="{}" width="10" height="8" fill="#79aec8"/>'
        '<text x="54" y="{}" font-size="10">{}</text>'
        '<rect x="140" y="{}" width="10" height="8" fill="#e07b39"/>'
        '<text x="154" y="{}" font-size="10">{}</text></svg>',
        gettext("Ultimate against latest by origin"),
        width,
        height + 70,
        max(width, 390),
        10 + height,
        width,
        10 + height,
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="12" height="{}" fill="{}"><title>{} {}</title></rect>',
            bars,
        ),
        labels,
        height + 52,
        height + 60,
        gettext("Latest"),
        height + 52,
        height + 60,
        gettext("Ultimate"),
    )


@admin.register(ReserveRun)
class ReserveRunAdmin(admin.ModelAdmin):
    list_display = (
        "valuation_date",
        "version",
        "state",
        "method",
        "grain",
        "upr",
        "outstanding",
        "ibnr",
        "created_by",
        "approved_by",
        "report_link",
    )
    list_filter = ("state", "method", "grain")
    list_select_related = ("created_by", "approved_by")
    date_hierarchy = "valuation_date"
    inlines = (OriginInline, RunEventInline)
    actions = ("approve", "reject")
    change_list_template = "admin/solvency/reserverun/change_list.html"
    fields = (
        "valuation_date",
        "version",
        "state",
        "method",
        "grain",
        "parameters",
        "upr",
        "outstanding",
        "ibnr",
        "latest_total",
        "ultimate_total",
        "std_err_total",
        "factors",
        "created_by",
        "created_at",
        "approved_by",
        "approved_at",
        "ledger_entry",
        "closed_at",
        "report_link",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False  # run on the run page

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("solvency.approve_reserverun")

    has_reject_permission = has_approve_permission

    @admin.display(description=_("report"))
    def report_link(self, obj: ReserveRun):
        url = reverse("admin:solvency_reserverun_report", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Triangle and results"))

    def get_urls(self):
        return [
            path("run/", self.admin_site.admin_view(self.run_view), name="solvency_reserverun_run"),
            path(
                "<int:pk>/report/",
                self.admin_site.admin_view(self.report_view),
                name="solvency_reserverun_report",
            ),
            *super().get_urls(),
        ]

    def _page(self, request, template: str, title: str, **context) -> TemplateResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                **context,
            },
        )

    def run_view(self, request):
        """Run the reserves (a new draft version, or the same one when nothing changed)."""
        if not request.user.has_perm("solvency.run_reserverun"):
            raise PermissionDenied
        basis = ReservingBasis.objects.first() or ReservingBasis()
        initial = {
            "valuation_date": timezone.localdate(),
            "method": basis.method,
            "grain": basis.grain,
            "apriori": basis.apriori,
            "tail": basis.tail,
        }
        form = RunForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            run = form.call_service(
                reserve_run_create,
                valuation_date=data["valuation_date"],
                method=data["method"],
                grain=data["grain"],
                apriori=data["apriori"],
                tail=data["tail"],
                actor=request.user,
            )
            if run is not None:
                self.message_user(
                    request,
                    gettext("Reserve run %(run)s: IBNR %(ibnr)s.") % {"run": run, "ibnr": run.ibnr},
                    messages.SUCCESS,
                )
                return redirect("admin:solvency_reserverun_report", run.pk)
        return self._page(
            request, "admin/solvency/reserverun_run.html", gettext("Run the reserves"), form=form
        )

    def report_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ReserveRun, pk=pk)
        report = reserve_run_report(run)
        return self._page(
            request,
            "admin/solvency/reserverun_report.html",
            gettext("Reserve run %(run)s") % {"run": run},
            run=run,
            origins=report.origins,
            triangles=report.triangles,
            chart=ultimate_chart(report.origins),
        )

    @admin.action(description=_("Approve and post to the ledger"), permissions=["approve"])
    def approve(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda run: reserve_run_approve(run=run, actor=request.user),
            done=lambda n: gettext("%(n)d reserve runs approved.") % {"n": n},
        )

    @admin.action(description=_("Reject"), permissions=["reject"])
    def reject(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Reject the reserve run"),
            form_class=RejectForm,
            call=lambda r, d: reserve_run_reject(run=r, actor=request.user, reason=d["reason"]),
            done=lambda n: gettext("%(n)d reserve runs rejected.") % {"n": n},
        )
