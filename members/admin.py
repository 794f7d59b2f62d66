"""Staff face of membership: plans, the application queue, members and their money.

Thin, like every face: each change of state is an admin action, a small intermediate form
or a custom page that calls a service (``members.services``); statuses, member numbers,
dates, money and decisions are read-only here; financial records and the members' event
history can never be deleted. Identity numbers are shown masked unless the user holds
``members.view_identity_number``.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable, Iterable, Iterator

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.http import HttpRequest, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin import MoneyFieldsAdminMixin
from mutualsociety.common.admin_actions import action_form_page
from mutualsociety.common.exceptions import DomainError, IdempotencyConflict
from mutualsociety.common.fields import MoneyFormField

from .models import (
    AgeBand,
    Application,
    Consent,
    ConsentDocument,
    ContributionDue,
    Coverage,
    HealthQuestion,
    Member,
    MemberEvent,
    Payment,
    PaymentAllocation,
    Plan,
    PlanVersion,
    mask_identity_number,
)
from .providers import provider_get
from .selectors import member_search
from .services.enrolment import application_accept, application_decline
from .services.imports import ImportReport, members_import
from .services.lifecycle import member_mark_deceased, member_reinstate, member_suspend
from .services.plans import plan_version_draft, plan_version_publish
from .services.profile import CONTACT_FIELDS, member_update_contact

#: How many refused rows the import page lists (the command prints them all).
IMPORT_ERRORS_SHOWN = 1000


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by services only: no add, change or delete here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


def _report_errors(modeladmin, request, obj, error: DomainError) -> None:
    modeladmin.message_user(
        request,
        gettext("%(object)s: %(message)s") % {"object": obj, "message": error.message},
        messages.ERROR,
    )


# --- Actions that need a reason ---------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Recorded with the decision in the member's history."),
    )


class DeceasedForm(ReasonForm):
    died_on = forms.DateField(
        label=_("Date of death"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_died_on(self):
        died_on = self.cleaned_data["died_on"]
        if died_on and died_on > timezone.localdate():
            raise forms.ValidationError(_("The date of death cannot be in the future."))
        return died_on


def action_with_reason(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    title: str,
    service: Callable[..., object],
    done: Callable[[int], str],
    form_class: type[ReasonForm] = ReasonForm,
):
    """Ask for a reason on an intermediate page, then call ``service(obj, **cleaned)``
    for each selected object, reporting each domain error as a message.

    The page posts the same action and selection back (with ``apply``); Django's
    changelist runs the action again with the reason this time.
    """
    if request.POST.get("select_across") != "1":
        # The rows ticked, even those the list's filter no longer shows (an application
        # a colleague decided meanwhile): the service then says why it refuses them,
        # instead of their being skipped without a word.
        queryset = modeladmin.get_queryset(request).filter(
            pk__in=request.POST.getlist(ACTION_CHECKBOX_NAME)
        )
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            count = 0
            for obj in queryset:
                try:
                    service(obj, **form.cleaned_data)
                except DomainError as error:
                    _report_errors(modeladmin, request, obj, error)
                else:
                    count += 1
            if count:
                modeladmin.message_user(request, done(count), messages.SUCCESS)
            return None
    else:
        form = form_class()
    return action_form_page(modeladmin, request, queryset, title=title, form=form)


# --- Plans ----------------------------------------------------------------------------


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
            try:
                drafts.append(
                    plan_version_draft(
                        plan=plan, effective_from=timezone.localdate(), actor=request.user
                    )
                )
            except DomainError as error:
                _report_errors(self, request, plan, error)
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
        try:
            plan_version_publish(version=version, actor=request.user)
        except DomainError as error:
            _report_errors(self, request, version, error)
            return False
        self.message_user(
            request,
            gettext("%(version)s is published; new coverages are written on it from %(date)s.")
            % {"version": version, "date": version.effective_from.isoformat()},
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


# --- Applications ---------------------------------------------------------------------


class ApplicationStatusFilter(admin.SimpleListFilter):
    """Status, showing the referred applications (the queue) unless asked otherwise."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Application.Status.choices, (self.ALL, _("All"))]

    def value(self):
        return super().value() or Application.Status.REFERRED

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        return queryset.filter(status=value)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "member_name",
        "plan",
        "status",
        "days_waiting",
        "reasons_text",
        "channel",
        "submitted_at",
    )
    list_display_links = ("id", "member_name")
    list_filter = (ApplicationStatusFilter, "channel", "plan_version__plan")
    list_select_related = ("member", "plan_version__plan")
    search_fields = ("member__member_number", "member__legal_name", "member__phone")
    ordering = ("submitted_at",)
    actions = ("accept", "decline")
    fields = (
        "member",
        "plan_version",
        "payment_frequency",
        "declaration",
        "status",
        "channel",
        "reasons_text",
        "submitted_at",
        "decided_at",
        "decided_by",
    )
    readonly_fields = fields

    @admin.display(description=_("applicant"), ordering="member__legal_name")
    def member_name(self, application: Application) -> str:
        member = application.member
        if member.member_number:
            return f"{member.legal_name} ({member.member_number})"
        return member.legal_name

    @admin.display(description=_("plan"), ordering="plan_version__plan__code")
    def plan(self, application: Application) -> str:
        return str(application.plan_version)

    @admin.display(description=_("days waiting"), ordering="-submitted_at")
    def days_waiting(self, application: Application) -> int:
        end = application.decided_at or timezone.now()
        return (end - application.submitted_at).days

    @admin.display(description=_("reasons"))
    def reasons_text(self, application: Application) -> str:
        return "; ".join(str(r) for r in application.reasons or [])

    @admin.display(description=_("health declaration"))
    def declaration(self, application: Application):
        questions = {str(q.pk): q.display_text for q in application.plan_version.questions.all()}
        answers = application.answers or {}
        if not answers:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {}</li>",
                (
                    (questions.get(key, key), gettext("yes") if yes else gettext("no"))
                    for key, yes in answers.items()
                ),
            ),
        )

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("members.change_application")

    @admin.action(description=_("Accept the selected applications"), permissions=["decide"])
    def accept(self, request, queryset):
        return action_with_reason(
            self,
            request,
            queryset,
            title=gettext("Accept applications"),
            service=lambda application, reason: application_accept(
                application=application.pk, actor=request.user, reason=reason
            ),
            done=lambda n: (
                ngettext("%(n)d application accepted.", "%(n)d applications accepted.", n)
                % {"n": n}
            ),
        )

    @admin.action(description=_("Decline the selected applications"), permissions=["decide"])
    def decline(self, request, queryset):
        return action_with_reason(
            self,
            request,
            queryset,
            title=gettext("Decline applications"),
            service=lambda application, reason: application_decline(
                application=application.pk, actor=request.user, reason=reason
            ),
            done=lambda n: (
                ngettext("%(n)d application declined.", "%(n)d applications declined.", n)
                % {"n": n}
            ),
        )


