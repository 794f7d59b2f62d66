"""Celery tasks of disclosure: take ids, call one service. Idempotency lives in the
services (a document's figures are published once; an alert once per file and day)."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import alerts

TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "max_retries": 5}


@shared_task(name="disclosure.attachment_alert", ignore_result=True, **RETRY)
def attachment_alert(attachment_id: int) -> int:
    """E-mail the administrators that a published file no longer matches its checksum."""
    return alerts.attachment_alert_send(attachment_id=attachment_id)
