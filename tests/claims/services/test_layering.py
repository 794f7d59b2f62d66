"""claims/services imports in one direction: no module imports one that imports it back
(directly or around a loop), and none imports another module's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import claims.services

SERVICES = Path(claims.services.__file__).parent


def _imports() -> dict[str, set[tuple[str, str]]]:
    """module → {(module it imports from within services, name)}, every import statement
    of the file (also those inside functions)."""
    found: dict[str, set[tuple[str, str]]] = {}
    for path in SERVICES.glob("*.py"):
        module = path.stem
        found[module] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                for alias in node.names:
                    found[module].add((node.module, alias.name))
    return found


def test_no_module_reaches_a_private_name_of_another():
    private = [
        (module, source, name)
        for module, names in _imports().items()
        for source, name in names
        if name.startswith("_")
    ]
    assert private == []


def test_the_imports_between_service_modules_have_no_loop():
    edges = {m: {source for source, _name in names} for m, names in _imports().items()}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " → ".join((*path, module))
        if module in done:
            return
        for target in edges.get(module, ()):
            visit(target, (*path, module))
        done.add(module)

    for module in edges:
        visit(module, ())
    assert {"decisions", "handling", "notice", "panels", "draw", "intake"} <= set(edges)