# --- Members --------------------------------------------------------------------------


def can_see_identity(request: HttpRequest) -> bool:
    return request.user.has_perm("members.view_identity_number")


class CoverageInline(ReadOnlyInline):
    model = Coverage
    fields = (
        "plan",
        "plan_version",
        "status",
        "start_date",
        "waiting_period_end",
        "term_end",
        "end_date",
        "sum_assured",
        "premium",
        "payment_frequency",
        "next_due_date",
    )
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("plan", "plan_version__plan")


class ContributionDueInline(ReadOnlyInline):
    model = ContributionDue
    verbose_name_plural = _("contributions due")
    fields = (
        "kind",
        "period_start",
        "period_end",
        "due_date",
        "grace_ends_on",
        "amount",
        "paid_amount",
        "status",
    )
    ordering = ("-due_date", "-id")


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("received_on", "amount", "allocated_amount", "provider", "reference", "recorded_by")
    ordering = ("-received_on", "-id")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


class MemberEventInline(ReadOnlyInline):
    model = MemberEvent
    verbose_name_plural = _("history")
    fields = ("at", "type", "actor", "old_value", "new_value", "reason")
    ordering = ("-at", "-id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ContactForm(forms.ModelForm):
    """Only contact details are edited here, through ``member_update_contact``."""

    class Meta:
        model = Member
        fields = CONTACT_FIELDS


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _spreadsheet_safe(value: str) -> str:
    # A cell starting with = + - @ is a formula to a spreadsheet program.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


EXPORT_COLUMNS = (
    "member_number",
    "legal_name",
    "id_type",
    "id_number",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "region",
    "address",
    "status",
    "joined_on",
    "plans",
)


def export_rows(members: Iterable[Member], *, full_identity: bool) -> Iterator[list[str]]:
    """Rows of the member export, the columns of ``EXPORT_COLUMNS`` (as the import names
    them), the identity number masked unless ``full_identity``."""
    for m in members:
        yield [
            m.member_number or "",
            _spreadsheet_safe(m.legal_name),
            m.id_type,
            m.id_number if full_identity else mask_identity_number(m.id_number),
            m.date_of_birth.isoformat(),
            m.sex,
            m.phone,
            _spreadsheet_safe(m.email),
            m.region,
            _spreadsheet_safe(m.address),
            m.status,
            m.joined_on.isoformat() if m.joined_on else "",
            " ".join(c.plan.code for c in m.live_coverages),
        ]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with a header row; the columns are listed below."),
    )
    plan = forms.ChoiceField(
        label=_("Plan"),
        required=False,
        help_text=_("For the rows whose plan column is empty (or that have none)."),
    )
    only_valid = forms.BooleanField(
        label=_("Import the valid rows even if others are refused"), required=False
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file, import nothing"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [
            ("", "—"),
            *((p.code, f"{p.code} · {p.display_name}") for p in Plan.objects.order_by("code")),
        ]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = (
        "member_number",
        "legal_name",
        "identity_masked",
        "phone",
        "region",
        "status",
        "joined_on",
    )
    list_filter = ("status", "coverages__plan", "region")
    list_per_page = 50
    search_fields = ("member_number",)  # get_search_results decides; this shows the box
    search_help_text = _(
        "Member number, name, the start of a phone number, or a whole identity number."
    )
    ordering = ("-created_at",)
    form = ContactForm
    inlines = (CoverageInline, ContributionDueInline, PaymentInline, MemberEventInline)
    actions = ("export_csv", "suspend", "reinstate", "mark_deceased")

    READONLY = (
        "member_number",
        "status",
        "status_changed_at",
        "joined_on",
        "suspended_on",
        "lapses_on",
        "withdrawal_effective_on",
        "legal_name",
        "id_type",
        "date_of_birth",
        "sex",
        "user",
        "welcome_sent_at",
        "created_at",
    )

    def get_list_display(self, request):
        if can_see_identity(request):
            return tuple(
                "identity_full" if f == "identity_masked" else f for f in self.list_display
            )
        return self.list_display

    def _identity_field(self, request) -> str:
        return "identity_full" if can_see_identity(request) else "identity_masked"

    def get_fieldsets(self, request, obj=None):
        return (
            (
                None,
                {
                    "fields": (
                        "member_number",
                        "status",
                        "status_changed_at",
                        "joined_on",
                        "suspended_on",
                        "lapses_on",
                        "withdrawal_effective_on",
                    )
                },
            ),
            (
                _("Identity (changed by staff after checking documents)"),
                {
                    "fields": (
                        "legal_name",
                        "id_type",
                        self._identity_field(request),
                        "date_of_birth",
                        "sex",
                    )
                },
            ),
            (_("Contact details"), {"fields": CONTACT_FIELDS}),
            (_("Login"), {"fields": ("user", "welcome_sent_at", "created_at")}),
        )

    def get_readonly_fields(self, request, obj=None):
        return (*self.READONLY, self._identity_field(request))

    @admin.display(description=_("identity number"))
    def identity_masked(self, member: Member) -> str:
        return member.masked_id_number

    @admin.display(description=_("identity number"), ordering="id_number")
    def identity_full(self, member: Member) -> str:
        return member.id_number

    def get_search_results(self, request, queryset, search_term):
        """``member_search``: an exact identity number matches too, which a LIKE search
        over a masked column could not do."""
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        return queryset.filter(pk__in=member_search(term).values("pk")), False

    def has_add_permission(self, request) -> bool:
        return False  # people join through enrolment or the import

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # Contact details: the one thing edited on the form, through the service.

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            member_update_contact(member=obj.pk, actor=request.user, changes=changes)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            # The service refused the change; the view's transaction was rolled back, so
            # nothing was saved. The page is shown again with the reason.
            refused = [m for field_messages in error.fields.values() for m in field_messages]
            for message in refused or [error.message]:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # Actions.

    @admin.action(description=_("Export the selected members to CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        live = [Coverage.Status.IN_FORCE, Coverage.Status.SUSPENDED]
        members = (
            queryset.order_by("pk")
            .prefetch_related(
                Prefetch(
                    "coverages",
                    queryset=Coverage.objects.filter(status__in=live).select_related("plan"),
                    to_attr="live_coverages",
                )
            )
            .iterator(chunk_size=2000)
        )
        writer = csv.writer(_Echo())
        rows = export_rows(members, full_identity=can_see_identity(request))

        def lines() -> Iterator[str]:
            # The byte-order mark makes spreadsheet programs read the file as UTF-8.
            yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
            for row in rows:
                yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        name = f"members-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def has_lifecycle_permission(self, request) -> bool:
        return request.user.has_perm("members.change_member")

    @admin.action(description=_("Suspend the selected members"), permissions=["lifecycle"])
    def suspend(self, request, queryset):
        return action_with_reason(
            self,
            request,
            queryset,
            title=gettext("Suspend memberships"),
            service=lambda member, reason: member_suspend(
                member=member.pk, actor=request.user, reason=reason
            ),
            done=lambda n: (
                ngettext("%(n)d member suspended.", "%(n)d members suspended.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Reinstate the selected members"), permissions=["lifecycle"])
    def reinstate(self, request, queryset):
        return action_with_reason(
            self,
            request,
            queryset,
            title=gettext("Reinstate memberships"),
            service=lambda member, reason: member_reinstate(
                member=member.pk, actor=request.user, reason=reason
            ),
            done=lambda n: (
                ngettext("%(n)d member reinstated.", "%(n)d members reinstated.", n) % {"n": n}
            ),
        )

    @admin.action(
        description=_("Record the death of the selected members"), permissions=["lifecycle"]
    )
    def mark_deceased(self, request, queryset):
        return action_with_reason(
            self,
            request,
            queryset,
            title=gettext("Record a death"),
            form_class=DeceasedForm,
            service=lambda member, reason, died_on: member_mark_deceased(
                member=member.pk, actor=request.user, reason=reason, died_on=died_on
            ),
            done=lambda n: (
                ngettext(
                    "The death of %(n)d member was recorded.",
                    "The deaths of %(n)d members were recorded.",
                    n,
                )
                % {"n": n}
            ),
        )

    # The import page.

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="members_member_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a CSV of members; show what was refused (line: reason) and imported."""
        if not request.user.has_perm("members.add_member"):
            raise PermissionDenied
        report: ImportReport | None = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = self._import(request, form)
        else:
            form = ImportForm()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import members"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "errors_shown": report.errors[:IMPORT_ERRORS_SHOWN] if report else [],
            "errors_hidden": max(len(report.errors) - IMPORT_ERRORS_SHOWN, 0) if report else 0,
            "columns": IMPORT_COLUMNS_HELP,
        }
        return TemplateResponse(request, "admin/members/member/import.html", context)

    def _import(self, request, form: ImportForm) -> ImportReport | None:
        upload = form.cleaned_data["file"]
        # Read as text without loading it: the service streams it row by row.
        text = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
        try:
            report = members_import(
                file=text,
                plan_code=form.cleaned_data["plan"],
                only_valid=form.cleaned_data["only_valid"],
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error("file", error.message)
            return None
        finally:
            text.detach()
        if report.imported:
            self.message_user(
                request,
                ngettext("%(n)d member imported.", "%(n)d members imported.", report.imported)
                % {"n": report.imported},
                messages.SUCCESS,
            )
        return report


#: What the import page says about the columns (the service's docstring has the rules).
IMPORT_COLUMNS_HELP = (
    ("member_number", _("optional: the number in the old system, kept; else a new one")),
    ("legal_name", _("required")),
    ("id_type", _("optional: resident_id (default), passport, hk_macao_permit, ...")),
    ("id_number", _("required; a resident identity number is checked for real")),
    ("date_of_birth", _("required, YYYY-MM-DD")),
    ("sex", _("required, F or M")),
    ("phone", _("required")),
    ("email", _("optional")),
    ("region", _("required: the 2-digit province code")),
    ("address", _("optional")),
    ("plan", _("the plan code, unless chosen above for the whole file")),
    ("payment_frequency", _("premium plans: monthly, quarterly or annual")),
    ("coverage_start", _("required, YYYY-MM-DD")),
    ("joined_on", _("optional, YYYY-MM-DD; default coverage_start")),
)


# --- Money and history ----------------------------------------------------------------


class AllocationInline(ReadOnlyInline):
    model = PaymentAllocation
    fields = ("payment", "due", "amount", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payment", "due")


@admin.register(ContributionDue)
class ContributionDueAdmin(ReadOnlyAdmin):
    list_display = (
        "member",
        "plan",
        "kind",
        "period_start",
        "period_end",
        "due_date",
        "grace_ends_on",
        "amount",
        "paid_amount",
        "status",
    )
    list_filter = ("status", "kind", "due_date")
    date_hierarchy = "due_date"
    list_select_related = ("member", "coverage__plan")
    search_fields = ("member__member_number", "member__legal_name")
    inlines = (AllocationInline,)

    @admin.display(description=_("plan"), ordering="coverage__plan__code")
    def plan(self, due: ContributionDue) -> str:
        return due.coverage.plan.code


class PaymentRecordForm(forms.Form):
    """Shape only: the service checks the amount, the date, the member's status."""

    member_number = forms.CharField(label=_("Member number"), max_length=20)
    amount = MoneyFormField(label=_("Amount"))
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    provider = forms.ChoiceField(label=_("Provider"), choices=Payment.Provider.choices)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_("The bank's transaction reference, or a receipt number."),
    )
    # A new key each time the empty form is shown: sending the same form twice (a double
    # click, a reload) records one payment.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def clean_member_number(self) -> Member:
        number = self.cleaned_data["member_number"].strip()
        # Imported numbers keep the old system's letters as they were: match any case.
        member = Member.objects.filter(member_number__iexact=number).first()
        if member is None:
            raise forms.ValidationError(
                _("No member has the number %(number)s."), params={"number": number}
            )
        return member

    def add_domain_error(self, error: DomainError) -> None:
        rename = {"member": "member_number"}
        if not error.fields:
            self.add_error(None, error.message)
        for name, field_messages in error.fields.items():
            name = rename.get(name, name)
            visible = name in self.fields and not self.fields[name].widget.is_hidden
            for message in field_messages:
                self.add_error(name if visible else None, message)


def new_payment_key() -> str:
    return f"admin:{uuid.uuid4()}"


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "received_on",
        "member",
        "amount",
        "allocated_amount",
        "provider",
        "reference",
        "recorded_by",
        "created_at",
    )
    list_filter = ("provider", "received_on")
    date_hierarchy = "received_on"
    list_select_related = ("member", "recorded_by")
    search_fields = ("member__member_number", "member__legal_name", "reference")
    inlines = (AllocationInline,)

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("members.add_payment")

    def add_view(self, request, form_url="", extra_context=None):
        """Record a payment through ``payment_record`` (not a model form)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = PaymentRecordForm(request.POST)
            if form.is_valid():
                response = self._record(request, form)
                if response is not None:
                    return response
        else:
            form = PaymentRecordForm(
                initial={
                    "idempotency_key": new_payment_key(),
                    "received_on": timezone.localdate(),
                    "provider": Payment.Provider.BANK_TRANSFER,
                }
            )
        return self._render_form(request, form)

    def _record(self, request, form: PaymentRecordForm):
        data = form.cleaned_data
        key = data["idempotency_key"]
        try:
            # Whatever the provider, its receipt goes through payment_record.
            payment = provider_get(data["provider"]).confirm(
                member=data["member_number"],
                amount=data["amount"],
                received_on=data["received_on"],
                reference=data["reference"],
                idempotency_key=key,
                actor=request.user,
            )
        except IdempotencyConflict:
            # This form was sent before with other details: recording it now would be a
            # second payment, so the operator confirms it with a fresh key.
            fresh = request.POST.copy()
            fresh["idempotency_key"] = new_payment_key()
            form = PaymentRecordForm(fresh)
            form.is_valid()
            form.add_error(
                None,
                gettext(
                    "This form was sent already and recorded a payment with other details. "
                    "Check these details and send them again to record a second payment."
                ),
            )
            return self._render_form(request, form)
        except DomainError as error:
            form.add_domain_error(error)
            return None
        if payment.replayed:  # the service says whether this call recorded it
            self.message_user(
                request,
                gettext("This payment was recorded already; it was not recorded twice."),
                messages.WARNING,
            )
        else:
            self.log_addition(request, payment, [{"added": {}}])
            self.message_user(
                request,
                gettext("Payment of %(amount)s from %(member)s recorded.")
                % {"amount": payment.amount, "member": payment.member},
                messages.SUCCESS,
            )
        return redirect("admin:members_payment_change", payment.pk)

    def _render_form(self, request, form):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Record a payment"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/members/payment/record.html", context)


@admin.register(Coverage)
class CoverageAdmin(ReadOnlyAdmin):
    list_display = (
        "member",
        "plan",
        "plan_version",
        "status",
        "start_date",
        "waiting_period_end",
        "sum_assured",
        "premium",
        "payment_frequency",
        "next_due_date",
    )
    list_filter = ("status", "plan")
    list_select_related = ("member", "plan", "plan_version__plan")
    search_fields = ("member__member_number", "member__legal_name")


@admin.register(MemberEvent)
class MemberEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "member", "type", "actor", "old_value", "new_value", "reason")
    list_filter = ("type", "at")
    date_hierarchy = "at"
    list_select_related = ("member", "actor")
    search_fields = ("member__member_number", "member__legal_name")
