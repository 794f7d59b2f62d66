"""Money: amounts due (read-only) and payments, recorded through ``payment_record``.

A payment is recorded on its own page (not a model form): the form checks the shape, the
provider's ``confirm`` calls the service; a form sent twice records one payment (a new
idempotency key each time the empty form is shown).
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.display import format_money
from mutualsociety.common.exceptions import DomainError, IdempotencyConflict
from mutualsociety.common.fields import MoneyFormField
from mutualsociety.common.forms import DomainErrorFormMixin

from ..models import ContributionDue, Member, Payment, PaymentAllocation
from ..providers import provider_get
from .base import ReadOnlyAdmin, ReadOnlyInline


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


class PaymentRecordForm(DomainErrorFormMixin, forms.Form):
    """Shape only: the service checks the amount, the date, the member's status."""

    domain_error_fields = {"member": "member_number"}

    member_number = forms.CharField(label=_("Member number"), max_length=20)
    amount = MoneyFormField(label=_("Amount"))
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    provider = forms.ChoiceField(
        label=_("Provider"), choices=[(p.value, p.label) for p in Payment.RECORDED_PROVIDERS]
    )
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
                % {"amount": format_money(payment.amount), "member": payment.member},
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
