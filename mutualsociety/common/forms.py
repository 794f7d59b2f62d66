from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from django import forms
from django.forms.fields import InvalidJSONInput
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError

from .exceptions import DomainError
from .parsers import MAX_DEPTH, json_depth_check

T = TypeVar("T")


class _Form(Protocol):
    """What the mixin uses of the form it is mixed into (``forms.Form``)."""

    @property
    def fields(self) -> Mapping[str, Any]: ...

    def add_error(self, field: str | None, error: Any) -> None: ...


class DomainErrorFormMixin:
    """Run a service from a form's view and turn its DomainError into form errors.

    ``form.call_service(service, **kwargs)`` returns the service's result, or ``None``
    after adding the error to the field it names (or to the form as a whole).
    """

    def call_service(self: _Form, service: Callable[..., T], **kwargs: Any) -> T | None:
        try:
            return service(**kwargs)
        except DomainError as error:
            if error.fields:
                for name, messages in error.fields.items():
                    target = name if name in self.fields else None
                    for message in messages:
                        self.add_error(target, message)
            else:
                self.add_error(None, error.message)
            return None


class DepthLimitedJSONField(forms.JSONField):
    """A JSON form field that refuses nesting deeper than the API's parser takes, before
    ``json.loads`` recurses (a RecursionError is a 500)."""

    def _too_deep(self, value) -> bool:
        if not isinstance(value, str):
            return False
        try:
            json_depth_check(value)
        except ParseError:
            return True
        return False

    def to_python(self, value):
        if not self.disabled and self._too_deep(value):
            raise forms.ValidationError(
                _("Enter valid JSON, at most %(depth)s levels deep.") % {"depth": MAX_DEPTH},
                code="invalid",
            )
        return super().to_python(value)

    def bound_data(self, data, initial):
        if not self.disabled and self._too_deep(data):
            return InvalidJSONInput(data)
        return super().bound_data(data, initial)
