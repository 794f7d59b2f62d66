"""A job split across worker processes (``--workers N``): a real ``celery worker`` with N
pool processes on the scratch database and a Redis queue of its own runs the batch run's
chunks and its finish; the time is from the start's commit to the run's end.

Needs ``REDIS_URL`` (the broker the worker and this process share). The chunk width is
``BATCH_CHUNK_SIZE`` (``BENCH_CHUNK_SIZE`` in the environment overrides it here and in the
worker).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from mutualsociety.common.celery_app import celery_app
from mutualsociety.common.models import BatchRun

ROOT = Path(__file__).resolve().parent.parent


def run_on_workers(
    start: Callable[[], BatchRun], *, workers: int, log: Callable[[str], None]
) -> tuple[float, BatchRun]:
    """Start a worker with ``workers`` processes, call ``start()`` in a transaction (the
    chunks go to the worker after the commit) and wait for the run to end."""
    if not settings.REDIS_URL:
        raise SystemExit("--workers needs REDIS_URL (the broker the workers share).")
    chunk_size = int(os.environ.get("BENCH_CHUNK_SIZE", settings.BATCH_CHUNK_SIZE))
    settings.BATCH_CHUNK_SIZE = chunk_size
    queue = f"bench-{uuid.uuid4().hex[:10]}"
    celery_app().conf.task_default_queue = queue
    log_path = Path(tempfile.gettempdir()) / f"{queue}.log"
    environment = {
        **os.environ,
        "DJANGO_ENV": "development",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "BATCH_CHUNK_SIZE": str(chunk_size),
    }
    celery = Path(sys.executable).with_name("celery")
    with log_path.open("wb") as output:
        process = subprocess.Popen(
            [
                str(celery), "-A", "mutualsociety", "worker", "--pool=prefork",
                "-c", str(workers), "--without-mingle", "--without-gossip",
                "--without-heartbeat", "-Q", queue, "-n", f"{queue}@bench", "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while b"ready." not in log_path.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the worker did not start:\n" + log_path.read_text())
                time.sleep(0.2)
            started = time.perf_counter()
            with transaction.atomic():
                run = start()
            while True:
                run.refresh_from_db()
                if run.status != BatchRun.Status.RUNNING:
                    break
                if process.poll() is not None:
                    raise SystemExit("the worker stopped:\n" + log_path.read_text())
                time.sleep(0.1)
            seconds = time.perf_counter() - started
            log(
                f"{run.key}: {run.status} in {seconds:.2f} s, {run.chunk_count} chunks of "
                f"{chunk_size:,} ids on {workers} worker processes: {run.result or run.error}"
            )
            return seconds, run
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            log_path.unlink(missing_ok=True)
