"""mutualsociety.common.api: one error shape for every API error."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions

from mutualsociety.common.api import error_body, exception_handler, require_perms
from mutualsociety.common.exceptions import (
    DomainError,
    IdempotencyConflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    TransitionNotAllowed,
)


def handle(exc: Exception):
    return exception_handler(exc, {})


def test_error_body_has_the_one_shape():
    """error_body builds {"error": {"code", "message", "fields"}} with empty fields."""
    assert error_body("x", "y") == {"error": {"code": "x", "message": "y", "fields": {}}}


def test_nested_validation_errors_are_flattened_to_dotted_names():
    """Serializer errors become {"lines.1.account": [...]}; valid list items leave no
    trace; a non-field error is the message and sits under the empty name."""
    exc = exceptions.ValidationError(
        {
            "lines": [{}, {"account": ["This field is required."], "debit": ["Bad."]}],
            "date": ["Enter a date.", "Another."],
            "non_field_errors": ["The whole thing is wrong."],
        }
    )

    response = handle(exc)

    assert response.status_code == 400
    assert response.data == {
        "error": {
            "code": "invalid",
            "message": "The whole thing is wrong.",
            "fields": {
                "lines.1.account": ["This field is required."],
                "lines.1.debit": ["Bad."],
                "date": ["Enter a date.", "Another."],
                "": ["The whole thing is wrong."],
            },
        }
    }


def test_without_a_non_field_error_the_message_names_the_first_field():
    """The message is the first field's first message, prefixed by its name."""
    response = handle(exceptions.ValidationError({"as_of": ["Date has wrong format."]}))

    assert response.data["error"]["message"] == "as_of: Date has wrong format."
    assert response.data["error"]["fields"] == {"as_of": ["Date has wrong format."]}


def test_a_nested_non_field_error_keeps_its_path():
    """A list-level error (an empty list, a line-level rule) is named after its path."""
    exc = exceptions.ValidationError(
        {"lines": {"non_field_errors": ["Empty."]}, "other": [{"non_field_errors": ["x"]}]}
    )

    fields = handle(exc).data["error"]["fields"]

    assert fields == {"lines.non_field_errors": ["Empty."], "other.0.non_field_errors": ["x"]}


def test_a_bare_list_of_errors_is_a_non_field_error():
    """ValidationError(["a", "b"]) answers with the first as the message."""
    response = handle(exceptions.ValidationError(["First.", "Second."]))

    assert response.status_code == 400
    assert response.data["error"] == {
        "code": "invalid",
        "message": "First.",
        "fields": {"": ["First.", "Second."]},
    }


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (DomainError("Refused.", field="amount"), 400, "domain_error"),
        (InvalidInput("Refused.", field="amount"), 400, "invalid"),
        (NotAllowed("Refused.", field="amount"), 403, "not_allowed"),
        (NotFound("Refused.", field="amount"), 404, "not_found"),
        (TransitionNotAllowed("Refused.", field="amount"), 409, "transition_not_allowed"),
        (IdempotencyConflict("Refused.", field="amount"), 409, "idempotency_conflict"),
        (InvalidInput("Refused.", field="amount", code="too_late"), 400, "too_late"),
    ],
)
def test_domain_errors_keep_their_status_code_message_and_field(exc, status, code):
    """A DomainError answers its own status and code, its message unchanged, and the
    field it names."""
    response = handle(exc)

    assert response.status_code == status
    assert response.data == {
        "error": {"code": code, "message": "Refused.", "fields": {"amount": ["Refused."]}}
    }


def test_a_domain_error_may_name_several_fields():
    """fields= and field= merge; messages are strings."""
    exc = InvalidInput("Dates clash.", field="end", fields={"start": ["Too late."]})

    assert handle(exc).data["error"]["fields"] == {
        "start": ["Too late."],
        "end": ["Dates clash."],
    }


def test_django_http404_is_not_found():
    """Django's Http404 (get_object_or_404) answers 404 not_found."""
    response = handle(Http404("gone"))

    assert response.status_code == 404
    assert response.data["error"]["code"] == "not_found"
    assert response.data["error"]["fields"] == {}


def test_django_permission_denied_is_403():
    """Django's PermissionDenied answers 403 permission_denied."""
    response = handle(DjangoPermissionDenied())

    assert response.status_code == 403
    assert response.data["error"]["code"] == "permission_denied"


def test_django_validation_errors_map_to_fields():
    """A model's ValidationError (full_clean) answers 400 with its fields; one without
    fields is a non-field error."""
    by_field = handle(DjangoValidationError({"memo": ["Required."]}))
    plain = handle(DjangoValidationError("Not allowed now."))

    assert by_field.status_code == plain.status_code == 400
    assert by_field.data["error"]["fields"] == {"memo": ["Required."]}
    assert plain.data["error"]["message"] == "Not allowed now."
    assert plain.data["error"]["fields"] == {"": ["Not allowed now."]}


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.AuthenticationFailed(), 401, "authentication_failed"),
        (exceptions.PermissionDenied(), 403, "permission_denied"),
        (exceptions.NotFound(), 404, "not_found"),
        (exceptions.MethodNotAllowed("PUT"), 405, "method_not_allowed"),
        (exceptions.UnsupportedMediaType("text/plain"), 415, "unsupported_media_type"),
        (exceptions.Throttled(wait=30), 429, "throttled"),
        (exceptions.ParseError(), 400, "parse_error"),
    ],
)
def test_drf_errors_keep_their_status_in_the_shape(exc, status, code):
    """DRF's own errors keep their status and code and get the shape."""
    response = handle(exc)

    assert response.status_code == status
    assert set(response.data) == {"error"}
    assert response.data["error"]["code"] == code
    assert response.data["error"]["message"]
    assert response.data["error"]["fields"] == {}


def test_a_throttled_answer_says_when_to_retry():
    """The Retry-After header survives the reshaping."""
    assert handle(exceptions.Throttled(wait=30))["Retry-After"] == "30"


def test_an_unexpected_exception_is_left_to_django():
    """A bug is not dressed up as an API error: the handler returns None (Django's 500)."""
    assert handle(ValueError("bug")) is None


@pytest.mark.django_db
def test_require_perms_needs_every_permission(make_user):
    """The permission class passes only a signed-in user holding all the permissions."""
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser

    permission = require_perms("ledger.view_posting", "ledger.add_journalentry")()
    finance = make_user("fin", roles=("finance",))
    regulator = make_user("reg", roles=("regulator",))

    def allowed(user) -> bool:
        return permission.has_permission(SimpleNamespace(user=user), None)

    assert allowed(finance) is True
    assert allowed(regulator) is False
    assert allowed(AnonymousUser()) is False
    assert type(permission).__name__ == "Has_ledger_view_posting_ledger_add_journalentry"
