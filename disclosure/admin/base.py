"""What the disclosure admins stand on: a change form whose save calls a service and
shows the service's refusal on the form's own fields (the person's input stays)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from mutualsociety.common.exceptions import DomainError
from mutualsociety.common.forms import DomainErrorFormMixin

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _ModelAdmin = ModelAdmin
else:
    _ModelAdmin = object

#: Where the refusal of the first try is kept for the second (on the request).
REFUSAL = "_disclosure_refusal"


class RefusalFormMixin(DomainErrorFormMixin):
    """A form that shows a service's refusal of the first try as its own errors."""

    refusal: DomainError | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        if self.refusal is not None:
            self.add_domain_error(self.refusal)
        return cleaned


class ServiceFormAdminMixin(_ModelAdmin):
    """For an admin whose ``save_model`` calls a service: a rule the service refuses
    (a ``DomainError``) is shown on the form's field it names, with what the person
    typed, instead of an error page.

    Django's add and change views run in one transaction: the refused try leaves nothing
    behind. The view then runs once more with the same input, and the form (a
    ``RefusalFormMixin``) adds the refusal to its errors, so Django answers the form with
    them as it does for any invalid input."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, REFUSAL, None)
        if refusal is None or not issubclass(form, RefusalFormMixin):
            return form
        return type(form.__name__, (form,), {"refusal": refusal})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            if request.method != "POST" or getattr(request, REFUSAL, None) is not None:
                raise
            setattr(request, REFUSAL, error)
            return super().changeform_view(request, object_id, form_url, extra_context)


class ShapeForm(RefusalFormMixin, forms.ModelForm):
    """A ModelForm that checks the shape of the input only; the service checks the rules."""
