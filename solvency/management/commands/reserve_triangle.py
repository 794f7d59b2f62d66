"""``manage.py reserve_triangle PATH.csv --method {chainladder,mack,bf} [--incremental]
[--apriori 0.7 --exposure PATH.csv] [--tail 1.05] [--format {table,json}]``: the
reserving engine on a triangle from a file (``solvency.services.triangle_file``;
docs/solvency.md, "Reserves")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mutualsociety.common.exceptions import DomainError
from solvency.services.triangle_file import exposure_read, triangle_project, triangle_read
from solvency.services.whatif import json_exact


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"file: cannot read {path}: {exc}") from None


def _decimal(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"{option}: {text!r} is not a number") from None
    if not value.is_finite():
        raise CommandError(f"{option}: {text!r} is not a number")
    return value


class Command(BaseCommand):
    help = (
        "Project a claims development triangle read from a CSV (origin,development,value) "
        "with chain ladder, Mack or Bornhuetter-Ferguson; the last line is one JSON object."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the triangle: CSV with origin,development,value")
        parser.add_argument("--method", choices=("chainladder", "mack", "bf"), required=True)
        parser.add_argument("--incremental", action="store_true", help="the values are incremental")
        parser.add_argument("--apriori", help="BF: the a-priori loss ratio (0.7)")
        parser.add_argument("--exposure", help="BF: CSV with origin,exposure")
        parser.add_argument("--tail", help="a constant tail factor (1.05)")
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, **options) -> None:
        apriori = _decimal(options["apriori"], "--apriori")
        tail = _decimal(options["tail"], "--tail")
        if options["method"] == "bf" and (apriori is None or not options["exposure"]):
            raise CommandError("--method bf needs --apriori and --exposure")
        try:
            cells = triangle_read(_read(options["path"]), incremental=options["incremental"])
            exposure = exposure_read(_read(options["exposure"])) if options["exposure"] else None
            result = triangle_project(
                cells, method=options["method"], apriori=apriori, exposure=exposure, tail=tail
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        if options["format"] == "table":
            self._table(result)
        self.stdout.write(json_exact(result))

    def _table(self, result: dict) -> None:
        head = ("origin", "latest", "ultimate", "ibnr", "std_err")
        rows = [[str(o[k]) if o[k] is not None else "—" for k in head] for o in result["origins"]]
        totals = result["totals"]
        rows.append(
            ["total", *(str(totals[k]) if totals[k] is not None else "—" for k in head[1:])]
        )
        widths = [max(len(r[i]) for r in [list(head), *rows]) for i in range(len(head))]
        self.stdout.write(f"method: {result['method']}")
        for row in [list(head), *rows]:
            self.stdout.write("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
        self.stdout.write("factors: " + " ".join(str(f) for f in result["factors"]))
