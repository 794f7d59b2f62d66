"""A ``Report`` as a PDF (reportlab), the same bytes for the same report.

Text is set in the Chinese font the membership certificate embeds
(``mutualsociety.common.fonts.cjk_font``: a subset of a TrueType font, so that Chinese
reads and extracts as text in every reader; it covers Latin too, so one font serves both
languages). Tables split between rows across pages and repeat their header row; every
page carries a footer with the society's name, the report's generation date and "page X
of Y".

Deterministic: reportlab's invariant mode fixes the document ID and the time stamps, and
the creation and modification dates in the PDF's metadata are the report's
``generated_on`` (not the time of rendering), so one report always renders to the same
bytes and the same SHA-256 — a second run of the monthly job can tell "same document"
from "corrected document" by the checksum alone.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mutualsociety.common.display import format_amount, format_date
from mutualsociety.common.fonts import cjk_font

from .document import Cell, Kind, Report
from .document import Table as ReportTable

INK = colors.HexColor("#1a1f24")
MUTED = colors.HexColor("#4a5560")
PRIMARY = colors.HexColor("#0a5a73")
RULE = colors.HexColor("#c9d0d6")
SOFT = colors.HexColor("#e3f0f4")
STRIPE = colors.HexColor("#f6f8f9")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
FOOTER_SPACE = 14 * mm
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN
CELL_SIZE = 8.5
CELL_PADDING = 4
#: A number column is as wide as its widest value, but never wider than this.
NUMBER_COLUMN_MAX = 42 * mm
#: The least a text column keeps when the numbers take the rest.
TEXT_COLUMN_MIN = 28 * mm
EMPTY = "—"


def cell_display(cell: Cell) -> str:
    """A cell as a person reads it, in the active language: ``1,234,567.89``,
    ``185.43%``, ``2026年9月30日`` / ``30 Sep 2026``; "—" when empty."""
    value = cell.value
    if value is None or value == "":
        return EMPTY if cell.kind is not Kind.TEXT else ""
    if cell.kind is Kind.MONEY:
        return format_amount(value)  # type: ignore[arg-type]
    if cell.kind is Kind.PERCENT:
        return format_amount(Decimal(value) * 100) + "%"  # type: ignore[arg-type]
    if cell.kind is Kind.INTEGER:
        return format_amount(value, 0)  # type: ignore[arg-type]
    if cell.kind is Kind.NUMBER:
        return format_amount(value, 1)  # type: ignore[arg-type]
    if cell.kind is Kind.DATE:
        return format_date(value)  # type: ignore[arg-type]
    if cell.kind is Kind.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")  # type: ignore[arg-type]
    return str(value)


def _pdf_date(report: Report) -> Callable[..., str]:
    """The PDF's creation and modification date: the report's generation day (UTC
    midnight), whatever the clock says when it is rendered."""
    stamp = "D:" + report.generated_on.strftime("%Y%m%d") + "000000+00'00'"

    def formatter(*_args: Any) -> str:
        return stamp

    return formatter


class _Styles:
    def __init__(self, font: str, cjk_wrap: bool) -> None:
        wrap = {"wordWrap": "CJK"} if cjk_wrap else {}

        def style(name: str, size: float, color: Any = INK, **extra: Any) -> ParagraphStyle:
            return ParagraphStyle(
                name,
                fontName=font,
                fontSize=size,
                leading=size * 1.4,
                textColor=color,
                **wrap,
                **extra,
            )

        self.society = style("society", 12, PRIMARY)
        self.title = style("title", 22, spaceBefore=4, spaceAfter=4)
        self.subtitle = style("subtitle", 13, PRIMARY)
        self.meta = style("meta", 9, MUTED)
        self.heading = style("heading", 14, PRIMARY, spaceBefore=12, spaceAfter=5, keepWithNext=1)
        self.paragraph = style("paragraph", 10, spaceAfter=4)
        self.note = style("note", 8.5, MUTED, spaceBefore=2, spaceAfter=2)
        self.caption = style("caption", 9.5, PRIMARY, spaceBefore=6, spaceAfter=3, keepWithNext=1)
        self.head = style("head", CELL_SIZE, PRIMARY)
        self.head_right = style("head_right", CELL_SIZE, PRIMARY, alignment=TA_RIGHT)
        self.cell = style("cell", CELL_SIZE)


def _column_widths(table: ReportTable, shown: list[list[str]], font: str) -> list[float]:
    """Number and date columns as wide as their widest value; text columns share the rest
    (each keeps at least ``TEXT_COLUMN_MIN``); equal widths when that cannot be."""
    count = len(table.headers)
    kinds = [_column_kind(table, i) for i in range(count)]
    widths: list[float | None] = []
    for i, kind in enumerate(kinds):
        if kind is Kind.TEXT:
            widths.append(None)
            continue
        widest = max((stringWidth(row[i], font, CELL_SIZE) for row in shown), default=0.0)
        # The header wraps between words (between characters in Chinese), never inside
        # a word: the column is at least as wide as the header's longest word.
        word = max((stringWidth(w, font, CELL_SIZE) for w in table.headers[i].split()), default=0.0)
        widths.append(min(max(widest, word) + 2 * CELL_PADDING + 2, NUMBER_COLUMN_MAX))
    fixed = sum(w for w in widths if w is not None)
    texts = widths.count(None)
    if texts:
        rest = (BODY_WIDTH - fixed) / texts
        if rest >= TEXT_COLUMN_MIN:
            return [rest if w is None else w for w in widths]
    elif fixed <= BODY_WIDTH:
        return [w or 0.0 for w in widths]
    return [BODY_WIDTH / count] * count


def _column_kind(table: ReportTable, index: int) -> Kind:
    """A column's kind: that of its first non-empty cell (text when all are empty)."""
    for row in table.rows:
        if row[index].value not in (None, ""):
            return row[index].kind
    return Kind.TEXT


