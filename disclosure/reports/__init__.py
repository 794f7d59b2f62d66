"""The disclosure reports: a document model, two builders and three renderers.

Pure functions, no database and no clock, so that the same approved figures always give
the same bytes (and the same SHA-256) and a job run twice for a period can tell "nothing
changed" from "a correction":

- ``document``: ``Report`` → ``Section`` → ``Table`` → typed ``Cell`` (money, percent,
  integer, number, date, text);
- ``builders``: ``solvency_quarterly_report(figures, language=...)`` and
  ``annual_report(figures, language=...)``; the ``figures`` schema is in the docstring of
  ``builders``; a bad value raises ``FiguresError`` naming its path;
- ``pdf``: ``render_pdf`` (reportlab, the embedded Chinese font, repeated table headers,
  "page X of Y", deterministic);
- ``data``: ``render_csv`` (one long-form CSV, UTF-8 with BOM), ``render_json`` (the
  figures, sorted keys) and ``sha256_hex``.
"""

from .builders import ANNUAL, SOLVENCY_QUARTERLY, annual_report, solvency_quarterly_report
from .data import render_csv, render_json, sha256_hex
from .document import Cell, Kind, Report, Section, Table
from .figures import SCHEMA, FiguresError, jsonable
from .pdf import render_pdf

__all__ = [
    "ANNUAL",
    "SCHEMA",
    "SOLVENCY_QUARTERLY",
    "Cell",
    "FiguresError",
    "Kind",
    "Report",
    "Section",
    "Table",
    "annual_report",
    "jsonable",
    "render_csv",
    "render_json",
    "render_pdf",
    "sha256_hex",
    "solvency_quarterly_report",
]
