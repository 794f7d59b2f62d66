"""The common periodic tasks: the worker heartbeat and session housekeeping."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from mutualsociety.common.models import WorkerHeartbeat
from mutualsociety.common.selectors import worker_is_alive, worker_last_heartbeat
from mutualsociety.common.services import worker_heartbeat_record
from mutualsociety.common.tasks import clear_expired_sessions, worker_heartbeat

pytestmark = pytest.mark.django_db


def test_the_heartbeat_task_twice_keeps_one_row_and_moves_the_time():
    """Each run records the worker alive; a second run updates the same row."""
    worker_heartbeat.delay().get()
    first = WorkerHeartbeat.objects.get()

    worker_heartbeat.delay().get()

    again = WorkerHeartbeat.objects.get()
    assert again.pk == first.pk
    assert again.beat_at >= first.beat_at
    assert worker_is_alive() is True


def test_each_worker_host_has_its_own_row():
    """Heartbeats are per host; the latest is the one /healthz reads."""
    now = timezone.now()
    worker_heartbeat_record(hostname="a", at=now - dt.timedelta(minutes=5))
    worker_heartbeat_record(hostname="b", at=now - dt.timedelta(minutes=1))

    assert WorkerHeartbeat.objects.count() == 2
    assert worker_last_heartbeat().hostname == "b"


def test_no_recent_heartbeat_means_no_live_worker():
    """A heartbeat older than three minutes does not count."""
    worker_heartbeat_record(hostname="a", at=timezone.now() - dt.timedelta(minutes=4))

    assert worker_is_alive() is False


def make_session(expires_in: dt.timedelta) -> str:
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + expires_in
    )
    return store.session_key


def test_clearing_sessions_drops_only_expired_ones_and_twice_changes_nothing():
    """The daily task deletes expired sessions (returns how many); the second run finds
    none; live sessions stay."""
    make_session(-dt.timedelta(days=1))
    make_session(-dt.timedelta(seconds=1))
    live = make_session(dt.timedelta(days=1))

    assert clear_expired_sessions.delay().get() == 2
    assert clear_expired_sessions.delay().get() == 0
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
