"""Every rounding of money goes through ``mutualsociety.common.money`` (issue 10: "every
rounding through quantize_money"): no module calls ``Decimal.quantize`` itself, so the
rule (the cent, ROUND_HALF_UP unless named, a context wide enough for any sum) is written
once. ``display.py`` formats a number for people to the places it is given (an amount,
a rate's percentage), which is showing, not rounding money, and stays."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("accounts", "ledger", "members", "governance", "claims", "solvency", "disclosure")
ALLOWED = {
    ROOT / "mutualsociety" / "common" / "money.py",
    ROOT / "mutualsociety" / "common" / "display.py",
}


def _sources() -> list[Path]:
    found = sorted((ROOT / "mutualsociety").rglob("*.py"))
    for part in PARTS:
        found += sorted((ROOT / part).rglob("*.py"))
    return [p for p in found if "migrations" not in p.parts and p not in ALLOWED]


def _quantize_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "quantize"
    ]


def test_no_module_rounds_money_by_itself():
    calls = [
        f"{path.relative_to(ROOT)}:{line}" for path in _sources() for line in _quantize_calls(path)
    ]
    assert calls == [], "round through quantize_money / quantize_rate instead: " + ", ".join(calls)
