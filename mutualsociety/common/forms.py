from __future__ import annotations

import json
import math
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

    domain_error_fields: Mapping[str, str]

    @property
    def fields(self) -> Mapping[str, Any]: ...

    def add_error(self, field: str | None, error: Any) -> None: ...

    def add_domain_error(self, error: DomainError) -> None: ...


class DomainErrorFormMixin:
    """Run a service from a form's view and turn its DomainError into form errors.

    ``form.call_service(service, **kwargs)`` returns the service's result, or ``None``
    after adding the error to the field it names (or to the form as a whole).
    ``form.add_domain_error(error)`` does the second half for a view that catches the
    error itself (to treat one kind apart first). ``domain_error_fields`` maps a field
    name of the service to the form's, where the two differ; an error on a field the
    form hides or lacks goes to the form as a whole, where the person can read it.
    """

    domain_error_fields: Mapping[str, str] = {}

    def call_service(self: _Form, service: Callable[..., T], **kwargs: Any) -> T | None:
        try:
            return service(**kwargs)
        except DomainError as error:
            self.add_domain_error(error)
            return None

    def add_domain_error(self: _Form, error: DomainError) -> None:
        if not error.fields:
            self.add_error(None, error.message)
        for name, messages in error.fields.items():
            name = self.domain_error_fields.get(name, name)
            field = self.fields.get(name)
            target = name if field is not None and not field.widget.is_hidden else None
            for message in messages:
                self.add_error(target, message)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (claim documents, complaint documents): a list of the
    uploaded files, empty when none was chosen."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 reads as infinity
        raise json.JSONDecodeError("number out of range", text, 0)
    return value


def _no_constant(name: str):
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


class FiniteJSONDecoder(json.JSONDecoder):
    """Standard JSON only: no NaN, Infinity or numbers too large for a float, which
    Python reads but PostgreSQL's jsonb refuses (a DataError, a 500, on save)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("parse_constant", _no_constant)
        kwargs.setdefault("parse_float", _finite_float)
        super().__init__(*args, **kwargs)


class DepthLimitedJSONField(forms.JSONField):
    """A JSON form field that refuses nesting deeper than the API's parser takes, before
    ``json.loads`` recurses (a RecursionError is a 500), and NaN or infinite numbers
    (``FiniteJSONDecoder``)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("decoder", FiniteJSONDecoder)
        super().__init__(*args, **kwargs)

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
