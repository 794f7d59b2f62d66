"""Staff face of claims: queues by status and age, transitions as actions (with a small
intermediate form where a decision needs input), read-only history, reserves, payments,
panels, and the apportionment preview and run. Every change is a service call; claims,
events, reserves and payments are never edited or deleted here."""

from __future__ import annotations

import datetime as dt

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

from members.models import Plan
from mutualsociety.common.admin_actions import action_form_page
from mutualsociety.common.exceptions import DomainError
from mutualsociety.common.fields import MoneyFormField

from .models import (
    ApportionmentPeriod,
    Claim,
    ClaimDocument,
    ClaimEvent,
    ClaimPayment,
    ClaimReserve,
    Objection,
    PanelSeat,
    ReviewPanel,
)
from .services import handling, notice
from .services.apportionment import apportionment_preview, apportionment_publish, apportionment_run


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = ClaimEvent
    fields = ("at", "type", "actor", "old_value", "new_value", "reason")
    readonly_fields = fields
    ordering = ("at", "id")  # the claim's story in order (the table is newest first)


class ReserveInline(ReadOnlyInline):
    model = ClaimReserve
    fields = ("as_of", "amount", "actor", "reason", "recorded_at")
    readonly_fields = fields
    verbose_name_plural = _("case reserve history")


class PaymentInline(ReadOnlyInline):
    model = ClaimPayment
    fields = ("paid_on", "amount", "ledger_entry", "actor")
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = ClaimDocument
    fields = ("download", "content_type", "size", "sha256", "uploaded_at")
    readonly_fields = fields

    @admin.display(description=_("document"))
    def download(self, obj):
        from django.urls import reverse

        return format_html(
            '<a href="{}">{}</a>', reverse("claims:document", args=[obj.pk]), obj.original_name
        )


