"""The rooms of the members app call each other one way.

Read from the source, so that a new import that closes a loop fails here first:
- modules within ``members/services`` import each other in one direction (no cycle, lazy
  imports included), and no module of the app imports another module's ``_private`` name;
- services, selectors, events, transitions, rules and calculations import no face (admin,
  api, views, forms) — services reach ``tasks`` only lazily, to queue work in the outbox;
- selectors, events, transitions, rules and calculations import no service;
- no module is much over the 400-line guideline (split by subject instead).
"""

from __future__ import annotations

import ast
from pathlib import Path

import members

ROOT = Path(members.__file__).parent
FACES = {"admin", "api", "views", "forms", "urls", "api_urls"}
LOWER = {"selectors", "events", "transitions", "rules", "calculations", "identity", "regions"}
#: The guideline is about 400 lines; a little over is tolerated, a module twice that is not.
MAX_LINES = 450


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(absolute module, imported names) of every import in the file, lazy ones too."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, []) for alias in node.names)
    return found


def _sources(under: Path) -> list[Path]:
    return sorted(p for p in under.rglob("*.py") if "migrations" not in p.parts)


def _is_module(dotted: str) -> bool:
    path = ROOT.parent / dotted.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _room(module: str) -> str:
    """``members.services.dues`` → ``services``; ``members.models.people`` → ``models``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "members" else ""


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    visiting: set[str] = set()
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> list[str]:
        if node in done:
            return []
        if node in visiting:
            return [*trail[trail.index(node) :], node]
        visiting.add(node)
        for target in sorted(graph[node]):
            found = visit(target, [*trail, node])
            if found:
                return found
        visiting.discard(node)
        done.add(node)
        return []

    for node in sorted(graph):
        found = visit(node, [])
        if found:
            return found
    return []


def test_services_import_each_other_one_way():
    """No import loop between the modules of members/services (e.g. contributions ↔
    lifecycle, which imported each other, one of them lazily)."""
    graph: dict[str, set[str]] = {}
    for path in _sources(ROOT / "services"):
        name = _module_name(path)
        targets: set[str] = set()
        for module, names in _imports(path):
            if module.startswith("members.services"):
                targets.update([module, *(f"{module}.{n}" for n in names)])
        graph[name] = {t for t in targets if _is_module(t) and t != name}
    graph = {name: {t for t in targets if t in graph} for name, targets in graph.items()}
    assert _cycle(graph) == []


def test_no_module_imports_a_private_name_of_another():
    """Shared steps are public in a lower module (``locks.member_lock``,
    ``membership.member_status_set``), not ``_lock`` / ``_set_status`` borrowed."""
    private = [
        f"{_module_name(path)} imports {module}.{name}"
        for path in _sources(ROOT)
        for module, names in _imports(path)
        if module.startswith("members")
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert private == []


def test_the_lower_rooms_import_no_face_and_no_service():
    wrong = []
    for path in _sources(ROOT):
        name = _module_name(path)
        room = _room(name)
        if room not in {"services", *LOWER}:
            continue
        for module, _names in _imports(path):
            target = _room(module) if module.startswith("members.") else ""
            if target in FACES:
                wrong.append(f"{name} imports the face {module}")
            if room in LOWER and target == "services":
                wrong.append(f"{name} imports the service {module}")
    assert wrong == []


def test_no_module_is_much_over_the_guideline():
    long = {
        _module_name(path): lines
        for path in _sources(ROOT)
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
