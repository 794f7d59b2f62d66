"""The task outbox: work for Celery is recorded with the change that caused it, offered to
the broker after the commit, and relayed exactly once when the broker could not take it.

The task used here is the ledger's alert e-mail: each run sends one e-mail, so the mail
box counts the runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from ledger.models import IntegrityCheck
from ledger.tasks import alert_integrity_failure
from mutualsociety.celery import relay_outbox_at_start
from mutualsociety.common.models import OutboxTask
from mutualsociety.common.services import outbox_enqueue, outbox_forget_sent, outbox_relay
from mutualsociety.common.tasks import relay_outbox

pytestmark = pytest.mark.django_db

TASK = "ledger.alert_integrity_failure"


@pytest.fixture(autouse=True)
def _admins(settings):
    settings.ADMINS = ["finance@example.org"]


def failed_check(day: int = 1) -> IntegrityCheck:
    return IntegrityCheck.objects.create(
        checked_on=dt.date(2025, 6, day),
        entries=2,
        postings=3,
        total_debits=Decimal("13.00"),
        total_credits=Decimal("10.00"),
        unbalanced_entries=1,
        ok=False,
    )


def enqueue(check: IntegrityCheck, key: str | None = None) -> OutboxTask:
    return outbox_enqueue(
        task=alert_integrity_failure, args=[check.pk], key=key or f"alert:{check.pk}"
    )


def outbox_warnings(caplog) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == "mutualsociety.outbox" and r.levelname == "WARNING"
    ]


# --- Recorded with the change, run after the commit ---


def test_the_task_is_recorded_in_the_transaction_and_sent_after_the_commit(
    django_capture_on_commit_callbacks,
):
    """Inside the transaction: a pending row and nothing sent. After the commit it is
    handed over (run in-process here) once: sent, one attempt, the e-mail gone."""
    check = failed_check()
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        row = enqueue(check)
        assert row.state == OutboxTask.State.PENDING
        assert (row.task, row.args, row.kwargs) == (TASK, [check.pk], {})
        assert mail.outbox == []

    assert len(callbacks) == 1
    callbacks[0]()

    row.refresh_from_db()
    assert row.state == OutboxTask.State.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.last_error == ""
    assert row.celery_task_id == f"outbox-{row.pk}"
    assert len(mail.outbox) == 1
    assert "integrity check failed" in mail.outbox[0].subject


def test_a_rolled_back_change_records_no_task(django_capture_on_commit_callbacks):
    check = failed_check()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        enqueue(check)
        transaction.set_rollback(True)

    assert callbacks == []
    assert not OutboxTask.objects.exists()
    assert mail.outbox == []


def test_the_same_work_is_recorded_once(django_capture_on_commit_callbacks):
    """A second request for the same key (a replayed service) adds no row and no send."""
    check = failed_check()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = enqueue(check, key="alert:once")
        second = enqueue(check, key="alert:once")

    assert first.pk == second.pk
    assert OutboxTask.objects.count() == 1
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


def test_a_task_celery_does_not_know_is_refused():
    with pytest.raises(ValueError, match="not a registered Celery task"):
        outbox_enqueue(task=SimpleNamespace(name="nowhere.nothing"), key="x")
    assert not OutboxTask.objects.exists()


# --- The broker down ---


def test_with_the_broker_down_the_change_commits_and_the_task_waits(
    redis_down, django_capture_on_commit_callbacks, caplog
):
    """The after-commit publish fails at once (no 19-second retry loop), raises nothing,
    logs one warning and leaves the row pending with the attempt and its error."""
    check = failed_check()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue(check)
    elapsed = time.monotonic() - started

    assert elapsed < 5, f"the failed publish took {elapsed:.1f} s"
    row.refresh_from_db()
    assert row.state == OutboxTask.State.PENDING
    assert row.attempts == 1
    assert row.last_attempt_at is not None
    assert row.last_error
    assert row.sent_at is None
    assert mail.outbox == []
    (warning,) = outbox_warnings(caplog)
    assert TASK in warning.getMessage()
    assert f"outbox row {row.pk}" in warning.getMessage()


def test_the_relay_stops_at_the_first_failure(redis_down, caplog):
    """Three pending rows and no broker: one attempt, one warning, all three still
    pending for the next run."""
    rows = [enqueue(failed_check(day)) for day in (1, 2, 3)]  # not committed: not offered

    assert outbox_relay() == {"sent": 0, "pending": 3}

    attempts = [OutboxTask.objects.get(pk=r.pk).attempts for r in rows]
    assert attempts == [1, 0, 0]
    assert len(outbox_warnings(caplog)) == 1


@pytest.mark.redis
def test_when_the_broker_is_back_the_relay_hands_each_task_over_once(
    redis_down, broker_back, django_capture_on_commit_callbacks
):
    """Recorded while Redis was down; once it is back, the relay publishes the row under
    its own task id, once: a second relay sends nothing, and the task runs once."""
    check = failed_check()
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue(check)
    broker = broker_back()

    assert outbox_relay() == {"sent": 1, "pending": 0}
    assert outbox_relay() == {"sent": 0, "pending": 0}

    assert broker.messages() == [
        {"id": f"outbox-{row.pk}", "task": TASK, "args": [check.pk], "kwargs": {}}
    ]
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (OutboxTask.State.SENT, 2, "")
    assert mail.outbox == []
    assert broker.run_all() == 1
    assert len(mail.outbox) == 1


@pytest.mark.redis
def test_with_the_broker_up_the_task_is_published_at_the_commit(
    redis_down, broker_back, django_capture_on_commit_callbacks
):
    """Redis up: the after-commit publish hands the row over; the relay has nothing."""
    broker = broker_back()
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue(failed_check())

    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxTask.State.SENT, 1)
    assert [m["id"] for m in broker.messages()] == [f"outbox-{row.pk}"]
    assert outbox_relay() == {"sent": 0, "pending": 0}
    assert len(broker.messages()) == 1


# --- The relay ---


def test_the_relay_sends_each_pending_task_once():
    """Rows whose after-commit publish never ran are sent by the relay, oldest first;
    a second run (and the late after-commit publish) sends nothing."""
    enqueue(failed_check(1))
    enqueue(failed_check(2))

    assert outbox_relay() == {"sent": 2, "pending": 0}
    assert outbox_relay() == {"sent": 0, "pending": 0}

    assert len(mail.outbox) == 2
    assert set(OutboxTask.objects.values_list("state", "attempts")) == {("sent", 1)}


def test_the_after_commit_publish_leaves_a_row_the_relay_sent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        enqueue(failed_check())
    outbox_relay()

    callbacks[0]()

    assert len(mail.outbox) == 1
    assert OutboxTask.objects.get().attempts == 1


def test_the_relay_task_twice_changes_nothing_the_second_time():
    enqueue(failed_check())

    assert relay_outbox.delay().get() == {"sent": 1, "pending": 0}
    assert relay_outbox.delay().get() == {"sent": 0, "pending": 0}
    assert len(mail.outbox) == 1


def test_sent_tasks_are_forgotten_after_the_keeping_period(settings):
    """Sent rows older than OUTBOX_KEEP_SENT_DAYS go; recent and pending ones stay."""
    settings.OUTBOX_KEEP_SENT_DAYS = 30
    now = timezone.now()
    old, recent, pending = (enqueue(failed_check(day)) for day in (1, 2, 3))
    OutboxTask.objects.filter(pk=old.pk).update(state="sent", sent_at=now - dt.timedelta(days=31))
    OutboxTask.objects.filter(pk=recent.pk).update(
        state="sent", sent_at=now - dt.timedelta(days=29)
    )

    assert outbox_forget_sent(now=now) == 1

    assert set(OutboxTask.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk}


def test_the_command_relays_and_fails_while_tasks_stay_pending(redis_down):
    from mutualsociety.celery import app as celery_app

    enqueue(failed_check())
    with pytest.raises(CommandError, match="1 still pending"):
        call_command("relay_outbox")

    celery_app.conf.task_always_eager = True  # as if the broker were back
    call_command("relay_outbox")
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_starting_up_relays_what_waited():
    """The worker_ready hook runs the relay (then closes the main process's connection)."""
    enqueue(failed_check())  # autocommit: offered at once; made pending again below
    OutboxTask.objects.update(state="pending", sent_at=None)
    mail.outbox.clear()

    relay_outbox_at_start()

    assert OutboxTask.objects.get().state == OutboxTask.State.SENT
    assert len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_relay_skips_a_row_another_publisher_holds():
    """While another transaction holds a row's lock (its after-commit publish, or a
    second relay), the relay skips it instead of waiting or sending it twice."""
    row = OutboxTask.objects.create(
        task=TASK, args=[failed_check().pk], key="alert:locked"
    )  # recorded around the service: pending, never offered
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            OutboxTask.objects.select_for_update().get(pk=row.pk)
            locked.set()
            release.wait(timeout=30)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=30)
        assert outbox_relay() == {"sent": 0, "pending": 1}
    finally:
        release.set()
        holder.join(timeout=30)

    assert outbox_relay() == {"sent": 1, "pending": 0}
    assert len(mail.outbox) == 1


