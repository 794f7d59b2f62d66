"""Run the whole platform on one machine: web server, Celery worker and beat.

This is what the README's first command runs (after ``migrate`` and ``seed_demo``). The
worker runs with an embedded beat, so periodic jobs really run; with no REDIS_URL they go
through the embedded file-system broker, with REDIS_URL through Redis. Stopping the
command (Ctrl-C) stops the worker too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD


def _raise_system_exit(signum, frame):
    raise SystemExit(128 + signum)


class Command(BaseCommand):
    help = "Run the web server and a Celery worker with beat (development and demos)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve")
        parser.add_argument(
            "--no-worker", action="store_true", help="serve the web only, without the worker"
        )

    def handle(self, *args, **options):
        worker = None
        if not options["no_worker"]:
            worker = self._start_worker()
        addr = options["addr"]
        broker = "Redis" if settings.REDIS_URL else "embedded file-system broker"
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        url = f"http://{addr}/"
        self.stdout.write(
            self.style.SUCCESS("\nMutualSociety is starting.")
            + f"\n  Portal:      {url}"
            + f"\n  Staff admin: {url}admin/   (user admin, or finance, actuary, regulator ...)"
            + "\n               sysadmin: the administrator's role (two-factor rule, lock-outs);"
            + "\n               finance proposes a new bank account, finance2 approves it"
            + f"\n  Members:     {url}me/   (user chenmei, wangfang (suspended) or lijun)"
            + f"\n  Password:    {DEMO_PASSWORD}   (every demo user; see `manage.py seed_demo`)"
            + f"\n  API:         {url}api/v1/   docs: {url}api/docs/"
            + f"\n  Health:      {url}healthz"
            + f"\n  Database:    {database};  worker + beat: {'on' if worker else 'off'} ({broker})"
            + "\n  Stop with Ctrl-C.\n"
        )
        # A SIGTERM (from a supervisor, `timeout`, `kill`) must stop the worker as well.
        signal.signal(signal.SIGTERM, _raise_system_exit)
        try:
            call_command("runserver", addr, use_reloader=False, skip_checks=False)
        finally:
            if worker is not None:
                self._stop_worker(worker)

    def _start_worker(self) -> subprocess.Popen:
        log_dir = Path(settings.VAR_DIR) / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        log = open(log_dir / "worker.log", "ab")  # noqa: SIM115 - lives as long as the worker
        celery = Path(sys.executable).with_name("celery")
        command = [
            str(celery) if celery.exists() else "celery",
            "-A",
            "mutualsociety",
            "worker",
            "--beat",
            "--loglevel=INFO",
            "--concurrency=2",
            f"--schedule={Path(settings.VAR_DIR) / 'celerybeat-schedule'}",
        ]
        self.stdout.write(f"Worker and beat log to {log_dir / 'worker.log'}")
        return subprocess.Popen(  # noqa: S603 - our own command line
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=os.environ.copy(),
            # Its own process group, so that stopping it stops its pool processes too.
            start_new_session=True,
        )

    def _stop_worker(self, worker: subprocess.Popen) -> None:
        if worker.poll() is not None:
            return
        self.stdout.write("Stopping the worker ...")
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
