"""Portal forms: they check shape only; the services decide (and their errors come back
to the field they name through ``DomainErrorFormMixin``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.fields import MoneyFormField
from mutualsociety.common.forms import DomainErrorFormMixin, MultipleFileField

from .models import Claim, ReviewPanel
from .services.intake import ClaimData, Upload


def uploads(files) -> list[Upload]:
    """The files as uploads; nothing is read here (the service checks the size first)."""
    return [Upload.of(f) for f in files or []]


class ClaimForm(DomainErrorFormMixin, forms.Form):
    """The claim as the member types it. The service says what is missing or wrong, field
    by field (``claim_submit``): fields it requires are not required for Django, whose
    generic message would name nothing, but carry the HTML ``required`` attribute and are
    not labelled optional; only ``optional_fields`` are (pattern: the enrolment forms)."""

    optional_fields = ("documents",)

    coverage = forms.TypedChoiceField(
        label=_("Coverage"), coerce=int, required=False, empty_value=None
    )
    kind = forms.ChoiceField(label=_("Kind of event"), choices=Claim.Kind.choices, required=False)
    event_date = forms.DateField(
        label=_("Date of diagnosis or accident"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
    )
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    amount_claimed = MoneyFormField(label=_("Amount claimed (yuan)"), required=False)
    bank_account_name = forms.CharField(label=_("Account holder"), max_length=100, required=False)
    bank_account_number = forms.CharField(
        label=_("Bank account number"), max_length=40, required=False
    )
    documents = MultipleFileField(
        label=_("Supporting documents"),
        required=False,
        help_text=_("PDF, JPEG or PNG: diagnosis, hospital records, invoices."),
    )

    def __init__(self, *args, coverages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coverage"].choices = [
            (c.pk, f"{c.plan.display_name} · {c.get_status_display()}") for c in coverages
        ]
        for name, field in self.fields.items():
            if name not in self.optional_fields:
                field.widget.attrs.setdefault("required", True)

    def claim_data(self) -> ClaimData:
        """The cleaned fields as the service's typed input."""
        data = self.cleaned_data
        return ClaimData(
            coverage=data["coverage"],
            kind=data["kind"],
            event_date=data["event_date"],
            description=data["description"],
            amount_claimed=data["amount_claimed"],
            bank_account_name=data["bank_account_name"],
            bank_account_number=data["bank_account_number"],
        )

    def uploads(self) -> list[Upload]:
        return uploads(self.cleaned_data["documents"])


class ReasonForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class OptionalReasonForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
    )


class DocumentForm(DomainErrorFormMixin, forms.Form):
    file = forms.FileField(label=_("Document"), help_text=_("PDF, JPEG or PNG."))


class VoteForm(DomainErrorFormMixin, forms.Form):
    vote = forms.ChoiceField(
        label=_("Your vote"), choices=ReviewPanel.Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Your reasons (published without your name)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
