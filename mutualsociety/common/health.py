"""Checks behind /healthz: the database, the broker and the worker's heartbeat.

The broker is the one of the project's Celery application, handed to the ground floor
when the project package creates it (``common.celery_app``).
"""

from __future__ import annotations

import time
from typing import Any

from django.db import DatabaseError, connection
from django.utils import timezone

from .celery_app import celery_app
from .selectors import worker_last_heartbeat


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
