"""The rooms of the solvency app call each other one way (read from the source, lazy
imports included): calculations are pure (no ORM, nothing of Django's database, no other
room of the app but calculations); services, selectors, events and transitions import no
face; no module is much over the 400-line guideline."""

from __future__ import annotations

import ast
from pathlib import Path

import solvency

ROOT = Path(solvency.__file__).parent
FACES = {"admin", "management", "views", "api", "urls", "api_urls", "forms"}
MAX_LINES = 450


def _imports(path: Path) -> list[str]:
    module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
    package = (
        module.rpartition(".")[0] if path.name != "__init__.py" else module[: -len(".__init__")]
    )
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.append(".".join([*base, node.module] if node.module else base))
            else:
                found.append(node.module or "")
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def _sources(*rooms: str) -> list[Path]:
    paths: list[Path] = []
    for room in rooms:
        target = ROOT / room
        paths += sorted(target.rglob("*.py")) if target.is_dir() else [target.with_suffix(".py")]
    return paths


def test_calculations_are_pure():
    bad = [
        f"{p.name}: {name}"
        for p in _sources("calculations")
        for name in _imports(p)
        if name.startswith(("django", "solvency.models", "solvency.services", "solvency.selectors"))
        or name.startswith(("ledger", "members", "claims"))
    ]
    assert bad == []


def test_rules_import_no_face():
    bad = [
        f"{p.relative_to(ROOT)}: {name}"
        for p in _sources("services", "selectors", "events", "transitions", "calculations")
        for name in _imports(p)
        if name.startswith("solvency.") and name.split(".")[1] in FACES
    ]
    assert bad == []


def test_no_module_is_much_over_the_guideline():
    long = [
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.py")
        if "migrations" not in p.parts and len(p.read_text().splitlines()) > MAX_LINES
    ]
    assert long == []
