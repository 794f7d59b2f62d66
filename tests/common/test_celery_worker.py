"""A real Celery worker, started as a process, runs a task sent through the broker."""

from __future__ import annotations

import time

import pytest

from mutualsociety.common.models import WorkerHeartbeat
from tests.helpers import celery_worker

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_heartbeat_sent_through_the_broker(tmp_path):
    """common.worker_heartbeat, sent by name through Redis, is run by a separate worker
    process against the test database: its heartbeat row appears (within 60 s)."""
    with celery_worker(tmp_path) as worker:
        worker.send("common.worker_heartbeat")

        deadline = time.monotonic() + 60
        heartbeat = None
        while heartbeat is None and time.monotonic() < deadline:
            worker.assert_alive()
            heartbeat = WorkerHeartbeat.objects.filter(hostname=worker.node).first()
            if heartbeat is None:
                time.sleep(0.25)

        assert heartbeat is not None, "no heartbeat within 60 s:\n" + worker.log_text()
    assert WorkerHeartbeat.objects.count() == 1
