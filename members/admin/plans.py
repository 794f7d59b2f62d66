"""Plans and their versions, and the documents members consent to.

A version is edited while it is a draft and published by an action (``Publish``, or
"Save and publish" on its page) that calls ``plan_version_publish``; a change to a plan's
terms starts as a copy ("Start a new draft version", ``plan_version_draft``).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin import MoneyFieldsAdminMixin
from mutualsociety.common.admin_actions import call_service
from mutualsociety.common.display import format_date

from ..models import AgeBand, Consent, ConsentDocument, HealthQuestion, Plan, PlanVersion
from ..services.plans import plan_version_draft, plan_version_publish
from .base import ReadOnlyInline


class PlanVersionInline(ReadOnlyInline):
    model = PlanVersion
    fields = (
        "number",
        "status",
        "effective_from",
        "published_at",
        "min_entry_age",
        "max_entry_age",
        "waiting_period_days",
    )
    ordering = ("-number",)
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "kind", "is_open", "version_in_force")
    list_filter = ("kind", "is_open")
    search_fields = ("code", "name", "name_en")
    inlines = (PlanVersionInline,)
    actions = ("start_draft",)

    def get_queryset(self, request):
        in_force = PlanVersion.objects.filter(
            plan=OuterRef("pk"),
            status=PlanVersion.Status.PUBLISHED,
            effective_from__lte=timezone.localdate(),
        ).order_by("-effective_from", "-number")
        return (
            super().get_queryset(request).annotate(in_force=Subquery(in_force.values("number")[:1]))
        )

    @admin.display(description=_("version in force"), ordering="in_force")
    def version_in_force(self, plan: Plan):
        return plan.in_force or "—"

    def get_readonly_fields(self, request, obj=None):
        # Coverages were written under this code and kind; they stay what they were.
        if obj is not None and obj.versions.exists():
            return ("code", "kind", "created_at")
        return ("created_at",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # close it to new members instead (is_open)

    def has_draft_permission(self, request) -> bool:
        return request.user.has_perm("members.add_planversion")

    @admin.action(description=_("Start a new draft version"), permissions=["draft"])
    def start_draft(self, request, queryset):
        drafts = []
        for plan in queryset:
            draft = call_service(
                self,
                request,
                plan_version_draft,
                obj=plan,
                plan=plan,
                effective_from=timezone.localdate(),
                actor=request.user,
            )
            if draft is not None:
                drafts.append(draft)
        for draft in drafts:
            self.message_user(
                request,
                gettext("Draft %(version)s started; edit it, then publish it.")
                % {"version": draft},
                messages.SUCCESS,
            )
        if len(drafts) == 1:
            return redirect("admin:members_planversion_change", drafts[0].pk)
        return None


def _is_draft(version: PlanVersion | None) -> bool:
    return version is None or version.status == PlanVersion.Status.DRAFT


class DraftOnlyInline(admin.TabularInline):
    """Editable while the version is a draft; read-only once it is published."""

    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_draft(obj) and super().has_delete_permission(request, obj)


class AgeBandInline(MoneyFieldsAdminMixin, DraftOnlyInline):
    model = AgeBand
    fields = (
        "min_age",
        "max_age",
        "sum_assured",
        "premium_monthly",
        "premium_quarterly",
        "premium_annual",
    )


class HealthQuestionInline(DraftOnlyInline):
    model = HealthQuestion
    fields = ("order", "text", "text_en", "yes_outcome")


@admin.register(PlanVersion)
class PlanVersionAdmin(MoneyFieldsAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "plan", "status", "effective_from", "published_at", "published_by")
    list_filter = ("status", "plan")
    list_select_related = ("plan", "published_by")
    search_fields = ("plan__code", "plan__name", "plan__name_en")
    inlines = (AgeBandInline, HealthQuestionInline)
    actions = ("publish",)
    readonly_fields = ("plan", "number", "status", "published_at", "published_by")
    fieldsets = (
        (None, {"fields": ("plan", "number", "status", "effective_from")}),
        (
            _("Entry and cover"),
            {
                "fields": (
                    "min_entry_age",
                    "max_entry_age",
                    "waiting_period_days",
                    "accidents_exempt_from_waiting",
                    "claim_reporting_deadline_days",
                )
            },
        ),
        (
            _("Premium plans"),
            {"fields": ("policy_term_months", "auto_renew", "grace_period_days")},
        ),
        (
            _("Mutual aid plans"),
            {"fields": ("management_fee_rate", "annual_cap", "apportionment_days")},
        ),
        (
            _("Claims, public notice and review panels"),
            {
                "fields": (
                    "claim_approval_threshold",
                    "claim_appeal_days",
                    "public_notice_days",
                    "public_notice_for_insurance",
                    "objection_threshold",
                    "panel_size",
                    "panel_quorum",
                    "panel_vote_days",
                    "panel_min_tenure_days",
                )
            },
        ),
        (
            _("Membership"),
            {"fields": ("lapse_after_days", "withdrawal_notice_days")},
        ),
        (_("Benefit schedule"), {"fields": ("benefit_schedule", "benefit_schedule_en")}),
        (_("Publication"), {"fields": ("published_at", "published_by")}),
    )

    def has_add_permission(self, request) -> bool:
        return False  # a version starts as a copy: "Start a new draft version" on the plan

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is not None and _is_draft(obj) and super().has_delete_permission(request, obj)

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("members.change_planversion")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # only a draft may go, from its own page
        return actions

    @admin.action(description=_("Publish"), permissions=["publish"])
    def publish(self, request, queryset):
        for version in queryset.select_related("plan"):
            self._publish(request, version)

    def _publish(self, request, version: PlanVersion) -> bool:
        published = call_service(
            self, request, plan_version_publish, obj=version, version=version, actor=request.user
        )
        if published is None:
            return False
        self.message_user(
            request,
            gettext("%(version)s is published; new coverages are written on it from %(date)s.")
            % {"version": version, "date": format_date(version.effective_from)},
            messages.SUCCESS,
        )
        return True

    def response_change(self, request, obj):
        # "Save and publish" on a draft's page: the edits are saved first.
        if "_publish" in request.POST and self.has_publish_permission(request):
            self._publish(request, obj)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(admin.ModelAdmin):
    """A document members consented to is kept as it was: a correction is a new version."""

    list_display = ("kind", "version", "title", "effective_from", "in_use")
    list_filter = ("kind",)
    search_fields = ("version", "title", "title_en")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(consented=Exists(Consent.objects.filter(document=OuterRef("pk"))))
        )

    @admin.display(description=_("consented to"), boolean=True, ordering="consented")
    def in_use(self, document: ConsentDocument) -> bool:
        return document.consented

    @staticmethod
    def _in_use(document: ConsentDocument | None) -> bool:
        if document is None or document.effective_from > timezone.localdate():
            return False
        consented = getattr(document, "consented", None)
        if consented is None:
            consented = Consent.objects.filter(document=document).exists()
        return consented

    def has_change_permission(self, request, obj=None) -> bool:
        return not self._in_use(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._in_use(obj) and super().has_delete_permission(request, obj)
