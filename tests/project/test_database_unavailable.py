"""PostgreSQL unreachable (restarting, down, the connection lost): a request answers 503
with Retry-After and a short message, in the portal's standalone error page or the API's
error shape; a fault of the query itself stays a 500 (issue 14, "PostgreSQL restarted")."""

from __future__ import annotations

import logging

import psycopg2
import pytest
from django.db import InterfaceError, OperationalError
from django.db.utils import IntegrityError

from mutualsociety import views
from mutualsociety.common.health import database_unavailable

pytestmark = pytest.mark.django_db

MESSAGE = "The service is briefly unavailable: its database is not answering."


class DriverError(Exception):
    """Stands for a psycopg error: only those carry a SQLSTATE in ``pgcode``."""

    def __init__(self, pgcode: str | None) -> None:
        super().__init__("driver")
        self.pgcode = pgcode


def wrapped(error_class, cause: BaseException) -> Exception:
    """The error as Django raises it: its own class, the driver's error as the cause."""
    try:
        raise cause
    except BaseException as exc:  # noqa: BLE001 - rewrapped at once, as Django does
        try:
            raise error_class(str(exc)) from exc
        except error_class as django_error:
            return django_error


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        # refused, or closed by the server: psycopg has no SQLSTATE for them
        (wrapped(OperationalError, psycopg2.OperationalError("connection refused")), True),
        (wrapped(InterfaceError, psycopg2.InterfaceError("connection already closed")), True),
        (wrapped(OperationalError, DriverError("57P01")), True),  # admin_shutdown (restart)
        (wrapped(OperationalError, DriverError("57P03")), True),  # cannot_connect_now
        (wrapped(OperationalError, DriverError("08006")), True),  # connection_failure
        (wrapped(OperationalError, DriverError("40P01")), False),  # deadlock: a real fault
        (wrapped(OperationalError, DriverError("57014")), False),  # statement timeout
        (wrapped(IntegrityError, DriverError(None)), False),
        (wrapped(OperationalError, Exception("database is locked")), False),  # SQLite
        (RuntimeError("boom"), False),
        (None, False),
    ],
)
def test_which_errors_say_the_database_cannot_be_reached(error, unavailable):
    assert database_unavailable(error) is unavailable


def refuse(*args, **kwargs):
    raise wrapped(OperationalError, psycopg2.OperationalError("connection refused"))


def deadlock(*args, **kwargs):
    raise wrapped(OperationalError, DriverError("40P01"))


@pytest.fixture
def plain_client(client):
    client.raise_request_exception = False
    return client


def test_a_page_answers_503_with_retry_after_and_no_error_log(plain_client, monkeypatch, caplog):
    """The standalone error page (no context processor, no database), 503, Retry-After:
    30; one warning line, no error record (which would e-mail ADMINS per request)."""
    monkeypatch.setattr(views.HomeView, "get", refuse)

    with caplog.at_level(logging.WARNING):
        response = plain_client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert MESSAGE in page
    assert "Traceback" not in page and "connection refused" not in page
    assert [r.levelname for r in caplog.records if r.levelno >= logging.ERROR] == []
    [warning] = [r for r in caplog.records if r.name == "mutualsociety.views"]
    assert warning.getMessage().endswith("GET / answered 503")


def test_the_api_answers_503_in_its_error_shape(plain_client, monkeypatch):
    monkeypatch.setattr(views.ApiRootView, "get", refuse)

    response = plain_client.get("/api/v1/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["error"]["code"] == "unavailable"
    assert body["error"]["message"].startswith(MESSAGE)
    assert body["error"]["fields"] == {}


def test_a_fault_of_the_query_stays_a_server_error(plain_client, monkeypatch, caplog):
    """A deadlock is a defect to look at: 500, logged as an error as before."""
    monkeypatch.setattr(views.ApiRootView, "get", deadlock)

    response = plain_client.get("/api/v1/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert "Retry-After" not in response
    assert any(r.levelno >= logging.ERROR for r in caplog.records)
