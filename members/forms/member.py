"""The member's own pages: contact details and withdrawal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.forms import DomainErrorFormMixin

from .base import ServiceCheckedForm
from .enrolment import PersonForm


class ContactForm(ServiceCheckedForm):
    phone = PersonForm.base_fields["phone"]
    email = PersonForm.base_fields["email"]
    region = PersonForm.base_fields["region"]
    address = PersonForm.base_fields["address"]
    optional_fields = ("email", "address")

    def changes(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class WithdrawForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why are you leaving?"),
        required=False,
        max_length=1000,
        help_text=_("Optional. It helps the society improve."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("I understand the consequences and want to withdraw from the society."),
        error_messages={"required": _("Tick the box to confirm that you want to withdraw.")},
    )
