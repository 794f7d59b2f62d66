"""Assertions shared by the face tests; threads released together; a real Celery worker."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def assert_error(response, status: int, code: str, fields: set[str] | None = None) -> dict:
    """The response is ``status`` with the one error shape ``{"error": {"code", "message",
    "fields"}}``, the given code, a message, and (when given) exactly these field names.
    Returns the error object."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"].strip()
    assert isinstance(error["fields"], dict)
    for messages in error["fields"].values():
        assert messages
        assert all(isinstance(m, str) and m for m in messages)
    if fields is not None:
        assert set(error["fields"]) == fields
    return error


def run_at_once(work, threads: int = 10) -> tuple[list, list[BaseException]]:
    """Run ``work(n)`` in ``threads`` threads released together; each closes its own
    database connection. Returns (results, errors)."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(threads)
    results: list = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(n: int):
        try:
            barrier.wait(timeout=30)
            value = work(n)
            with lock:
                results.append(value)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=target, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in pool), "a thread hung"
    return results, errors


def post_at_once(user, url: str, body: dict, *, threads: int = 20, **headers) -> list:
    """POST the same JSON ``body`` to ``url`` from ``threads`` clients at once, all signed
    in as ``user`` (one session, with an authenticator used in it). Returns the responses."""
    from django.test import Client

    from tests.project.api_world import sign_in

    cookies = sign_in(user).cookies

    def send(_n: int):
        client = Client()
        client.cookies = cookies
        return client.post(url, body, content_type="application/json", headers=headers)

    responses, errors = run_at_once(send, threads=threads)
    assert errors == []
    return responses


# --- A real Celery worker process ----------------------------------------------------------


def database_url_of_this_test() -> str:
    """A URL for the database this test runs on (the test database, not the main one)."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{db['NAME']}"


class Worker:
    """A ``celery worker`` process of the project, consuming only ``queue``."""

    def __init__(self, queue: str, node: str, process, log) -> None:
        self.queue, self.node, self.process, self.log = queue, node, process, log
        self.sender = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def assert_alive(self) -> None:
        assert self.process.poll() is None, "the worker stopped:\n" + self.log_text()

    def send(self, name: str, **kwargs):
        """Send the task ``name`` by name through Redis to this worker's queue, as beat
        would; returns its AsyncResult (read from the result backend)."""
        if self.sender is None:
            from celery import Celery
            from django.conf import settings

            # A fresh, non-eager app: the suite's own app runs tasks in-process.
            self.sender = Celery(
                "sender",
                broker=settings.CELERY_BROKER_URL,
                backend=settings.CELERY_RESULT_BACKEND,
                set_as_current=False,  # shared tasks stay bound to the project's app
            )
        return self.sender.send_task(name, kwargs=kwargs, queue=self.queue)

    def children(self) -> set[int]:
        """The ids of the worker's own child processes (the prefork pool's processes)."""
        found: set[int] = set()
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            children = (task / "children").read_text().split()
            found.update(int(pid) for pid in children)
        return found

    def child_connected_from(self, port: int) -> int:
        """The pool process whose TCP connection leaves from local ``port`` (a database
        session's ``client_port``): the process actually running that session's work."""
        inodes_by_port = _tcp_socket_inodes(port)
        for pid in self.children():
            for fd in _fds(pid):
                if fd in inodes_by_port:
                    return pid
        raise AssertionError(f"no process of the worker is connected from port {port}")


def _tcp_socket_inodes(port: int) -> set[str]:
    """The inodes of the local TCP sockets bound to ``port`` (IPv4 and IPv6)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    return inodes


def _fds(pid: int) -> set[str]:
    """What the open file descriptors of process ``pid`` point at."""
    import os

    targets = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                targets.add(os.readlink(fd))
            except OSError:
                continue  # closed meanwhile
    except OSError:
        pass  # the process ended meanwhile
    return targets


@contextmanager
def celery_worker(tmp_path, *, pool: str = "solo", concurrency: int = 1, env=None):
    """A ``celery -A mutualsociety worker`` process against this test's database and the
    Redis of ``REDIS_URL``, on a queue of its own (no stray worker takes its tasks; the
    tasks it sends itself go there too); always
    stopped at the end, and its queue removed. ``env`` adds to its environment."""
    import os
    import subprocess
    import sys
    import uuid

    import redis
    from django.conf import settings

    queue = f"test-{uuid.uuid4().hex[:12]}"
    node = f"{queue}@pytest"
    log = tmp_path / f"{queue}.log"
    celery = Path(sys.executable).with_name("celery")
    environment = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DATABASE_URL": database_url_of_this_test(),
        "REDIS_URL": settings.REDIS_URL,
        "MUTUALSOCIETY_VAR_DIR": str(tmp_path / "var"),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # What the worker sends itself (a batch run's chord, the outbox) stays on its queue.
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        **(env or {}),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                str(celery), "-A", "mutualsociety", "worker", f"--pool={pool}",
                "-c", str(concurrency), "--without-mingle", "--without-gossip",
                "--without-heartbeat", "-Q", queue, "-n", node, "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        worker = Worker(queue, node, process, log)
        try:
            yield worker
        finally:
            if worker.sender is not None:
                worker.sender.close()
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            redis.Redis.from_url(settings.REDIS_URL).delete(queue, f"_kombu.binding.{queue}")
