"""Serving the project with gunicorn for the benchmarks that measure pages, and the
numbers they report (``disclosure-pages``, ``portal-load``).

- ``gunicorn()`` starts gunicorn on 127.0.0.1 (a free port, sync workers) with the
  environment it is given on top of this process's, waits until ``probe`` answers, yields
  the port and stops that process (its own, only) afterwards;
- ``database_url()`` names the database this process uses (a test database in tests), so
  that the server reads what the benchmark wrote;
- ``fetch()`` is one request on a fresh connection; ``summary()`` the requests, rps and
  latency percentiles of a list of latencies.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: What a browser sends; the pages answer in Chinese by default.
HEADERS = {"Accept-Language": "zh-hans", "User-Agent": "bench"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The URL of the database this process is connected to."""
    from django.db import connections

    db = connections["default"].settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def _wait_for(
    port: int, path: str, proc: subprocess.Popen, headers: Mapping[str, str], timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited; see its output above")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers=dict(headers))
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


@contextlib.contextmanager
def gunicorn(
    *,
    env: Mapping[str, str],
    workers: int,
    probe: str,
    headers: Mapping[str, str] = HEADERS,
) -> Iterator[int]:
    """gunicorn serving ``mutualsociety.wsgi`` on 127.0.0.1 with ``workers`` sync workers
    and ``env`` over this process's environment (``PYTHONPATH`` is the repository); yields
    its port once ``probe`` answers, and stops it afterwards."""
    port = free_port()
    executable = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen(  # noqa: S603 - our own server on 127.0.0.1
        [executable, "mutualsociety.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )  # fmt: skip
    try:
        _wait_for(port, probe, proc, headers)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def fetch(port: int, path: str, headers: Mapping[str, str] = HEADERS) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=dict(headers))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def percentile(sorted_values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile of values already sorted (NaN when there are none)."""
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def summary(
    latencies: list[float], errors: dict[str, int], seconds: float, *, p99: bool = False
) -> dict:
    """Requests answered as expected, their rate over ``seconds``, p50 and p95 (and p99)
    of their latencies in ms, and the other outcomes counted by status or exception."""
    every = sorted(latencies)
    out = {
        "requests": len(every),
        "rps": round(len(every) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(every, 0.50) * 1000, 2),
        "p95_ms": round(percentile(every, 0.95) * 1000, 2),
    }
    if p99:
        out["p99_ms"] = round(percentile(every, 0.99) * 1000, 2)
    out["errors"] = errors
    return out


def option(given, name: str, default, cast=int):
    """A benchmark's knob: the value given (the tests give theirs), else the environment
    variable ``name``, else ``default``."""
    return given if given is not None else cast(os.environ.get(name, default))
