"""Dependencies point one way (docs/architecture.md): the ground floor imports nothing of
the project, ledger knows no other app, governance and claims stand on members, nothing
imports disclosure, and no app imports another app's faces. Read from the source (every
import statement, also those inside functions), so that a lazy import cannot hide."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

GROUND = "mutualsociety.common"
TOP = "mutualsociety"  # the project package: settings, urls, celery, commands, schedule
APPS = (
    "accounts",
    "ledger",
    "members",
    "governance",
    "claims",
    "support",
    "solvency",
    "privacy",
    "disclosure",
)

#: What each part may import from the project (besides itself).
ALLOWED: dict[str, set[str]] = {
    GROUND: set(),
    "accounts": {GROUND},
    "ledger": {GROUND},
    "members": {GROUND, "accounts", "ledger"},
    "governance": {GROUND, "accounts", "ledger", "members"},
    "claims": {GROUND, "accounts", "ledger", "members"},
    "support": {GROUND, "accounts", "ledger", "members", "claims", "governance"},
    "solvency": {GROUND, "accounts", "ledger", "members", "claims", "governance"},
    "privacy": {
        GROUND,
        "accounts",
        "ledger",
        "members",
        "claims",
        "governance",
        "support",
        "solvency",
    },
    "disclosure": {
        GROUND,
        "accounts",
        "ledger",
        "members",
        "claims",
        "governance",
        "support",
        "solvency",
    },
}

#: An app's faces: no other app imports them.
FACES = {"admin", "api", "api_urls", "views", "forms", "urls"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, module: str | None = None) -> list[tuple[int, str]]:
    """Every module ``path`` (the module ``module``) imports, absolute, with its line."""
    module = module or _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            # "from package import module" imports the module too.
            found.append((node.lineno, target))
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def _part_of(name: str) -> str | None:
    """Which part of the project a module belongs to (None: not the project's)."""
    if name == GROUND or name.startswith(GROUND + "."):
        return GROUND
    if name == TOP or name.startswith(TOP + "."):
        return TOP
    head = name.split(".")[0]
    return head if head in APPS else None


def _sources(part: str) -> list[Path]:
    folder = ROOT.joinpath(*part.split("."))
    return sorted(folder.rglob("*.py"))


def _violations(part: str) -> list[str]:
    allowed = ALLOWED[part] | {part}
    out = []
    for path in _sources(part):
        seen = set()
        for line, name in _imports(path):
            other = _part_of(name)
            if other is None or other == part or (line, other) in seen:
                continue
            seen.add((line, other))
            where = f"{path.relative_to(ROOT)}:{line} imports {name}"
            if other not in allowed:
                out.append(where)
            elif name.split(".")[1:2] and name.split(".")[1] in FACES and other in APPS:
                out.append(f"{where} (a face of another app)")
    return out


def test_the_ground_floor_imports_nothing_of_the_project():
    """``mutualsociety/common`` stands on nothing: no app, and nothing of the project
    package outside itself (settings, celery, schedule, demo, commands)."""
    assert _violations(GROUND) == []


@pytest.mark.parametrize("app", APPS)
def test_each_app_imports_only_what_lies_below_it(app):
    """Ledger knows no other app; members may use ledger; governance and claims may use
    members; solvency reads them; disclosure reads everything; no app imports the top
    floor, and none imports another app's admin, API, views or forms."""
    assert _violations(app) == []


def test_the_checker_sees_a_relative_import_up_into_the_project_package(tmp_path):
    """The test can fail: ``from ... import celery`` inside common/services/ resolves to
    ``mutualsociety.celery``, which the ground floor may not import; a lazy import of an
    app inside a function is seen too."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from ...celery import app\n    import ledger.models\n")

    names = {name for _line, name in _imports(probe, "mutualsociety.common.services.probe")}

    assert {"mutualsociety.celery", "ledger.models"} <= names
    assert {_part_of("mutualsociety.celery"), _part_of("ledger.models")} == {TOP, "ledger"}
    assert not ALLOWED[GROUND] & {TOP, "ledger"}
