"""The member's own pages: contact details, withdrawal, notification settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.forms import DomainErrorFormMixin

from ..models import Member, Topic
from ..models.notifications import ALWAYS_EMAILED
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


class NotificationPreferencesForm(DomainErrorFormMixin, forms.Form):
    """E-mail and SMS per topic: ``<topic>_email`` and ``<topic>_sms`` checkboxes. The
    SMS boxes are there only when the member has a mobile number on file; membership
    messages are always e-mailed (their box is ticked and cannot be changed)."""

    def __init__(self, *args, member: Member, current: dict[str, tuple[bool, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.rows: list[dict] = []
        for topic, label in Topic.choices:
            email, sms = current.get(topic, (True, False))
            always = topic in ALWAYS_EMAILED
            self.fields[f"{topic}_email"] = forms.BooleanField(
                label=_("E-mail"), required=False, initial=email or always, disabled=always
            )
            if member.phone:
                self.fields[f"{topic}_sms"] = forms.BooleanField(
                    label=_("SMS"), required=False, initial=sms
                )
            self.rows.append(
                {
                    "topic": topic,
                    "label": label,
                    "always": always,
                    "email": self[f"{topic}_email"],
                    "sms": self[f"{topic}_sms"] if member.phone else None,
                }
            )

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {
            topic: (
                bool(data.get(f"{topic}_email")) or topic in ALWAYS_EMAILED,
                bool(data.get(f"{topic}_sms")),
            )
            for topic in Topic.values
        }
