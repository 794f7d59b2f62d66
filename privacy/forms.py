"""The portal's request form: shape only; the rules are ``privacy_request_submit``'s."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.forms import DomainErrorFormMixin

from .models import CorrectionField, DeletionItem, PrivacyRequest


class PrivacyRequestForm(DomainErrorFormMixin, forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    kind = forms.ChoiceField(
        label=_("What do you ask for?"),
        choices=PrivacyRequest.Kind.choices,
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    field = forms.ChoiceField(
        label=_("Which detail is wrong? (correction)"),
        choices=[("", "—"), *CorrectionField.choices],
        required=False,
    )
    value = forms.CharField(
        label=_("What it should be (correction)"),
        max_length=300,
        required=False,
        help_text=_("A date as YYYY-MM-DD; sex as F or M."),
    )
    items = forms.MultipleChoiceField(
        label=_("What should be deleted? (deletion)"),
        choices=DeletionItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        help_text=_(
            "Records the law requires the society to keep are not deleted; you are told "
            "which and why."
        ),
    )
    details = forms.CharField(
        label=_("Anything else we should know (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
