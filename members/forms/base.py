"""What the portal's forms share: a form whose rules are the services' checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.forms import DomainErrorFormMixin

from ..models import AgeBand, Plan, PlanVersion

FREQUENCY_CHOICES = [
    ("monthly", _("Monthly")),
    ("quarterly", _("Quarterly")),
    ("annual", _("Annually")),
]


@dataclass(frozen=True)
class PlanOffer:
    """A plan open for enrolment, as the first step shows it."""

    plan: Plan
    version: PlanVersion
    bands: Sequence[AgeBand]

    @property
    def is_premium(self) -> bool:
        return self.plan.kind == Plan.Kind.PREMIUM


class ServiceCheckedForm(DomainErrorFormMixin, forms.Form):
    """A form whose rules are the services' check functions.

    Like every portal form it runs its service with ``call_service``
    (``DomainErrorFormMixin``), which puts a refusal on the field it names.

    Fields a service requires are not ``required`` for Django (the service's message says
    better what is missing), but they carry the HTML ``required`` attribute and are not
    labelled "optional"; the fields in ``optional_fields`` are.
    """

    optional_fields: tuple[str, ...] = ()
    # Required or not depending on another answer: neither marked required nor optional.
    conditional_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mark_required()

    def mark_required(self) -> None:
        for name, field in self.fields.items():
            if (
                name not in self.optional_fields
                and name not in self.conditional_fields
                and not isinstance(field.widget, forms.HiddenInput)
            ):
                field.widget.attrs.setdefault("required", True)

    def error_mapping(self) -> dict[str, str]:
        """Service field name → this form's field name, where they differ."""
        return {}

    def add_service_errors(
        self, fields: Mapping[str, Sequence[str]], mapping: Mapping[str, str] | None = None
    ) -> None:
        """Put a service's field errors on the form (``mapping`` renames fields).

        A field that already has an error (a date that is not a date) keeps only that one,
        so the person is not told twice about the same thing.
        """
        for name, messages in fields.items():
            target = (mapping or {}).get(name, name)
            if target not in self.fields:
                target = None
            elif target in self.errors:
                continue
            for message in messages:
                self.add_error(target, message)
