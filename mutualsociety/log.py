"""Logging filters of the project (used by ``settings.LOGGING``)."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refusal (a 4xx answer: 403 permission denied, 400 unreadable body) is one warning
    line: the traceback of the exception that made it is dropped. The code worked as
    meant, so a stack says nothing an operator can act on, and a page of it per 403 buries
    the errors that matter. Server errors (5xx) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
