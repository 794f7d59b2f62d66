"""The beneficiaries page: the designation as a whole (``DesignationForm``) and one form
per person (``BeneficiaryFormSet``). They check shape only; the rules (identity numbers
as at enrolment, shares adding up to 100.00, a change based on the version in force) are
the service's (``designation_change``), whose errors land on the row and field they name
(``designation_errors_apply``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.forms import DomainErrorFormMixin

from ..models import Beneficiary, Designation
from ..services.beneficiaries import BENEFICIARIES_MAX, BeneficiaryData
from .enrolment import PersonForm


class DesignationForm(DomainErrorFormMixin, forms.Form):
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For your own record: why you made this change."),
    )


class BeneficiaryForm(forms.Form):
    keep = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("As written on their identity document."),
    )
    relation = forms.ChoiceField(
        label=_("Relation to you"),
        choices=[("", "—"), *Beneficiary.Relation.choices],
        required=False,
    )
    # The identity fields of enrolment: the same labels, choices and input hints.
    id_type = PersonForm.base_fields["id_type"]
    id_number = PersonForm.base_fields["id_number"]
    share = forms.DecimalField(
        label=_("Share (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "max": "100"}),
    )

    def has_content(self) -> bool:
        data = self.cleaned_data
        return any(data.get(name) not in (None, "") for name in ("name", "id_number", "share"))

    def row(self) -> BeneficiaryData:
        data = self.cleaned_data
        share = data.get("share")
        return BeneficiaryData(
            name=data.get("name") or "",
            relation=data.get("relation") or "",
            id_type=data.get("id_type") or "",
            id_number=data.get("id_number") or "",
            share=share if share is not None else "",
            keep=data.get("keep"),
        )


BeneficiaryFormSet = forms.formset_factory(
    BeneficiaryForm, extra=2, max_num=BENEFICIARIES_MAX, validate_max=True
)


def designation_initial(designation: Designation | None) -> list[dict]:
    """The rows of the version in force as the form starts: never the stored identity
    number (left empty, it is kept; the masked one is shown beside the field)."""
    if designation is None:
        return []
    return [
        {
            "keep": b.pk,
            "name": b.name,
            "relation": b.relation,
            "id_type": b.id_type,
            "share": b.share,
            "masked": b.masked_id_number,
        }
        for b in designation.beneficiaries.all()
    ]


def designation_rows(formset) -> list[BeneficiaryData]:
    """The filled-in rows of a valid formset, in order (empty rows are skipped)."""
    return [form.row() for form in formset.forms if form.is_valid() and form.has_content()]


def designation_errors_apply(
    *, form: DesignationForm, formset, fields: Mapping[str, Sequence[str]], message: str
) -> None:
    """Put the service's errors where they belong: ``<row>-<field>`` on that row's field,
    anything else (the shares' total) on the designation as a whole."""
    filled = [f for f in formset.forms if f.is_valid() and f.has_content()]
    placed = False
    for name, messages in fields.items():
        index, _sep, field = name.partition("-")
        if index.isdigit() and field and int(index) < len(filled):
            target = filled[int(index)]
            for text in messages:
                target.add_error(field if field in target.fields else None, text)
            placed = True
        else:
            for text in messages:
                form.add_error(None, text)
            placed = True
    if not placed:
        form.add_error(None, message)
