from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence as SequenceOf
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from celery import Task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError

from mutualsociety.celery import app as celery_app

from .exceptions import InvalidInput
from .models import OutboxTask, Sequence, WorkerHeartbeat
from .selectors import DATE_FLOOR, society_get

logger = logging.getLogger("mutualsociety.outbox")


def _amount(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, force_grouping=True)


def amount_ceiling_check(amount: Decimal, *, field: str, line: int | None = None) -> Decimal:
    """Refuse an amount a person entered that is over the society's largest single amount
    (``Society.max_single_amount``, default 1,000,000,000.00); return it otherwise.

    The one place this limit is enforced: every service that takes an amount a person
    typed calls it — a payment received (``members.payment_record``), a line of a manual
    ledger entry (``ledger.entry_post_manual``), the amount claimed (``claims`` intake) and
    assessed (``claim_assess``), a plan's benefits, premiums, cap and approval threshold
    (``members.plan_version_check`` and the admin's plan forms) — so the API, the admin and
    the portal refuse it alike, on ``field`` (with ``line``, "Line n:" leads the message).
    Amounts the system computes (dues from a premium, an apportionment's total over all
    members, reversals) are not limited: they can legitimately exceed what one person
    would type, and the ledger bounds them by its own column.
    """
    ceiling = society_get().max_single_amount
    if amount > ceiling:
        values = {"amount": _amount(amount), "ceiling": _amount(ceiling), "n": line}
        if line is None:
            message = _(
                "%(amount)s is over %(ceiling)s, the largest single amount the society "
                "accepts; check the amount, or ask an administrator to raise the limit."
            )
        else:
            message = _(
                "Line %(n)d: %(amount)s is over %(ceiling)s, the largest single amount "
                "the society accepts; check the amount, or ask an administrator to raise "
                "the limit."
            )
        raise InvalidInput(message % values, field=field)
    return amount


def date_window_check(value: dt.date, *, field: str, latest: dt.date, too_late: str) -> dt.date:
    """Refuse a date a person entered for money that lies outside a plausible window;
    return it otherwise.

    Not before the society was founded (``Society.founded_on``; 1 January 2000 while it
    is empty), and not after ``latest`` (what the operation allows: today for money
    received, the end of the current month for a manual ledger entry), with ``too_late``
    as the message then. Refused on ``field``.
    """
    founded_on = society_get().founded_on
    earliest = founded_on or DATE_FLOOR
    if value < earliest:
        if founded_on:
            message = _(
                "%(date)s is before %(earliest)s, when the society was founded; check the year."
            )
        else:
            message = _(
                "%(date)s is before %(earliest)s, the earliest date accepted; check the "
                "year (once the society's founding date is filled in, it is the limit)."
            )
        raise InvalidInput(
            message % {"date": value.isoformat(), "earliest": earliest.isoformat()}, field=field
        )
    if value > latest:
        raise InvalidInput(too_late, field=field)
    return value


def worker_heartbeat_record(*, hostname: str, at: datetime | None = None) -> WorkerHeartbeat:
    """Record that ``hostname`` is alive. Replaying it only moves the time forward."""
    at = at or timezone.now()
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname[:200], defaults={"beat_at": at}
    )
    return heartbeat


def sessions_clear_expired() -> int:
    """Delete expired sessions (what ``manage.py clearsessions`` does); returns the count."""
    deleted, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def sequence_next(*, name: str, count: int = 1) -> int:
    """Reserve ``count`` numbers of the sequence ``name``; return the first.

    Must run inside the caller's transaction: the row stays locked until it commits, so
    two transactions never get the same number.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        Sequence.objects.filter(name=name).update(value=F("value") + count)
        value = Sequence.objects.select_for_update().get(name=name).value
    return value - count + 1


# --- The task outbox ---------------------------------------------------------------------
#
# A service never calls ``task.delay()``: the broker may be down, and a committed change
# must not answer an error, nor lose its e-mail. It records the work with
# ``outbox_enqueue`` inside its transaction instead; the row commits or rolls back with
# the change. After the commit the row is offered to the broker once, quickly; while the
# broker is unreachable it waits for the relay.

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
    if task.name not in celery_app.tasks:
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
    with celery_app.connection_for_write() as connection:
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
        with celery_app.connection_for_write() as connection:
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


def _publish_one(message_id: int, connection) -> bool | None:
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
        message.state = OutboxTask.State.SENT
        message.sent_at = now
        message.last_error = ""
        message.save(
            update_fields=["attempts", "last_attempt_at", "last_error", "state", "sent_at"]
        )
    return True


def _send(message: OutboxTask, connection) -> None:
    if celery_app.conf.task_always_eager:
        # Tests and debugging: run in-process, as ``delay()`` would.
        celery_app.tasks[message.task].apply(
            args=message.args, kwargs=message.kwargs, task_id=message.celery_task_id
        )
        return
    # The result is ignored: nobody waits for it, and asking for it makes the Redis result
    # backend subscribe first (the 19-second hang of a dead broker).
    celery_app.send_task(
        message.task,
        args=message.args,
        kwargs=message.kwargs,
        task_id=message.celery_task_id,
        ignore_result=True,
        connection=connection,
        retry=True,
        retry_policy=PUBLISH_RETRY_POLICY,
    )
