"""The platform the browser journeys drive: served for real, on 127.0.0.1.

``Platform.start()`` makes a PostgreSQL database of its own (the server's database, not
the test database pytest-django makes), migrates it, seeds the demo society
(``manage.py seed_demo``: staff in every role, plans, members, a governance history,
claims, solvency assessments, disclosure), starts a private ``redis-server`` on a free
port (the machine's shared Redis is left alone: other tests run beside these), a Celery
worker on it and gunicorn with two workers. ``Platform.stop()`` stops them and drops the
database.

Everything a journey does as a person goes through the browser. What is not a person's
doing (a day passing, the scheduler starting a job) goes through ``Platform.manage`` /
``Platform.shell``: a management command run against the same database, as an operator
or the beat would.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
#: Where each journey keeps the screenshots of its key pages (and of a failing step).
SHOTS = ROOT / "var" / "journeys"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_connection(database_url: str):
    """A connection to the server's maintenance database, to create and drop ours."""
    import psycopg2

    parts = urlsplit(database_url)
    conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    conn.autocommit = True
    return conn


@dataclass
class Platform:
    """gunicorn + a Celery worker + Redis on a database of the journeys' own."""

    database_url: str
    workdir: Path
    url: str = ""
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    logs: dict[str, Path] = field(default_factory=dict)

    # --- start and stop ----------------------------------------------------------------

    @classmethod
    def start(cls, base_database_url: str, workdir: Path) -> Platform:
        parts = urlsplit(base_database_url)
        name = f"{parts.path.lstrip('/') or 'mutualsociety'}_journeys_{os.getpid()}"
        platform = cls(urlunsplit(parts._replace(path=f"/{name}")), workdir)
        try:
            platform._create_database(name)
            platform._start_redis()
            platform.env = platform._environment()
            platform.manage("migrate", "--noinput", "-v", "0")
            platform.manage("seed_demo")
            platform._start_worker()
            platform._start_web()
        except BaseException:
            platform.stop()
            raise
        return platform

    def _create_database(self, name: str) -> None:
        with (
            contextlib.closing(_admin_connection(self.database_url)) as conn,
            conn.cursor() as cursor,
        ):
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        self._database_name = name

    def _start_redis(self) -> None:
        port = free_port()
        self.redis_url = f"redis://127.0.0.1:{port}/0"
        self._spawn(
            "redis",
            [
                shutil.which("redis-server") or "redis-server",
                "--bind", "127.0.0.1", "--port", str(port),
                "--save", "", "--appendonly", "no",
            ],
        )  # fmt: skip
        self._wait(lambda: _redis_answers(port), "redis-server", 20)

    def _environment(self) -> dict[str, str]:
        var = self.workdir / "var"
        var.mkdir(parents=True, exist_ok=True)
        return {
            **os.environ,
            # The development profile with debugging off: error pages as a user sees
            # them, cookies over plain http on 127.0.0.1.
            "DJANGO_ENV": "development",
            "DJANGO_DEBUG": "0",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "MUTUALSOCIETY_VAR_DIR": str(var),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "PYTHONUNBUFFERED": "1",
        }

    def _start_worker(self) -> None:
        self._spawn(
            "worker",
            [
                str(BIN / "celery"), "-A", "mutualsociety", "worker",
                "--concurrency=1", "--without-mingle", "--without-gossip",
                "-n", f"journeys-{os.getpid()}@%h", "--loglevel=INFO",
            ],
        )  # fmt: skip

    def _start_web(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._spawn(
            "gunicorn",
            [
                str(BIN / "gunicorn"), "mutualsociety.wsgi",
                "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120",
                "--access-logfile", "-",
            ],
        )  # fmt: skip
        self._wait(lambda: _http_ok(f"{self.url}/healthz"), "gunicorn's /healthz", 180)

    def stop(self) -> None:
        for name in ("gunicorn", "worker", "redis"):
            process = self.processes.pop(name, None)
            if process is None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        name = getattr(self, "_database_name", None)
        if name:
            with (
                contextlib.closing(_admin_connection(self.database_url)) as conn,
                conn.cursor() as cursor,
            ):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # --- what an operator or the scheduler does ----------------------------------------

    def manage(self, *args: str, timeout: float = 600) -> str:
        """Run ``manage.py ARGS`` against the platform's database; its output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise AssertionError(
                f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            )
        return result.stdout

    def shell(self, code: str) -> str:
        """Run Python in ``manage.py shell`` against the platform's database; what it
        printed (stripped)."""
        return self.manage("shell", "--no-imports", "-c", code).strip()

    def log(self, name: str) -> str:
        path = self.logs.get(name)
        return path.read_text(errors="replace") if path and path.exists() else ""

    # --- processes ---------------------------------------------------------------------

    def _spawn(self, name: str, command: list[str]) -> None:
        log = self.workdir / f"{name}.log"
        self.logs[name] = log
        with log.open("wb") as output:
            self.processes[name] = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env or os.environ.copy(),
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def _wait(self, ready, what: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if ready():
                return
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise AssertionError(
                        f"{name} exited ({process.returncode}) while waiting for {what}:\n"
                        + self.log(name)[-4000:]
                    )
            time.sleep(0.25)
        raise AssertionError(f"{what} not ready after {seconds} s")


def attach(state: Path) -> Platform:
    """A platform started by ``python -m tests.journeys.platform`` (see ``main``)."""
    data = json.loads(state.read_text())
    platform = Platform(
        data["database_url"], Path(data["workdir"]), url=data["url"], secret_key=data["secret_key"]
    )
    platform.redis_url = data["redis_url"]
    platform.env = platform._environment()
    # The logs of the processes it started (``log("worker")``: the console e-mails).
    platform.logs = {
        name: platform.workdir / f"{name}.log" for name in ("redis", "worker", "gunicorn")
    }
    return platform


def main() -> None:
    """Serve the journeys' platform until Ctrl-C, for writing a journey without setting
    it up at every run: ``DATABASE_URL=postgres://... python -m tests.journeys.platform
    var/journeys-platform`` then ``JOURNEYS_PLATFORM=var/journeys-platform/platform.json
    pytest tests/journeys/...`` (a journey changes the data: start it again for a clean
    one)."""
    workdir = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "var" / "journeys-platform")
    workdir.mkdir(parents=True, exist_ok=True)
    platform = Platform.start(os.environ["DATABASE_URL"], workdir)
    state = workdir / "platform.json"
    state.write_text(
        json.dumps(
            {
                "database_url": platform.database_url,
                "redis_url": platform.redis_url,
                "url": platform.url,
                "secret_key": platform.secret_key,
                "workdir": str(workdir),
            }
        )
    )
    print(f"serving {platform.url}; JOURNEYS_PLATFORM={state}", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while all(process.poll() is None for process in platform.processes.values()):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        platform.stop()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1
            return response.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    main()