# --- The admin ---


def test_staff_see_the_outbox_read_only(client):
    admin = get_user_model().objects.create_superuser("root", password="x-Very-long-1")
    row = enqueue(failed_check())
    client.force_login(admin)

    listing = client.get("/admin/common/outboxtask/")
    assert listing.status_code == 200
    content = listing.content.decode()
    assert TASK in content
    assert row.key in content
    assert client.get("/admin/common/outboxtask/add/").status_code == 403
    detail = client.get(f"/admin/common/outboxtask/{row.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert client.post(f"/admin/common/outboxtask/{row.pk}/delete/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_another_celery_app_in_the_process_does_not_take_the_outbox_s_work():
    """Creating a Celery application makes it the current one of its thread (a library's,
    or the sender of the real-worker test); the outbox keeps handing work to the project's
    own application, which the project package gave the ground floor."""
    from celery import Celery, current_app

    from mutualsociety.celery import app as project_app
    from mutualsociety.common.celery_app import celery_app

    other = Celery("someone-else", broker="memory://")
    try:
        assert current_app._get_current_object() is other
        assert celery_app() is project_app
        row = enqueue(failed_check())
        assert OutboxTask.objects.get(pk=row.pk).state == OutboxTask.State.SENT
        assert len(mail.outbox) == 1  # run in-process by the project's (eager) app
    finally:
        other.close()
        project_app.set_current()
