"""A message to a person writes a date in the language's one format (docs/pages.md):
``format_date(day)``, never ``day.isoformat()`` ("The appeal window closed on
2026-12-04." beside "2026年12月4日" on the same page). Read from the source: every
``gettext(...) % {...}`` whose values call ``.isoformat()``.

Left as they are: messages that echo a date back as the person typed it (in a form or
an import file, ``YYYY-MM-DD``), so that they find it, and the ledger's memos, which are
records rather than messages."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("mutualsociety", "accounts", "ledger", "members", "governance", "claims")
TRANSLATING = {"_", "gettext", "ngettext", "pgettext", "gettext_lazy", "ngettext_lazy"}

#: (file, the message's first words): the date echoes what was typed.
ECHOES = {
    ("members/services/checks.py", "The identity number says you were born on"),
    ("members/identity.py", "The date of birth in the number"),
    ("mutualsociety/common/services/limits.py", ""),
    ("ledger/services/manual.py", "%(date)s is after %(end)s"),
    ("members/services/lifecycle.py", "The date of death %(date)s is before %(joined)s"),
}


def _message(call: ast.Call) -> str:
    for arg in call.args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    return ""


def _iso_in(node: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "isoformat"
        for n in ast.walk(node)
    )


def _iso_messages() -> list[str]:
    found = []
    for part in PARTS:
        for path in sorted((ROOT / part).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = str(path.relative_to(ROOT))
            tree = ast.parse(path.read_text(), filename=relative)
            memos = {
                id(inner)
                for call in ast.walk(tree)
                if isinstance(call, ast.Call)
                for keyword in call.keywords
                if keyword.arg == "memo"
                for inner in ast.walk(keyword.value)
            }
            for node in ast.walk(tree):
                if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)):
                    continue
                if id(node) in memos or relative.endswith("/demo.py"):
                    continue
                left = node.left
                if not (
                    isinstance(left, ast.Call)
                    and isinstance(left.func, ast.Name)
                    and left.func.id in TRANSLATING
                    and _iso_in(node.right)
                ):
                    continue
                message = _message(left)
                if any(relative == f and message.startswith(m) for f, m in ECHOES):
                    continue
                found.append(f"{relative}:{node.lineno} {message[:50]!r}")
    return found


def test_messages_write_dates_in_the_language_s_format():
    assert _iso_messages() == []
