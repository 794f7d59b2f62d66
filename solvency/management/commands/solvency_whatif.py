"""``manage.py solvency_whatif PATH.json [--format table|json]``: a regime applied to
charges and capital from a file (``solvency.services.whatif``; docs/solvency.md)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mutualsociety.common.exceptions import DomainError
from solvency.services.whatif import json_exact, whatif_run

#: The labels of the table format, in order.
ROWS = (
    ("regime", "regime"),
    ("diversified_requirement", "diversified requirement"),
    ("adjustments", "adjustments after aggregation"),
    ("minimum_capital", "minimum capital"),
    ("mcr", "MCR"),
    ("core_capital", "core capital"),
    ("admitted_supplementary", "supplementary capital admitted"),
    ("actual_capital", "actual capital"),
    ("comprehensive_ratio", "comprehensive ratio (%)"),
    ("core_ratio", "core ratio (%)"),
    ("mcr_ratio", "MCR ratio (%)"),
    ("status", "status"),
    ("early_warning", "early warning"),
)


class Command(BaseCommand):
    help = (
        "Apply a solvency regime to module charges and capital read from a JSON file; "
        "print the requirement, the ratios and the status (the last line is one JSON "
        "object)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the JSON input (see docs/solvency.md)")
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"file: cannot read {path}: {exc}") from None
        try:
            data = json.loads(text, parse_float=Decimal)
        except (ValueError, RecursionError) as exc:
            raise CommandError(f"file: not valid JSON: {exc}") from None
        try:
            result = whatif_run(data)
        except DomainError as error:
            raise CommandError(error.message) from None
        if options["format"] == "table":
            self._table(result)
        self.stdout.write(json_exact(result))

    def _table(self, result: dict) -> None:
        width = max(len(label) for _key, label in ROWS)
        for key, label in ROWS:
            if key not in result:
                continue
            value = result[key]
            if key == "adjustments":
                value = ", ".join(f"{k} {v}" for k, v in value.items()) or "—"
            elif value is None:
                value = "—"
            self.stdout.write(f"{label:<{width}}  {value}")
        self.stdout.write("modules:")
        for name, charge in result["modules"].items():
            self.stdout.write(f"  {name:<{width - 2}}  {charge}")
