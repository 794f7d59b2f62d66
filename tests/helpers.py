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


def run_at_once(work, threads: int = 10) -> tuple[list, list[BaseException]]:
    """Run ``work(n)`` in ``threads`` threads released together; each closes its own
    database connection. Returns (results, errors)."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(threads)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(n: int):
        try:
            barrier.wait(timeout=30)
            value = work(n)
            with lock:
                results.append(value)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=target, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in pool), "a thread hung"
    return results, errors


def post_at_once(user, url: str, body: dict, *, threads: int = 20, **headers) -> list:
    """POST the same JSON ``body`` to ``url`` from ``threads`` clients at once, all signed
    in as ``user`` (one session, with an authenticator used in it). Returns the responses."""
    from django.test import Client

    from tests.project.api_world import sign_in

    cookies = sign_in(user).cookies

    def send(_n: int):
        client = Client()
        client.cookies = cookies
        return client.post(url, body, content_type="application/json", headers=headers)

    responses, errors = run_at_once(send, threads=threads)
    assert errors == []
    return responses
