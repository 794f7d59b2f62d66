"""The task outbox: work for Celery recorded in the caller's transaction, then relayed.

A service never calls ``task.delay()``: the broker may be down, and a committed change
must not answer an error, nor lose its e-mail. It records the work with
``outbox_enqueue`` inside its transaction instead; the row commits or rolls back with
the change. After the commit the row is offered to the broker once, quickly; while the
broker is unreachable it waits for the relay (a minutely job, a worker starting up,
``manage.py relay_outbox``).

The Celery application is the project's, which the project package hands to the ground
floor when it creates it (``common.celery_app``; the ground floor imports nothing above).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence as SequenceOf
from datetime import datetime, timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu import Connection
from kombu.exceptions import KombuError

from ..celery_app import celery_app
from ..models import OutboxTask
from ..transitions import OUTBOX_TASK

logger = logging.getLogger("mutualsociety.outbox")

#: One try, no retry loop: kombu's default policy retries, and the Redis result backend
#: (which a sent task subscribes to unless its result is ignored) retries for 20 s.
PUBLISH_RETRY_POLICY = {"max_retries": 0}


def outbox_enqueue(
    *,
    task: Task,
    key: str,
    args: SequenceOf[Any] = (),
    kwargs: dict[str, Any] | None = None,
) -> OutboxTask:
    """Record ``task(*args, **kwargs)`` for Celery in the caller's transaction and offer it
    to the broker after the commit.

    ``key`` names the work (``"members.send_welcome:12"``): when a row with the key exists
    (a replayed call), it is returned and nothing is added. Arguments must be JSON (ids,
    dates as ISO strings), as every task takes. The tasks themselves stay idempotent: a
    row is published once, but a worker may run a message twice after a crash.
    """
    if task.name not in celery_app().tasks:
        raise ValueError(f"{task.name!r} is not a registered Celery task.")
    message, created = OutboxTask.objects.get_or_create(
        key=key[:200],
        defaults={"task": task.name, "args": list(args), "kwargs": dict(kwargs or {})},
    )
    if created:
        message_id = message.pk
        transaction.on_commit(lambda: outbox_publish(message_id=message_id))
    return message


def outbox_publish(*, message_id: int) -> bool:
    """Offer one pending row to the broker now; True when it was handed over.

    Runs after the commit that recorded the row. A broker that does not answer costs
    one quick failed attempt and one warning; the row stays pending for the relay.
    """
    with celery_app().connection_for_write() as connection:
        return _publish_one(message_id, connection) is True


def outbox_relay(*, limit: int = 1000) -> dict[str, int]:
    """Hand the pending rows to the broker, oldest first, each exactly once.

    Each row is locked (rows another publisher holds are skipped), published under its
    own task id and marked sent in one transaction, so two relays, or a relay and the
    after-commit publish, never send a row twice. Stops at the first broker failure (one
    warning; the rows wait for the next run). Also forgets sent rows older than
    ``OUTBOX_KEEP_SENT_DAYS``. Returns ``{"sent": n, "pending": m}``.
    """
    ids = list(
        OutboxTask.objects.filter(state=OutboxTask.State.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    if ids:
        with celery_app().connection_for_write() as connection:
            for message_id in ids:
                outcome = _publish_one(message_id, connection)
                if outcome is None:
                    break
                sent += int(outcome)
    outbox_forget_sent()
    pending = OutboxTask.objects.filter(state=OutboxTask.State.PENDING).count()
    return {"sent": sent, "pending": pending}


def outbox_forget_sent(*, now: datetime | None = None) -> int:
    """Delete the rows handed over more than ``OUTBOX_KEEP_SENT_DAYS`` ago; their key no
    longer guards against a replay then (the tasks are idempotent)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_KEEP_SENT_DAYS)
    deleted, _by_model = OutboxTask.objects.filter(
        state=OutboxTask.State.SENT, sent_at__lt=cutoff
    ).delete()
    return deleted


def _publish_one(message_id: int, connection: Connection) -> bool | None:
    """Publish one row under its lock. True: sent now; False: not pending (sent already,
    or another publisher holds it); None: the broker failed (the attempt is recorded)."""
    broker_errors = (
        KombuError,
        OSError,
        *connection.connection_errors,
        *connection.channel_errors,
    )
    # The lock is held while publishing: that is what makes the hand-over exactly once.
    # A dead broker fails within the connect timeout (CELERY_BROKER_TRANSPORT_OPTIONS).
    with transaction.atomic():
        message = (
            OutboxTask.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, state=OutboxTask.State.PENDING)
            .first()
        )
        if message is None:
            return False
        now = timezone.now()
        message.attempts += 1
        message.last_attempt_at = now
        try:
            _send(message, connection)
        except broker_errors as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            message.save(update_fields=["attempts", "last_attempt_at", "last_error"])
            logger.warning(
                "The broker did not take task %s (outbox row %s): %s. It stays pending; "
                "the relay hands it over when the broker is back.",
                message.task,
                message.pk,
                message.last_error,
            )
            return None
        OUTBOX_TASK.move(message, OutboxTask.State.SENT)
        message.sent_at = now
        message.last_error = ""
        message.save(
            update_fields=["attempts", "last_attempt_at", "last_error", "state", "sent_at"]
        )
    return True


def _send(message: OutboxTask, connection: Connection) -> None:
    app = celery_app()
    if app.conf.task_always_eager:
        # Tests and debugging: run in-process, as ``delay()`` would.
        app.tasks[message.task].apply(
            args=message.args, kwargs=message.kwargs, task_id=message.celery_task_id
        )
        return
    # The result is ignored: nobody waits for it, and asking for it makes the Redis result
    # backend subscribe first (the 19-second hang of a dead broker).
    app.send_task(
        message.task,
        args=message.args,
        kwargs=message.kwargs,
        task_id=message.celery_task_id,
        ignore_result=True,
        connection=connection,
        retry=True,
        retry_policy=PUBLISH_RETRY_POLICY,
    )