def _flowable_table(table: ReportTable, styles: _Styles, font: str) -> Table:
    body = [*table.rows, *([table.total] if table.total else [])]
    shown = [[cell_display(cell) for cell in row] for row in body]
    widths = _column_widths(table, shown, font)
    kinds = [_column_kind(table, i) for i in range(len(table.headers))]
    header = [
        Paragraph(escape(name), styles.head if kind is Kind.TEXT else styles.head_right)
        for name, kind in zip(table.headers, kinds, strict=True)
    ]
    data: list[list[Any]] = [header]
    for row, texts in zip(body, shown, strict=True):
        # Text wraps (a Paragraph); numbers and dates are plain strings: one line, fast.
        data.append(
            [
                Paragraph(escape(value), styles.cell) if cell.kind is Kind.TEXT else value
                for cell, value in zip(row, texts, strict=True)
            ]
        )
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, CELL_SIZE),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), SOFT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, PRIMARY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    for i, kind in enumerate(kinds):
        if kind is not Kind.TEXT:
            commands.append(("ALIGN", (i, 1), (i, -1), "RIGHT"))
    if table.total:
        commands += [
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
            ("BACKGROUND", (0, -1), (-1, -1), STRIPE),
        ]
    flowable = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    flowable.setStyle(TableStyle(commands))
    return flowable


def _numbered_canvas(report: Report, font: str) -> type[Canvas]:
    """A canvas that holds its pages back until the end, to write "page X of Y" (the
    number of pages is known only then), and the footer on each."""
    page_label = _("Page %(page)s of %(pages)s")
    generated = _("Generated on %(date)s") % {"date": format_date(report.generated_on)}
    date_formatter = _pdf_date(report)

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setDateFormatter(date_formatter)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            y = FOOTER_SPACE - 4 * mm
            self.line(MARGIN, y + 4 * mm, PAGE_WIDTH - MARGIN, y + 4 * mm)
            self.setFont(font, 7.5)
            self.setFillColor(MUTED)
            self.drawString(MARGIN, y, report.society_name)
            self.drawCentredString(PAGE_WIDTH / 2, y, generated)
            self.drawRightString(
                PAGE_WIDTH - MARGIN,
                y,
                page_label % {"page": self._pageNumber, "pages": total},
            )
            if self._pageNumber > 1:
                self.drawRightString(
                    PAGE_WIDTH - MARGIN,
                    PAGE_HEIGHT - MARGIN / 2,
                    f"{report.title} {report.subtitle}",
                )
            self.restoreState()

    return NumberedCanvas


def render_pdf(report: Report, *, compress: bool = True) -> bytes:
    """``report`` as an A4 PDF in its language. ``compress=False`` leaves the page
    streams readable (for tests); the same report and flag give the same bytes."""
    font = cjk_font()
    with translation.override(report.language):
        styles = _Styles(font, cjk_wrap=report.language.startswith("zh"))
        buffer = BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + FOOTER_SPACE / 2,
            title=f"{report.title} {report.subtitle}",
            author=report.society_name,
            subject=report.period_label,
            creator="MutualSociety",
            producer="MutualSociety (ReportLab)",
            pageCompression=1 if compress else 0,
            invariant=1,
            lang="zh-Hans" if report.language.startswith("zh") else "en",
        )
        story: list[Any] = [
            Paragraph(escape(report.society_name), styles.society),
            Paragraph(escape(report.title), styles.title),
            Paragraph(escape(report.subtitle), styles.subtitle),
            Paragraph(escape(report.period_label), styles.meta),
            Paragraph(
                escape(_("Generated on %(date)s") % {"date": format_date(report.generated_on)}),
                styles.meta,
            ),
            Spacer(1, 4 * mm),
        ]
        for section in report.sections:
            story.append(Paragraph(escape(section.heading), styles.heading))
            story += [Paragraph(escape(p), styles.paragraph) for p in section.paragraphs]
            for table in section.tables:
                story.append(Paragraph(escape(table.caption), styles.caption))
                story.append(_flowable_table(table, styles, font))
            story += [Paragraph(escape(n), styles.note) for n in section.notes]
        document.build(story, canvasmaker=_numbered_canvas(report, font))
    return buffer.getvalue()