class AgeFilter(admin.SimpleListFilter):
    title = _("days open")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return (("7", _("up to 7 days")), ("30", _("8 to 30 days")), ("old", _("over 30 days")))

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "7":
            return queryset.filter(submitted_at__gte=now - dt.timedelta(days=7))
        if self.value() == "30":
            return queryset.filter(
                submitted_at__lt=now - dt.timedelta(days=7),
                submitted_at__gte=now - dt.timedelta(days=30),
            )
        if self.value() == "old":
            return queryset.filter(submitted_at__lt=now - dt.timedelta(days=30))
        return queryset


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AssessForm(forms.Form):
    amount = MoneyFormField(label=_("Amount to pay"))
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    investigation_summary = forms.CharField(
        label=_("Investigation summary (published, de-identified)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class RejectForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons (shown to the member)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class StaffDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewPanel.Outcome.choices)
    reasons = forms.CharField(
        label=_("Reasons (published on the case page; no names)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "member",
        "plan",
        "kind",
        "status",
        "amount_claimed",
        "assessed_amount",
        "submitted_at",
        "days_open_display",
        "notice_status",
    )
    list_filter = ("status", AgeFilter, "plan", "kind", "notice_status")
    list_select_related = ("member", "plan")
    search_fields = ("number", "member__member_number", "member__legal_name")
    ordering = ("submitted_at",)
    inlines = (DocumentInline, EventInline, ReserveInline, PaymentInline)
    actions = (
        "start_review",
        "request_information",
        "assess",
        "send_back",
        "approve",
        "reject",
        "pay",
    )
    fieldsets = (
        (None, {"fields": ("number", "member", "coverage", "plan", "status", "submitted_at")}),
        (
            _("Claim"),
            {
                "fields": (
                    "kind",
                    "event_date",
                    "description",
                    "amount_claimed",
                    "bank_account_name",
                    "bank_account_number",
                )
            },
        ),
        (_("Automatic checks"), {"fields": ("checks_display", "benefit", "age_band", "region")}),
        (
            _("Assessment and decision"),
            {
                "fields": (
                    "assessed_amount",
                    "assessment_reasons",
                    "investigation_summary",
                    "assessed_by",
                    "first_approved_by",
                    "decided_by",
                    "decided_at",
                    "rejection_reasons",
                    "appeal_until",
                )
            },
        ),
        (
            _("Public notice and payment"),
            {
                "fields": (
                    "notice_status",
                    "notice_from",
                    "notice_until",
                    "cleared_on",
                    "apportionment_period",
                    "paid_amount",
                    "paid_at",
                    "days_to_payment",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        return [f for fs in self.fieldsets for f in fs[1]["fields"]]

    def has_add_permission(self, request) -> bool:
        return False  # claims come from members (portal or API)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("days open"))
    def days_open_display(self, obj: Claim) -> int:
        return obj.days_open

    @admin.display(description=_("checks"))
    def checks_display(self, obj: Claim):
        labels = {
            "cover_in_force": gettext("Cover in force on the event date"),
            "waiting_period_passed": gettext("Waiting period passed"),
            "within_remaining_limit": gettext("Benefit left"),
            "no_duplicate": gettext("No other claim for the same event"),
            "within_reporting_deadline": gettext("Reported within the deadline"),
        }
        rows = [
            (label, "✔" if obj.checks.get(key) else "✘ " + gettext("check"))
            for key, label in labels.items()
        ]
        extra = gettext("Remaining limit %(remaining)s; duplicates %(dups)s") % {
            "remaining": obj.checks.get("remaining_limit"),
            "dups": ", ".join(obj.checks.get("duplicates", [])) or "—",
        }
        return format_html(
            "<ul>{}</ul><p>{}</p>", format_html_join("", "<li>{}: {}</li>", rows), extra
        )

    # --- actions: each calls a service per selected claim --------------------------------

    def _each(self, request, queryset, call, done: str) -> None:
        ok = 0
        for claim in queryset:
            try:
                call(claim)
                ok += 1
            except DomainError as error:
                self.message_user(request, f"{claim.number}: {error.message}", messages.ERROR)
        if ok:
            self.message_user(request, done % {"n": ok}, messages.SUCCESS)

    def _form_action(self, request, queryset, form_class, title: str, call, done: str):
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._each(request, queryset, lambda c: call(c, form.cleaned_data), done)
            return None
        return action_form_page(self, request, queryset, title=title, form=form)

    @admin.action(description=_("Start review"), permissions=["change"])
    def start_review(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda c: handling.claim_review_start(claim=c, actor=request.user),
            gettext("%(n)d claims taken into review."),
        )

    @admin.action(description=_("Request information from the member"), permissions=["change"])
    def request_information(self, request, queryset):
        return self._form_action(
            request,
            queryset,
            ReasonForm,
            gettext("Request information"),
            lambda c, d: handling.claim_info_request(
                claim=c, actor=request.user, reason=d["reason"]
            ),
            gettext("Information requested on %(n)d claims."),
        )

    @admin.action(description=_("Assess"), permissions=["change"])
    def assess(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Assess one claim at a time."), messages.ERROR)
            return None
        return self._form_action(
            request,
            queryset,
            AssessForm,
            gettext("Assess the claim"),
            lambda c, d: handling.claim_assess(claim=c, actor=request.user, **d),
            gettext("%(n)d claims assessed."),
        )

    @admin.action(description=_("Send back to review"), permissions=["change"])
    def send_back(self, request, queryset):
        return self._form_action(
            request,
            queryset,
            ReasonForm,
            gettext("Send back to review"),
            lambda c, d: handling.claim_send_back(claim=c, actor=request.user, reason=d["reason"]),
            gettext("%(n)d claims sent back."),
        )

    @admin.action(description=_("Approve"), permissions=["change"])
    def approve(self, request, queryset):
        return self._form_action(
            request,
            queryset,
            OptionalReasonForm,
            gettext("Approve"),
            lambda c, d: handling.claim_approve(claim=c, actor=request.user, reason=d["reason"]),
            gettext("%(n)d approvals recorded."),
        )

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request, queryset):
        return self._form_action(
            request,
            queryset,
            RejectForm,
            gettext("Reject"),
            lambda c, d: handling.claim_reject(claim=c, actor=request.user, reasons=d["reasons"]),
            gettext("%(n)d claims rejected."),
        )

    @admin.action(description=_("Pay"), permissions=["change"])
    def pay(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda c: handling.claim_pay(claim=c, actor=request.user),
            gettext("%(n)d claims paid."),
        )


class SeatInline(ReadOnlyInline):
    model = PanelSeat
    fields = ("rank", "member", "vote", "voted_at")
    readonly_fields = fields


@admin.register(ReviewPanel)
class ReviewPanelAdmin(admin.ModelAdmin):
    list_display = ("claim", "trigger", "round", "status", "outcome", "vote_until", "drawn_at")
    list_filter = ("status", "trigger", "outcome")
    list_select_related = ("claim",)
    inlines = (SeatInline,)
    readonly_fields = [f.name for f in ReviewPanel._meta.fields]
    actions = ("staff_decide",)
    _form_action = ClaimAdmin._form_action

    def _each(self, request, queryset, call, done: str) -> None:
        ok = 0
        for panel in queryset:
            try:
                call(panel)
                ok += 1
            except DomainError as error:
                self.message_user(request, f"{panel}: {error.message}", messages.ERROR)
        if ok:
            self.message_user(request, done % {"n": ok}, messages.SUCCESS)

    @admin.action(
        description=_("Decide in the panel's place (no members left to draw)"),
        permissions=["change"],
    )
    def staff_decide(self, request, queryset):
        return self._form_action(
            request,
            queryset,
            StaffDecisionForm,
            gettext("Decide in the panel's place"),
            lambda p, d: notice.panel_staff_decide(
                panel=p, actor=request.user, outcome=d["outcome"], reasons=d["reasons"]
            ),
            gettext("%(n)d reviews decided."),
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ("claim", "member", "created_at")
    list_select_related = ("claim", "member")
    readonly_fields = ("claim", "member", "reason", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ApportionmentForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.filter(kind=Plan.Kind.MUTUAL_AID)
    )
    cutoff = forms.DateField(label=_("Cut-off"), widget=forms.DateInput(attrs={"type": "date"}))


@admin.register(ApportionmentPeriod)
class ApportionmentPeriodAdmin(admin.ModelAdmin):
    list_display = (
        "plan",
        "period_start",
        "cutoff",
        "claim_count",
        "total",
        "members_sharing",
        "share_per_member",
        "shortfall",
        "published_at",
    )
    list_filter = ("plan",)
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
            *super().get_urls(),
        ]

    def run_view(self, request):
        """Preview (a dry run that writes nothing), then run."""
        if not request.user.has_perm("claims.run_apportionment"):
            raise PermissionDenied
        preview = None
        form = ApportionmentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            plan, cutoff = form.cleaned_data["plan"], form.cleaned_data["cutoff"]
            try:
                if "run" in request.POST:
                    period = apportionment_run(plan=plan, cutoff=cutoff, actor=request.user)
                    self.message_user(
                        request,
                        gettext("Apportionment %(period)s done.") % {"period": period},
                        messages.SUCCESS,
                    )
                    return redirect("admin:claims_apportionmentperiod_change", period.pk)
                preview = apportionment_preview(plan=plan, cutoff=cutoff)
            except DomainError as error:
                form.add_error(None, error.message)
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

    @admin.action(description=_("Publish the summary"), permissions=["change"])
    def publish(self, request, queryset):
        for period in queryset:
            apportionment_publish(period=period, actor=request.user)
        self.message_user(request, gettext("Published."), messages.SUCCESS)
