from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms

from .exceptions import DomainError

T = TypeVar("T")


class DomainErrorFormMixin:
    """Run a service from a form's view and turn its DomainError into form errors.

    ``form.call_service(service, **kwargs)`` returns the service's result, or ``None``
    after adding the error to the field it names (or to the form as a whole).
    """

    def call_service(self: forms.Form, service: Callable[..., T], **kwargs) -> T | None:  # type: ignore[misc]
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
