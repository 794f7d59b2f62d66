"""chainladder (numpy, pandas, scikit-learn: seconds to import) is imported only inside
the reserving engine's functions: Django starting, and every module of the solvency app
imported, leave it out (a fresh interpreter, so that no other test's import counts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import importlib, pkgutil, sys
import django
django.setup()
import solvency
for module in pkgutil.walk_packages(solvency.__path__, "solvency."):
    importlib.import_module(module.name)
import claims.selectors, members.selectors, mutualsociety.urls
loaded = sorted(name for name in sys.modules if name.split(".")[0] in {"chainladder", "pandas"})
print("LOADED", loaded)
print("MODULES", len([m for m in sys.modules if m.startswith("solvency.")]))
"""


def test_django_and_every_solvency_module_load_without_chainladder():
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "mutualsociety.settings",
        },
    )
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stdout
    modules = int(done.stdout.split("MODULES")[1].split()[0])
    assert modules > 20  # the walk did import the app (reserving, commands, admin ...)
