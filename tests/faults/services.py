"""Private services for the fault tests: a Redis server, a PostgreSQL cluster, gunicorn
and a Celery worker, each a real process on a free port of 127.0.0.1.

A fault test kills or restarts these, never the machine's shared Redis (6379) or
PostgreSQL (5432): other tests run beside it. Every starter is a context manager that
stops what it started, and keeps the process's log for the failure message.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _postgres_bin() -> Path:
    """The newest PostgreSQL's programs installed the Debian way (initdb is not on the
    PATH there), else the folder of the initdb on the PATH."""
    installed = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if installed:
        return installed[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _postgres_bin()
#: The served apps' key (DEBUG off needs one): made per run, the same for every process.
SECRET_KEY = secrets.token_urlsafe(50)


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on now (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, seconds: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    raise AssertionError(f"{what} not within {seconds} s\n{tail}")


def stop(process: subprocess.Popen, *, sig: int = signal.SIGTERM, wait: float = 20) -> None:
    """Stop a process this module started (by its own pid), killing it if it lingers."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# --- Redis ---------------------------------------------------------------------------------


class PrivateRedis:
    """redis-server on a port of its own, appending every write to its file (as the
    compose file's Redis does), so that a restart finds what the broker had taken."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = folder / "redis.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.folder), "--save", "", "--appendonly", "yes",
                "--appendfsync", "always", "--logfile", str(self.log),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until(self.answers, seconds=15, what="redis-server", log=self.log)

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL: no goodbye to the clients, as when the machine it runs on fails."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=1)


@contextlib.contextmanager
def private_redis(folder: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(folder)
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            stop(server.process, sig=signal.SIGKILL)


# --- PostgreSQL ------------------------------------------------------------------------------


class PrivateCluster:
    """A PostgreSQL cluster of its own (initdb, pg_ctl) in a temporary folder.

    initdb refuses to run as root; as root (CI) the cluster belongs to the ``postgres``
    OS user and every command runs as that user. Connections: trust on 127.0.0.1, the
    role ``mutualsociety`` owning the database ``mutualsociety``.
    """

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ms-faults-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self.url = f"postgres://mutualsociety:mutualsociety@127.0.0.1:{self.port}/mutualsociety"

    def run(self, *command: str, **kwargs) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        return subprocess.run(
            [*prefix, *command], check=True, capture_output=True, timeout=120, **kwargs
        )

    def pg_ctl(self, *args: str) -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", *args)

    def create(self) -> None:
        self.run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            # A scratch cluster: nothing to keep after a crash (a fast restart is clean).
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.pg_ctl("-o", options, "start")
        self.psql("postgres", "CREATE ROLE mutualsociety LOGIN PASSWORD 'mutualsociety'")
        self.psql("postgres", "CREATE DATABASE mutualsociety OWNER mutualsociety")

    def psql(self, user: str, sql: str, *, stdin: bytes | None = None) -> str:
        command = [
            str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", user,
            "-d", "mutualsociety" if user != "postgres" else "postgres",
            "-v", "ON_ERROR_STOP=1", "-qAt",
        ]  # fmt: skip
        if sql:
            command += ["-c", sql]
        return self.run(*command, input=stdin).stdout.decode()

    def copy_from(self, settings_dict: dict) -> None:
        """Copy a database of the shared cluster (schema and rows) into this one, owned by
        ``mutualsociety``: quicker than migrating a new one."""
        env = {**os.environ, "PGPASSWORD": settings_dict["PASSWORD"] or ""}
        dump = subprocess.run(
            [
                str(PG_BIN / "pg_dump"), "--no-owner", "--no-privileges",
                "-h", settings_dict["HOST"] or "127.0.0.1",
                "-p", str(settings_dict["PORT"] or 5432),
                "-U", settings_dict["USER"], settings_dict["NAME"],
            ],
            check=True, capture_output=True, env=env, timeout=120,
        ).stdout  # fmt: skip
        self.psql("mutualsociety", "", stdin=dump)

    def restart(self) -> float:
        """``pg_ctl restart -m fast``: every connection is cut (admin_shutdown); returns
        the seconds it took."""
        started = time.monotonic()
        self.pg_ctl("-m", "fast", "restart")
        return time.monotonic() - started

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    cluster = PrivateCluster()
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.destroy()


@contextlib.contextmanager
def connected_to(url: str) -> Iterator[None]:
    """This process's default database connection pointed at ``url`` for a while (the
    ledger check of a database gunicorn served), then back to the test database."""
    import dj_database_url
    from django.db import connection

    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(
        {k: v for k, v in dj_database_url.parse(url).items() if k in saved}
    )
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def database_url(settings_dict: dict) -> str:
    """A URL for a database of Django's connection settings (the test database)."""
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{settings_dict['NAME']}"


# --- gunicorn and the worker ---------------------------------------------------------------


def app_environment(*, database_url: str, redis_url: str, var_dir: Path, **extra: str) -> dict:
    """The environment of a web server or worker: development profile with DEBUG off (a
    fault shows the pages people would see), over plain http on 127.0.0.1."""
    return {
        **os.environ,
        "DJANGO_ENV": "development",
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MUTUALSOCIETY_VAR_DIR": str(var_dir),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


class Gunicorn:
    def __init__(self, env: dict, folder: Path, workers: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "gunicorn.log"
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"), "mutualsociety.wsgi:application",
                    "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
                    "--timeout", "60", "--graceful-timeout", "5", "--preload",
                ],
                cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_until(self._answers, seconds=60, what="gunicorn", log=self.log)

    def _answers(self) -> bool:
        assert self.process.poll() is None, self.log.read_text(errors="replace")
        try:
            requests.get(self.url + "/favicon.ico", timeout=10)
        except requests.RequestException:
            return False
        return True

    def worker_pids(self) -> set[int]:
        """The pids of gunicorn's workers (children of the arbiter)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}


@contextlib.contextmanager
def gunicorn(env: dict, folder: Path, *, workers: int = 2) -> Iterator[Gunicorn]:
    server = Gunicorn(env, folder, workers)
    try:
        yield server
    finally:
        stop(server.process)


@contextlib.contextmanager
def celery_worker(env: dict, folder: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """A Celery worker (solo pool) on the default queue of the broker in ``env``."""
    log = folder / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [
                str(BIN / "celery"), "-A", "mutualsociety", "worker", "--pool=solo",
                "--without-mingle", "--without-gossip", "--loglevel=INFO",
                "-n", f"faults-{os.getpid()}@pytest",
            ],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield worker, log
    finally:
        stop(worker)


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    """``manage.py`` with the environment of the served app."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


class Browser(requests.Session):
    """A person's browser: cookies, the CSRF token sent back on every write."""

    def __init__(self, base: str, language: str = "en") -> None:
        super().__init__()
        self.base = base
        self.headers["Accept-Language"] = language

    def request(self, method, url, *args, **kwargs):
        if not url.startswith("http"):
            url = self.base + url
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        if method.upper() not in {"GET", "HEAD", "OPTIONS"} and "csrftoken" in self.cookies:
            kwargs.setdefault("headers", {})["X-CSRFToken"] = self.cookies["csrftoken"]
        return super().request(method, url, *args, **kwargs)

    def form_token(self, path: str) -> str:
        import re

        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]

    def sign_in(self, username: str, password: str) -> requests.Response:
        token = self.form_token("/accounts/login/")
        return self.post(
            "/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
