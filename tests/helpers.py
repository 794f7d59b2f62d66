"""Assertions shared by the face tests."""

from __future__ import annotations


def assert_error(response, status: int, code: str, fields: set[str] | None = None) -> dict:
    """The response is ``status`` with the one error shape ``{"error": {"code", "message",
    "fields"}}``, the given code, a message, and (when given) exactly these field names.
    Returns the error object."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"].strip()
    assert isinstance(error["fields"], dict)
    for messages in error["fields"].values():
        assert messages
        assert all(isinstance(m, str) and m for m in messages)
    if fields is not None:
        assert set(error["fields"]) == fields
    return error
