"""The rooms of the governance app call each other one way (docs/architecture.md).

Read from the source, so that a new import that closes a loop fails here first:
- modules within ``governance/services`` import each other in one direction (no cycle),
  and never another module's ``_private`` name;
- services, selectors, events, transitions and calculations import no face (admin, api,
  views, forms) — only ``tasks`` may be reached, lazily, to queue work in the outbox;
- selectors, events, transitions and calculations import no service.
"""

from __future__ import annotations

import ast
from pathlib import Path

import governance

ROOT = Path(governance.__file__).parent
FACES = {"admin", "api", "views", "forms", "urls", "api_urls"}
LOWER = {"selectors", "events", "transitions", "calculations", "exceptions"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(absolute module, imported names) of every import in the file, lazy ones too."""
    package = (
        _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    )
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


def _room(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


def test_services_import_each_other_one_way_and_no_private_names():
    services = ROOT / "services"
    graph: dict[str, set[str]] = {}
    private = []
    for path in _sources(services):
        name = _module_name(path)
        graph[name] = set()
        for module, names in _imports(path):
            if module.startswith("governance.services"):
                targets = [module] + [f"{module}.{n}" for n in names]
                graph[name].update(
                    t
                    for t in targets
                    if (ROOT.parent / (t.replace(".", "/") + ".py")).exists()
                    or (ROOT.parent / t.replace(".", "/")).is_dir()
                )
                private += [f"{name} imports {module}.{n}" for n in names if n.startswith("_")]
    assert private == []
    graph = {k: {t for t in v if t != k and t in graph} for k, v in graph.items()}
    visiting, done, cycle = set(), set(), []

    def visit(node, trail):
        if node in done:
            return
        if node in visiting:
            cycle.append(" -> ".join([*trail, node]))
            return
        visiting.add(node)
        for target in sorted(graph[node]):
            visit(target, [*trail, node])
        visiting.discard(node)
        done.add(node)

    for node in sorted(graph):
        visit(node, [])
    assert cycle == []


def test_no_lower_room_imports_a_face_or_a_service():
    wrong = []
    for path in _sources(ROOT):
        name = _module_name(path)
        room = _room(name)
        if room in FACES or room in {"tasks", "apps", "models", "migrations", ""}:
            continue
        for module, _names in _imports(path):
            if not module.startswith("governance."):
                continue
            target = _room(module)
            if target in FACES:
                wrong.append(f"{name} imports the face {module}")
            if room in LOWER and target == "services":
                wrong.append(f"{name} imports the service {module}")
    assert wrong == []
