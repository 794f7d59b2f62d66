"""The membership certificate as a PDF.

``render_certificate`` is a pure function of the member, their coverages and the society:
no database access, no request. The certificate is bilingual by design (Chinese first,
English beneath) whatever the reader's language, so its labels are fixed text and not
translated with gettext. Chinese is set in a font embedded in the PDF (a subset of the
glyphs used; ``mutualsociety.common.fonts.cjk_font``), so that it reads the same in
every PDF reader; Latin text and numbers are set in Helvetica.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mutualsociety.common.fonts import cjk_font

LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"

INK = colors.HexColor("#1a1f24")
MUTED = colors.HexColor("#4a5560")
PRIMARY = colors.HexColor("#0a5a73")
RULE = colors.HexColor("#c9d0d6")
SOFT = colors.HexColor("#e3f0f4")

STATUS_LABELS = {
    "active": ("有效", "Active"),
    "suspended": ("暂停（欠缴保费）", "Suspended (premium unpaid)"),
}


def _style(name: str, *, font: str, size: float, color=INK, **extra) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=size * 1.35, textColor=color, **extra
    )


def _money(amount: Decimal | None) -> str:
    if amount is None:
        return "—"
    return f"{amount:,.2f} {settings.SOCIETY_CURRENCY}"


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def _text(value: str) -> str:
    """Paragraph text is a small markup language: escape what people typed."""
    return escape(value or "")


def render_certificate(
    member,
    coverages: Sequence,
    society,
    *,
    issued_on: dt.date | None = None,
    compress: bool = True,
) -> bytes:
    """The membership certificate of ``member`` listing ``coverages`` (those in force).

    Shows the society's name in Chinese and English, the member's name, member number,
    masked identity number (never the full one), date of joining and status, each coverage
    (plan, sum assured, start, end of the waiting period) and the date of issue.
    ``compress=False`` leaves the page streams readable (for tests).
    """
    cjk = cjk_font()
    issued_on = issued_on or timezone.localdate()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=24 * mm,
        rightMargin=24 * mm,
        topMargin=26 * mm,
        bottomMargin=24 * mm,
        title=f"会员证书 Membership certificate {member.member_number}",
        author=society.name_en or society.name,
        subject=f"{society.name} {society.name_en}".strip(),
        creator="MutualSociety",
        pageCompression=1 if compress else 0,
        lang="zh-Hans",
    )

    centre = {"alignment": TA_CENTER}
    society_zh = _style("society_zh", font=cjk, size=20, color=PRIMARY, **centre)
    society_en = _style("society_en", font=LATIN, size=12, color=PRIMARY, **centre)
    title_zh = _style("title_zh", font=cjk, size=30, spaceBefore=14, **centre)
    title_en = _style("title_en", font=LATIN_BOLD, size=15, **centre)
    line_zh = _style("line_zh", font=cjk, size=12, **centre)
    line_en = _style("line_en", font=LATIN, size=10, color=MUTED, **centre)
    name_style = _style("name", font=cjk, size=24, spaceBefore=6, spaceAfter=6, **centre)
    label_zh = _style("label_zh", font=cjk, size=10.5)
    label_en = _style("label_en", font=LATIN, size=8.5, color=MUTED)
    value = _style("value", font=LATIN_BOLD, size=11.5)
    value_cjk = _style("value_cjk", font=cjk, size=11.5)
    cell = _style("cell", font=LATIN, size=9.5)
    cell_cjk = _style("cell_cjk", font=cjk, size=9.5)
    head_zh = _style("head_zh", font=cjk, size=9.5, color=PRIMARY)
    head_en = _style("head_en", font=LATIN, size=7.5, color=PRIMARY)
    foot_zh = _style("foot_zh", font=cjk, size=8.5, color=MUTED, **centre)
    foot_en = _style("foot_en", font=LATIN, size=7.5, color=MUTED, **centre)

    def bilingual(zh: str, en: str, zh_style=label_zh, en_style=label_en) -> list[Paragraph]:
        return [Paragraph(zh, zh_style), Paragraph(en, en_style)]

    story: list = [
        Paragraph(_text(society.name), society_zh),
        Paragraph(_text(society.name_en), society_en),
        Paragraph("会员证书", title_zh),
        Paragraph("Membership certificate", title_en),
        Spacer(1, 8 * mm),
        Paragraph("兹证明", line_zh),
        Paragraph("This is to certify that", line_en),
        Paragraph(_text(member.legal_name), name_style),
        Paragraph("为本社会员，享有本社章程规定的会员权利。", line_zh),
        Paragraph(
            "is a member of the society, with the rights its articles of association give "
            "to members.",
            line_en,
        ),
        Spacer(1, 8 * mm),
    ]

    status_zh, status_en = STATUS_LABELS.get(member.status, (member.status, member.status))
    details = [
        (("会员编号", "Member number"), Paragraph(_text(member.member_number), value)),
        (("证件号码", "Identity number"), Paragraph(_text(member.masked_id_number), value)),
        (("入会日期", "Member since"), Paragraph(_date(member.joined_on), value)),
        (
            ("会籍状态", "Status"),
            [Paragraph(status_zh, value_cjk), Paragraph(status_en, label_en)],
        ),
    ]
    detail_table = Table(
        [[bilingual(*labels), content] for labels, content in details],
        colWidths=[48 * mm, None],
        hAlign="CENTER",
    )
    detail_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    story += [detail_table, Spacer(1, 8 * mm)]

    story += bilingual("保障", "Cover", head_zh, head_en)
    story.append(Spacer(1, 2 * mm))
    if coverages:
        rows = [
            [
                bilingual("计划", "Plan", head_zh, head_en),
                bilingual("保障金额", "Sum assured", head_zh, head_en),
                bilingual("生效日期", "Start", head_zh, head_en),
                bilingual("等待期至", "Waiting period ends", head_zh, head_en),
            ]
        ]
        for coverage in coverages:
            plan = coverage.plan
            # STSong-Light has no middle dot (U+00B7): plain spaces separate the version.
            plan_name = f"{_text(plan.name)}  v{coverage.plan_version.number}"
            rows.append(
                [
                    [
                        Paragraph(plan_name, cell_cjk),
                        Paragraph(_text(plan.name_en), label_en),
                    ],
                    Paragraph(_money(coverage.sum_assured), cell),
                    Paragraph(_date(coverage.start_date), cell),
                    Paragraph(_date(coverage.waiting_period_end), cell),
                ]
            )
        cover_table = Table(
            rows, colWidths=[None, 36 * mm, 27 * mm, 30 * mm], repeatRows=1, hAlign="CENTER"
        )
        cover_table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), SOFT),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        story.append(cover_table)
    else:
        story += bilingual(
            "目前没有生效中的保障。", "No cover is in force at present.", cell_cjk, label_en
        )
    story += [
        Spacer(1, 10 * mm),
        Paragraph(f"签发日期 {issued_on.isoformat()}", line_zh),
        Paragraph(f"Date issued {issued_on.isoformat()}", line_en),
    ]

    footer = [
        "本证书证明会员资格；保障条款以所列计划版本为准。证件号码已部分隐藏。",
        "This certificate confirms membership; the terms of cover are those of the plan "
        "versions listed. The identity number is partly hidden.",
    ]
    registration = " | ".join(
        part for part in (society.registration_number, society.registered_address) if part
    )

    def frame(canvas, doc) -> None:
        """A double border, and the notes at the foot of the page."""
        width, height = A4
        canvas.saveState()
        canvas.setStrokeColor(PRIMARY)
        canvas.setLineWidth(2.2)
        canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        canvas.setLineWidth(0.6)
        canvas.rect(14.5 * mm, 14.5 * mm, width - 29 * mm, height - 29 * mm)
        canvas.restoreState()
        y = 36 * mm
        for text, style in (
            (footer[0], foot_zh),
            (footer[1], foot_en),
            (_text(registration), foot_zh),
        ):
            if not text:
                continue
            paragraph = Paragraph(text, style)
            _w, h = paragraph.wrap(width - 48 * mm, 30 * mm)
            paragraph.drawOn(canvas, 24 * mm, y - h)
            y -= h + 1

    # Leave room at the foot for the notes drawn by ``frame``.
    document.bottomMargin = 40 * mm
    document.build(story, onFirstPage=frame, onLaterPages=frame)
    return buffer.getvalue()
