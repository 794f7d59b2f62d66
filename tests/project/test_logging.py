"""What the logs say about a refusal: a 403 is one warning line, printed once, without a
traceback; a server error keeps its traceback."""

from __future__ import annotations

import logging

import pytest

from mutualsociety.log import RefusalWithoutTraceback

pytestmark = pytest.mark.django_db

STATEMENTS = "/admin/ledger/account/statements/"


def _printing_handlers(record: logging.LogRecord) -> list[logging.Handler]:
    """The project's handlers that would print ``record`` (pytest's own left out), walked
    the way ``Logger.callHandlers`` walks them."""
    found = []
    logger: logging.Logger | None = logging.getLogger(record.name)
    while logger is not None:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest"):
                continue
            if record.levelno >= handler.level and handler.filter(record):
                found.append(handler)
        logger = logger.parent if logger.propagate else None
    return found


@pytest.fixture
def refused(client, make_user, caplog, settings):
    """Staff without the ledger's view permission open the statements: 403. While
    debugging, as ``make run`` does."""
    settings.DEBUG = True
    client.force_login(make_user("clerk", is_staff=True))
    with caplog.at_level(logging.INFO):
        response = client.get(STATEMENTS)
    assert response.status_code == 403
    return [r for r in caplog.records if r.name.startswith("django")]


def test_a_403_is_one_warning_line_without_a_traceback(refused):
    """The defect: every 403 logged the PermissionDenied's full traceback."""
    [record] = refused

    assert (record.name, record.levelname) == ("django.request", "WARNING")
    assert record.getMessage() == f"Forbidden (Permission denied): {STATEMENTS}"
    assert not record.exc_info
    [handler] = _printing_handlers(record)
    printed = handler.format(record)
    assert "Traceback" not in printed
    assert len(printed.splitlines()) == 1


def test_a_403_is_printed_once(refused):
    """The defect: the line was printed twice while debugging, by Django's own console
    handler and again by the root's."""
    [record] = refused

    assert len(_printing_handlers(record)) == 1


def test_a_server_error_keeps_its_traceback_and_still_reaches_the_admins_by_mail(settings):
    """Only refusals lose the traceback: a 500's record keeps it, and Django's logger
    still e-mails ADMINS about it when not debugging."""
    settings.DEBUG = False
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        exc_info = sys.exc_info()
    record = logging.getLogger("django.request").makeRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /", (), exc_info
    )
    record.status_code = 500

    assert RefusalWithoutTraceback().filter(record) is True
    assert record.exc_info is exc_info
    handlers = {type(h).__name__ for h in _printing_handlers(record)}
    assert handlers == {"StreamHandler", "AdminEmailHandler"}
