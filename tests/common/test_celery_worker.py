"""A real Celery worker, started as a process, runs a task sent through the broker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from mutualsociety.common.models import WorkerHeartbeat

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


def database_url_of_this_test() -> str:
    """A URL for the database this test runs on (the test database, not the main one)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{db['NAME']}"


@pytest.fixture
def worker_queue(tmp_path):
    """A worker process on a queue of its own (no stray worker takes the task); always
    terminated, its log shown when the test fails."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    node = f"{queue}@pytest"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DATABASE_URL": database_url_of_this_test(),
        "REDIS_URL": settings.REDIS_URL,
        "MUTUALSOCIETY_VAR_DIR": str(tmp_path / "var"),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [
                str(CELERY), "-A", "mutualsociety", "worker", "--pool=solo", "-c", "1",
                "--without-mingle", "--without-gossip", "--without-heartbeat",
                "-Q", queue, "-n", node, "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield queue, node, worker, log
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
            import redis

            redis.Redis.from_url(settings.REDIS_URL).delete(queue, f"_kombu.binding.{queue}")


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_heartbeat_sent_through_the_broker(worker_queue):
    """common.worker_heartbeat, sent by name through Redis, is run by a separate worker
    process against the test database: its heartbeat row appears (within 60 s)."""
    queue, node, worker, log = worker_queue
    # A fresh, non-eager app: the suite's own app runs tasks in-process.
    sender = Celery("sender", broker=settings.CELERY_BROKER_URL)
    try:
        sender.send_task("common.worker_heartbeat", queue=queue)
    finally:
        sender.close()

    deadline = time.monotonic() + 60
    heartbeat = None
    while heartbeat is None and time.monotonic() < deadline:
        assert worker.poll() is None, "the worker stopped:\n" + log.read_text(errors="replace")
        heartbeat = WorkerHeartbeat.objects.filter(hostname=node).first()
        if heartbeat is None:
            time.sleep(0.25)

    assert heartbeat is not None, "no heartbeat within 60 s:\n" + log.read_text(errors="replace")
    assert WorkerHeartbeat.objects.count() == 1
