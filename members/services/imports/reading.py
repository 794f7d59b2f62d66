"""Reading the file: the header, then each row as a dictionary of its cells.

The columns are named in a header row, in any order, in lower case; an unknown or
repeated column, or a missing required one, refuses the file as a whole (reported on
line 1). Each row's cells are stripped; a row with another number of cells than the
header is refused on its line. The reader streams: nothing but the current row is held.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from django.utils.translation import gettext as _

COLUMNS = (
    "member_number",
    "legal_name",
    "id_type",
    "id_number",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "region",
    "address",
    "plan",
    "payment_frequency",
    "coverage_start",
    "joined_on",
)
REQUIRED_COLUMNS = (
    "legal_name",
    "id_number",
    "date_of_birth",
    "sex",
    "phone",
    "region",
    "coverage_start",
)

#: The line number given to problems of the file as a whole (its header).
HEADER_LINE = 1


class Reading:
    """The input read row by row; a problem with the file as a whole stops it."""

    def __init__(self, file: TextIO) -> None:
        self.file = file
        self.total = 0
        self.errors: list[tuple[int, str, str]] = []
        self.fatal = False

    def fail(self, line: int, name: str, message: str) -> None:
        self.errors.append((line, name, str(message)))
        self.fatal = True

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, {column: stripped value}) for every non-empty row after the header."""
        reader = csv.reader(self.file)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            self.fail(HEADER_LINE, "file", file_error(exc))
            return
        if not header:
            self.fail(HEADER_LINE, "file", _("The file is empty; it needs a header row."))
            return
        names = [h.strip().lstrip("\ufeff").strip().lower() for h in header]
        for name in names:
            if name not in COLUMNS:
                self.fail(
                    HEADER_LINE, name or "file", _("Unknown column %(name)r.") % {"name": name}
                )
        for name in REQUIRED_COLUMNS:
            if name not in names:
                self.fail(
                    HEADER_LINE, name, _("The header has no %(name)s column.") % {"name": name}
                )
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.fail(HEADER_LINE, name, _("The header names %(name)s twice.") % {"name": name})
        if self.fatal:
            return
        # Columns the file leaves out read as empty cells.
        empty = dict.fromkeys((c for c in COLUMNS if c not in names), "")
        width = len(names)
        previous = reader.line_num
        try:
            for cells in reader:
                line = previous + 1  # where the row begins (a quoted cell may span lines)
                previous = reader.line_num
                if not "".join(cells).strip():
                    continue
                self.total += 1
                if len(cells) != width:
                    self.errors.append(
                        (
                            line,
                            "file",
                            _("This row has %(found)d cells; the header has %(expected)d.")
                            % {"found": len(cells), "expected": width},
                        )
                    )
                    continue
                values = dict(empty)
                values.update(zip(names, map(str.strip, cells), strict=True))
                yield line, values
        except (csv.Error, UnicodeDecodeError) as exc:
            self.fail(reader.line_num + 1, "file", file_error(exc))


def file_error(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return _("The file is not UTF-8 text; save it as CSV UTF-8 and try again.")
    return _("The file is not valid CSV here: %(error)s.") % {"error": exc}
