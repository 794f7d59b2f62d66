"""The society's settings in the admin: the particulars, the bank account members pay
into (maker-checker) and the security switch, each saved through its owner's service;
the proposed bank accounts and the society's history."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .. import services
from ..admin_actions import ReasonForm, action_with_form, for_each
from ..fields import MoneyFormField
from ..models import BankAccountChange, Society, SocietyEvent
from .mixins import ServiceSavesAdminMixin

PROTECTED_FIELDS = (*Society.PAYMENT_FIELDS, *Society.SECURITY_FIELDS, *Society.LIMIT_FIELDS)


class SocietyForm(forms.ModelForm):
    """The society's form; a reason is asked for whenever a protected setting changes."""

    change_reason = forms.CharField(
        label=_("Reason for changing the bank account or security settings"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Recorded with the change in the society's history."),
    )

    def clean(self):
        cleaned = super().clean()
        protected = [name for name in self.changed_data if name in PROTECTED_FIELDS]
        if protected and not (self.cleaned_data.get("change_reason") or "").strip():
            self.add_error(
                "change_reason", _("Say why the bank account or security settings change.")
            )
        return cleaned


@admin.register(Society)
class SocietyAdmin(ServiceSavesAdminMixin, admin.ModelAdmin):
    """The society's identity. One row: it can be changed, never added or deleted.

    Whoever holds ``common.change_society`` (the board secretary) edits the particulars;
    the bank account members pay into is edited only by finance
    (``common.change_society_payment_details``), and then only proposed: another person
    approves it under Bank account changes; the security switch only by the administrator
    (``common.change_society_security``). Everyone else sees those fields read-only.
    """

    form = SocietyForm
    list_display = ("display_name", "kind", "founded_on", "require_staff_two_factor")

    def get_fieldsets(self, request, obj=None):
        shown = {
            "registration_number",
            "registered_address",
            "contact_email",
            "contact_phone",
            "introduction",
            "introduction_en",
            "name",
            "name_en",
            "kind",
            "scope",
            "founded_on",
            *PROTECTED_FIELDS,
        }
        # Fields later added to the model (parameters) are shown too, under Parameters.
        others = tuple(
            f.name
            for f in Society._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in shown
        )
        fieldsets = [
            (None, {"fields": ("name", "name_en", "kind", "scope", "founded_on")}),
            (
                _("Registration and contact"),
                {
                    "fields": (
                        "registration_number",
                        "registered_address",
                        "contact_email",
                        "contact_phone",
                    )
                },
            ),
            (
                _("Bank account for contributions"),
                {
                    "fields": (*Society.PAYMENT_FIELDS, "pending_bank_account_change"),
                    "description": _(
                        "Changed by finance only, and only once a second person approves "
                        "it; members see the current account until then."
                    ),
                },
            ),
            (_("Home page"), {"fields": ("introduction", "introduction_en")}),
            (
                _("Security"),
                {
                    "fields": (*Society.SECURITY_FIELDS, *Society.LIMIT_FIELDS),
                    "description": _("Changed by the administrator only."),
                },
            ),
        ]
        if others:
            fieldsets.insert(4, (_("Parameters"), {"fields": others}))
        if self._may_change_protected(request):
            fieldsets.append((_("Reason"), {"fields": ("change_reason",)}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not self._may_change_protected(request):
            form.base_fields.pop("change_reason", None)  # a new class per call: safe
        return form

    def _may_change_protected(self, request) -> bool:
        return request.user.has_perm(services.PAYMENT_PERM) or request.user.has_perm(
            services.SECURITY_PERM
        )

    def get_readonly_fields(self, request, obj=None):
        user = request.user
        readonly = ["pending_bank_account_change"]
        if not user.has_perm("common.change_society"):
            readonly += [
                f.name
                for f in Society._meta.concrete_fields
                if f.editable and not f.primary_key and f.name not in PROTECTED_FIELDS
            ]
        if not user.has_perm(services.PAYMENT_PERM):
            readonly += Society.PAYMENT_FIELDS
        if not user.has_perm(services.SECURITY_PERM):
            readonly += [*Society.SECURITY_FIELDS, *Society.LIMIT_FIELDS]
        return readonly

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) or self._may_change_protected(request)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "max_single_amount":
            return db_field.formfield(form_class=MoneyFormField, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("waiting for approval"))
    def pending_bank_account_change(self, society: Society) -> str:
        pending = BankAccountChange.objects.filter(status=BankAccountChange.Status.PENDING).first()
        if pending is None:
            return "—"
        url = reverse("admin:common_bankaccountchange_change", args=[pending.pk])
        return format_html(
            '<a href="{}">{}</a> ({})', url, pending.new_account, pending.proposed_by
        )

    def save_model(self, request, obj, form, change):
        """Each kind of change goes to the service of its owner; protected fields are never
        saved from the form itself."""
        changed = form.changed_data
        reason = form.cleaned_data.get("change_reason", "")
        general = {
            name: form.cleaned_data[name]
            for name in changed
            if name not in PROTECTED_FIELDS and name != "change_reason"
        }
        if general:
            services.society_update(actor=request.user, changes=general)
        if any(name in changed for name in Society.PAYMENT_FIELDS):
            services.society_bank_account_propose(
                actor=request.user,
                reason=reason,
                **{name: form.cleaned_data[name] for name in Society.PAYMENT_FIELDS},
            )
            self.message_user(
                request,
                gettext(
                    "The new bank account waits for another person's approval (Bank "
                    "account changes); members are shown the current one until then."
                ),
                messages.WARNING,
            )
        if "max_single_amount" in changed:
            services.society_limit_change(
                actor=request.user,
                max_single_amount=form.cleaned_data["max_single_amount"],
                reason=reason,
            )
        if "require_staff_two_factor" in changed:
            services.society_security_change(
                actor=request.user,
                require_staff_two_factor=form.cleaned_data["require_staff_two_factor"],
                reason=reason,
            )

    def construct_change_message(self, request, form, formsets, add=False):
        """Only the particulars: the services wrote their own history entries for the bank
        account and the security setting, with the values and the reason. Labels are
        stored untranslated, as Django's own messages are."""
        changed = [
            name
            for name in form.changed_data
            if name not in PROTECTED_FIELDS and name != "change_reason"
        ]
        with translation.override(None):
            labels = [str(form.fields[name].label or name) for name in changed]
        return [{"changed": {"fields": labels}}] if labels else []

    def log_change(self, request, obj, message):
        if not message:
            return None  # nothing but protected settings changed; their services logged it
        return super().log_change(request, obj, message)


class RejectForm(ReasonForm):
    """Why a proposed bank account is rejected."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _("Recorded with the decision in the society's history.")


@admin.register(BankAccountChange)
class BankAccountChangeAdmin(admin.ModelAdmin):
    """Proposed bank accounts: a second person from finance approves or rejects them; the
    proposer may withdraw theirs. Nothing is edited or deleted here."""

    list_display = (
        "proposed_at",
        "status",
        "old_account",
        "new_account",
        "proposed_by",
        "decided_by",
        "decided_at",
    )
    list_filter = ("status",)
    list_select_related = ("proposed_by", "decided_by")
    readonly_fields = (
        "status",
        "old_account",
        "new_account",
        "reason",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "decision_reason",
    )
    fields = readonly_fields
    actions = ("approve", "reject", "withdraw")

    def has_add_permission(self, request) -> bool:
        return False  # proposed on the society's form

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) or self.has_payment_permission(request)

    def has_payment_permission(self, request) -> bool:
        return request.user.has_perm(services.PAYMENT_PERM)

    @admin.display(description=_("before"))
    def old_account(self, change: BankAccountChange) -> str:
        return change.old_account

    @admin.display(description=_("after"))
    def new_account(self, change: BankAccountChange) -> str:
        return change.new_account

    @admin.action(
        description=_("Approve: members pay into the new account"), permissions=["payment"]
    )
    def approve(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda c: services.society_bank_account_approve(change=c, actor=request.user),
            done=lambda n: gettext("%(n)d bank account changes approved.") % {"n": n},
        )

    @admin.action(description=pgettext_lazy("proposed change", "Reject"), permissions=["payment"])
    def reject(self, request, queryset):
        return action_with_form(
            self,
            request,
            queryset,
            title=gettext("Reject the bank account change"),
            form_class=RejectForm,
            call=lambda c, data: services.society_bank_account_reject(
                change=c, actor=request.user, reason=data["reason"]
            ),
            done=lambda n: gettext("%(n)d bank account changes rejected.") % {"n": n},
        )

    @admin.action(description=_("Withdraw my proposal"), permissions=["payment"])
    def withdraw(self, request, queryset):
        for_each(
            self,
            request,
            queryset,
            lambda c: services.society_bank_account_withdraw(change=c, actor=request.user),
            done=lambda n: gettext("%(n)d bank account changes withdrawn.") % {"n": n},
        )


@admin.register(SocietyEvent)
class SocietyEventAdmin(admin.ModelAdmin):
    """The history of the society's protected settings; append-only."""

    list_display = ("at", "type", "actor", "field", "old_value", "new_value", "reason")
    list_filter = ("type",)
    list_select_related = ("actor",)
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
