"""Checks behind /healthz: the database, the broker and the worker's heartbeat; and
telling a database that cannot be reached from a query that failed.

The broker is the one of the project's Celery application, handed to the ground floor
when the project package creates it (``common.celery_app``).
"""

from __future__ import annotations

import time
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.utils import timezone

from .celery_app import celery_app
from .selectors import worker_last_heartbeat

#: SQLSTATEs of a server going away or not there yet: admin_shutdown (a fast restart),
#: crash_shutdown, cannot_connect_now (starting up). Class 08 (connection exceptions)
#: and errors without a SQLSTATE (refused, closed by the server) are counted too.
SERVER_GONE_STATES = frozenset({"57P01", "57P02", "57P03"})


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` says that PostgreSQL could not be reached (down, restarting, the
    connection lost), as opposed to a fault of the query (a deadlock, a constraint, a
    timeout), which stays a server error.

    Django wraps the driver's error (``__cause__``); only psycopg's carry ``pgcode``, so
    SQLite's errors are never counted.
    """
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    cause = exc.__cause__
    if cause is None or not hasattr(cause, "pgcode"):
        return False
    code = cause.pgcode
    return code is None or code.startswith("08") or code in SERVER_GONE_STATES


def check_database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "vendor": connection.vendor, "error": str(exc)[:200]}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def check_broker(timeout: float = 2.0) -> dict[str, Any]:
    started = time.perf_counter()
    app = celery_app()
    transport = app.conf.broker_url.split("://", 1)[0] if app.conf.broker_url else ""
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            # A round trip the transport must really answer: Redis PING; for the embedded
            # file-system broker, opening a channel checks that its folders exist.
            channel = conn.default_channel
            if transport == "redis":
                channel.client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "broker down"
        return {"ok": False, "transport": transport, "error": str(exc)[:200]}
    return {
        "ok": True,
        "transport": transport,
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def check_worker() -> dict[str, Any]:
    heartbeat = worker_last_heartbeat()
    if heartbeat is None:
        return {"ok": False, "last_heartbeat": None}
    age = (timezone.now() - heartbeat.beat_at).total_seconds()
    return {
        "ok": age < 180,
        "last_heartbeat": heartbeat.beat_at.isoformat(),
        "age_seconds": round(age, 1),
    }
