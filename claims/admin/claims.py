"""The claims queue: open claims by default (undecided, or approved and not yet paid),
filtered by status and age; a claim's checks, documents, history, reserves and payments,
all read-only; transitions as actions that call one service per claim."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.selectors import designation_in_force
from mutualsociety.common.admin.mixins import EventValueColumns, ReadOnlyInline
from mutualsociety.common.admin_actions import action_with_form, for_each
from mutualsociety.common.display import format_datetime, format_money, punctuation
from mutualsociety.common.fields import MoneyFormField

from ..models import Claim, ClaimDocument, ClaimEvent, ClaimPayment, ClaimReserve
from ..selectors import OPEN_STATUSES
from ..services import handling


class EventInline(EventValueColumns, ReadOnlyInline):
    model = ClaimEvent
    value_choices = (Claim.Status, Claim.Notice)
    fields = ("at", "type", "actor", "old_display", "new_display", "reason")
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
        return format_html(
            '<a href="{}">{}</a>', reverse("claims:document", args=[obj.pk]), obj.original_name
        )


class QueueFilter(admin.SimpleListFilter):
    """The working queue by default: claims still to handle, decide or pay
    (``selectors.OPEN_STATUSES``); "All claims" shows paid, rejected and withdrawn ones
    too. Choosing a status in the status filter shows that status whatever this says."""

    title = _("queue")
    parameter_name = "queue"
    ALL = "all"

    def lookups(self, request, model_admin):
        return ((self.ALL, _("All claims")),)

    def choices(self, changelist):
        yield {
            "selected": self.value() != self.ALL,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Open claims (to handle, decide or pay)"),
        }
        yield {
            "selected": self.value() == self.ALL,
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
            "display": _("All claims"),
        }

    def queryset(self, request, queryset):
        if self.value() == self.ALL or any(key.startswith("status") for key in request.GET):
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES)


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


def _done(message: str):
    """A success message with the number of claims that went through."""
    return lambda n: message % {"n": n}


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
    list_filter = (QueueFilter, "status", AgeFilter, "plan", "kind", "notice_status")
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
                    "beneficiaries_display",
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

    # Each action is offered only to the people its service lets act (the service checks
    # again): a handler is not shown "Approve", an approver not "Assess" or "Pay".
    def has_assess_permission(self, request) -> bool:
        return request.user.has_perm("claims.assess_claim")

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("claims.decide_claim")

    def has_pay_permission(self, request) -> bool:
        return request.user.has_perm("claims.pay_claim")

    @admin.display(description=_("beneficiaries on the event date"))
    def beneficiaries_display(self, obj: Claim):
        """The member's designation in force at the end of the event date (a death
        benefit is paid to the people named then, whatever they changed later)."""
        designation = designation_in_force(obj.member_id, obj.event_date)
        if designation is None or not designation.pk:
            return gettext("None named on that date: the benefit goes to the member's estate.")
        people = designation.beneficiaries.all()
        if not people:
            return gettext("None named on that date: the benefit goes to the member's estate.")
        return format_html(
            "<p>{}</p><ul>{}</ul>",
            gettext("Version %(version)d, in force from %(start)s to %(end)s")
            % {
                "version": designation.version,
                "start": format_datetime(designation.valid_from),
                "end": format_datetime(designation.valid_to) if designation.valid_to else "—",
            },
            format_html_join(
                "",
                "<li>{} ({}) <code>{}</code> {}%</li>",
                ((b.name, b.get_relation_display(), b.masked_id_number, b.share) for b in people),
            ),
        )

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
        remaining = obj.checks.get("remaining_limit")
        extra = gettext("Remaining limit %(remaining)s; duplicates %(dups)s") % {
            "remaining": format_money(remaining) if remaining not in (None, "") else "—",
            "dups": punctuation("、").join(obj.checks.get("duplicates", [])) or "—",
        }
        return format_html(
            "<ul>{}</ul><p>{}</p>",
            format_html_join("", "<li>{}{}{}</li>", ((k, punctuation(":"), v) for k, v in rows)),
            extra,
        )

    # --- actions: each calls a service per selected claim (common.admin_actions) ----------

    @admin.action(description=_("Start review"), permissions=["assess"])
    def start_review(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda c: handling.claim_review_start(claim=c, actor=request.user),
            done=_done(gettext("%(n)d claims taken into review.")),
        )

    @admin.action(description=_("Request information from the member"), permissions=["assess"])
    def request_information(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Request information"),
            call=lambda c, d: handling.claim_info_request(
                claim=c, actor=request.user, reason=d["reason"]
            ),
            done=_done(gettext("Information requested on %(n)d claims.")),
        )

    @admin.action(description=_("Assess"), permissions=["assess"])
    def assess(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, gettext("Assess one claim at a time."), messages.ERROR)
            return None
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Assess the claim"),
            form_class=AssessForm,
            call=lambda c, d: handling.claim_assess(claim=c, actor=request.user, **d),
            done=_done(gettext("%(n)d claims assessed.")),
        )

    @admin.action(description=_("Send back to review"), permissions=["change"])
    def send_back(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Send back to review"),
            call=lambda c, d: handling.claim_send_back(
                claim=c, actor=request.user, reason=d["reason"]
            ),
            done=_done(gettext("%(n)d claims sent back.")),
        )

    @admin.action(description=_("Approve"), permissions=["decide"])
    def approve(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Approve"),
            form_class=OptionalReasonForm,
            call=lambda c, d: handling.claim_approve(
                claim=c, actor=request.user, reason=d["reason"]
            ),
            done=_done(gettext("%(n)d approvals recorded.")),
        )

    @admin.action(description=_("Reject"), permissions=["decide"])
    def reject(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Reject"),
            form_class=RejectForm,
            call=lambda c, d: handling.claim_reject(
                claim=c, actor=request.user, reasons=d["reasons"]
            ),
            done=_done(gettext("%(n)d claims rejected.")),
        )

    @admin.action(description=_("Pay"), permissions=["pay"])
    def pay(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda c: handling.claim_pay(claim=c, actor=request.user),
            done=_done(gettext("%(n)d claims paid.")),
        )
