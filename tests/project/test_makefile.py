"""The README's `make run` takes another address: `make run ADDR=127.0.0.1:8100`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _dry_run(*args: str) -> str:
    """What `make run` would execute (make -n prints the commands and runs none)."""
    return subprocess.run(  # noqa: S603 - a fixed tool on our own Makefile
        ["make", "-n", "-C", str(ROOT), "run", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_run_serves_on_another_port_when_asked():
    assert "manage.py run_platform --addr 127.0.0.1:8100" in _dry_run("ADDR=127.0.0.1:8100")


def test_make_run_serves_on_port_8000_by_default():
    assert "manage.py run_platform --addr 127.0.0.1:8000" in _dry_run()


def test_the_readme_says_how():
    assert "make run ADDR=127.0.0.1:8100" in (ROOT / "README.md").read_text()
