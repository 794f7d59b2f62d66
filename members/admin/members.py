"""Members: search, masked identity numbers, contact details, lifecycle actions, history.

Only contact details are edited on a member's page, through ``member_update_contact``;
suspension, reinstatement and a death are actions with a reason, each calling its
service (``mutualsociety.common.admin_actions``). Coverage and the history are read-only.
The export and the import page are ``files``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.admin.mixins import EventValueColumns, ServiceSavesAdminMixin
from mutualsociety.common.admin_actions import ReasonForm, action_with_form

from ..models import ContributionDue, Coverage, Member, MemberEvent, Payment
from ..selectors import member_search
from ..services.lifecycle import member_mark_deceased, member_reinstate, member_suspend
from ..services.profile import CONTACT_FIELDS, member_update_contact
from .base import ReadOnlyAdmin, ReadOnlyInline, can_see_identity
from .files import MemberFilesMixin


class DeceasedForm(ReasonForm):
    """How the death was established, and its date when known (not in the future)."""

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


class MemberEventInline(EventValueColumns, ReadOnlyInline):
    model = MemberEvent
    verbose_name_plural = _("history")
    value_choices = (Member.Status, Coverage.Status)
    fields = ("at", "type", "actor", "old_display", "new_display", "reason")
    ordering = ("-at", "-id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ContactForm(forms.ModelForm):
    """Only contact details are edited here, through ``member_update_contact``."""

    class Meta:
        model = Member
        fields = CONTACT_FIELDS


@admin.register(Member)
class MemberAdmin(ServiceSavesAdminMixin, MemberFilesMixin, admin.ModelAdmin):
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
        "A whole member number or identity number, the start of a phone number, or a "
        "name: any part of it from three characters on, its start when shorter."
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

    # Actions.

    def has_lifecycle_permission(self, request) -> bool:
        return request.user.has_perm("members.change_member")

    @admin.action(description=_("Suspend the selected members"), permissions=["lifecycle"])
    def suspend(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Suspend memberships"),
            call=lambda member, data: member_suspend(
                member=member.pk, actor=request.user, reason=data["reason"]
            ),
            done=lambda n: (
                ngettext("%(n)d member suspended.", "%(n)d members suspended.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Reinstate the selected members"), permissions=["lifecycle"])
    def reinstate(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Reinstate memberships"),
            call=lambda member, data: member_reinstate(
                member=member.pk, actor=request.user, reason=data["reason"]
            ),
            done=lambda n: (
                ngettext("%(n)d member reinstated.", "%(n)d members reinstated.", n) % {"n": n}
            ),
        )

    @admin.action(
        description=_("Record the death of the selected members"), permissions=["lifecycle"]
    )
    def mark_deceased(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Record a death"),
            form_class=DeceasedForm,
            call=lambda member, data: member_mark_deceased(
                member=member.pk,
                actor=request.user,
                reason=data["reason"],
                died_on=data["died_on"],
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
class MemberEventAdmin(EventValueColumns, ReadOnlyAdmin):
    list_display = ("at", "member", "type", "actor", "old_display", "new_display", "reason")
    value_choices = (Member.Status, Coverage.Status)
    list_filter = ("type", "at")
    date_hierarchy = "at"
    list_select_related = ("member", "actor")
    search_fields = ("member__member_number", "member__legal_name")
