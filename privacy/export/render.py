"""A member's data export written out: JSON (machine-readable, stable keys, the same in
every language) and a PDF a person can read, in the member's language.

The PDF sets all its text in the embedded Chinese font (``mutualsociety.common.fonts``,
as the membership certificate does: WenQuanYi covers Latin too), one heading per
section and one small table per record. Pure functions of the export's data.
"""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from claims.models import Claim
from members.models import (
    Application,
    Beneficiary,
    ContributionDue,
    Coverage,
    Delivery,
    Member,
    MemberEvent,
    Payment,
    Topic,
)
from members.regions import PROVINCE_CHOICES
from mutualsociety.common.fonts import cjk_font

from ..models import CorrectionField, PrivacyRequest
from .sections import SECTIONS

INK = colors.HexColor("#1a1f24")
MUTED = colors.HexColor("#4a5560")
PRIMARY = colors.HexColor("#0a5a73")
RULE = colors.HexColor("#c9d0d6")

#: The words the PDF puts before each value (the JSON keeps the English keys).
LABELS = {
    "member_number": gettext_lazy("Member number"),
    "legal_name": gettext_lazy("Legal name"),
    "id_type": gettext_lazy("Identity document"),
    "id_number": gettext_lazy("Identity number"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "sex": gettext_lazy("Sex"),
    "phone": gettext_lazy("Mobile phone"),
    "email": gettext_lazy("E-mail"),
    "region": gettext_lazy("Region"),
    "address": gettext_lazy("Address"),
    "status": gettext_lazy("Status"),
    "joined_on": gettext_lazy("Member since"),
    "created_at": gettext_lazy("Recorded at"),
    "username": gettext_lazy("User name"),
    "preferred_language": gettext_lazy("Language"),
    "document": gettext_lazy("Document"),
    "version": gettext_lazy("Version"),
    "title": gettext_lazy("Title"),
    "consented_at": gettext_lazy("Consented at"),
    "plan": gettext_lazy("Plan"),
    "plan_name": gettext_lazy("Plan name"),
    "plan_version": gettext_lazy("Plan version"),
    "submitted_at": gettext_lazy("Submitted at"),
    "decided_at": gettext_lazy("Decided at"),
    "answers": gettext_lazy("Health declaration"),
    "reasons": gettext_lazy("Reasons"),
    "start_date": gettext_lazy("Start date"),
    "end_date": gettext_lazy("Ended on"),
    "sum_assured": gettext_lazy("Benefit (sum assured)"),
    "premium": gettext_lazy("Premium per period"),
    "amount": gettext_lazy("Amount"),
    "paid_amount": gettext_lazy("Paid"),
    "due_date": gettext_lazy("Due date"),
    "received_on": gettext_lazy("Received on"),
    "date": gettext_lazy("Date"),
    "memo": gettext_lazy("Memo"),
    "account": gettext_lazy("Account"),
    "account_name": gettext_lazy("Account name"),
    "number": gettext_lazy("Claim number"),
    "kind": gettext_lazy("Kind"),
    "event_date": gettext_lazy("Event date"),
    "description": gettext_lazy("Description"),
    "amount_claimed": gettext_lazy("Amount claimed"),
    "documents": gettext_lazy("Documents"),
    "payments": gettext_lazy("Payments"),
    "subject": gettext_lazy("Subject"),
    "body": gettext_lazy("Text"),
    "read_at": gettext_lazy("Read at"),
    "name": gettext_lazy("Name"),
    "relation": gettext_lazy("Relation"),
    "share": gettext_lazy("Share (%)"),
    "beneficiaries": gettext_lazy("Beneficiaries"),
    "valid_from": gettext_lazy("Valid from"),
    "valid_to": gettext_lazy("Valid to"),
    "reason": gettext_lazy("Reason"),
    "at": gettext_lazy("At"),
    "event": gettext_lazy("Event"),
    "received_at": gettext_lazy("Received at"),
    "due_on": gettext_lazy("Answer due by"),
    "closed_at": gettext_lazy("Closed at"),
    "decision": gettext_lazy("Answer"),
    "outcome": gettext_lazy("Outcome"),
    "meeting": gettext_lazy("Meeting"),
    "motion": gettext_lazy("Motion"),
    "choice": gettext_lazy("Choice"),
    "receipt": gettext_lazy("Receipt code"),
    "suspended_on": gettext_lazy("Suspended on"),
    "lapses_on": gettext_lazy("Lapses on"),
    "withdrawal_effective_on": gettext_lazy("Withdrawal takes effect on"),
    "channel": gettext_lazy("Channel"),
    "payment_frequency": gettext_lazy("Payment frequency"),
    "waiting_period_end": gettext_lazy("Waiting period ends"),
    "term_end": gettext_lazy("Current term ends"),
    "period_start": gettext_lazy("Period from"),
    "period_end": gettext_lazy("Period to"),
    "provider": gettext_lazy("Provider"),
    "reference": gettext_lazy("Reference"),
    "allocated_amount": gettext_lazy("Allocated"),
    "bank_account_name": gettext_lazy("Account holder"),
    "bank_account_number": gettext_lazy("Bank account number"),
    "assessed_amount": gettext_lazy("Assessed amount"),
    "assessment_reasons": gettext_lazy("Assessment reasons"),
    "rejection_reasons": gettext_lazy("Reasons for rejection"),
    "paid_at": gettext_lazy("Paid at"),
    "topic": gettext_lazy("Topic"),
    "email_state": gettext_lazy("E-mail"),
    "sms_state": gettext_lazy("SMS"),
    "setting": gettext_lazy("Notification setting"),
    "sms": gettext_lazy("SMS"),
    "record": gettext_lazy("Record"),
    "counted": gettext_lazy("Counted"),
    "organ": gettext_lazy("Governing body"),
    "role": gettext_lazy("Role"),
    "starts_on": gettext_lazy("Term starts"),
    "ends_on": gettext_lazy("Term ends"),
    "appointed_at": gettext_lazy("Appointed at"),
    "revoked_at": gettext_lazy("Revoked at"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "field": gettext_lazy("Field to correct"),
    "value": gettext_lazy("What it should be"),
    "items": gettext_lazy("What to delete"),
    "details": gettext_lazy("Explanation"),
    "entry": gettext_lazy("Entry"),
}

#: Codes shown by their label in the PDF (the JSON keeps the codes), by section and key.
CHOICES: dict[tuple[str, str], Any] = {
    ("profile", "id_type"): Member.IdType,
    ("beneficiaries", "id_type"): Member.IdType,
    ("beneficiaries", "relation"): Beneficiary.Relation,
    ("profile", "sex"): Member.Sex,
    ("profile", "status"): Member.Status,
    ("profile", "region"): dict(PROVINCE_CHOICES),
    ("applications", "status"): Application.Status,
    ("applications", "channel"): Application.Channel,
    ("coverages", "status"): Coverage.Status,
    ("contributions", "kind"): ContributionDue.Kind,
    ("contributions", "status"): ContributionDue.Status,
    ("payments", "provider"): Payment.Provider,
    ("claims", "kind"): Claim.Kind,
    ("claims", "status"): Claim.Status,
    ("notifications", "topic"): Topic,
    ("notifications", "setting"): Topic,
    ("notifications", "email_state"): Delivery,
    ("notifications", "sms_state"): Delivery,
    ("history", "event"): MemberEvent.Type,
    ("privacy_requests", "kind"): PrivacyRequest.Kind,
    ("privacy_requests", "status"): PrivacyRequest.Status,
    ("privacy_requests", "field"): CorrectionField,
}


def _choice_labels() -> dict[tuple[str, str], dict[str, str]]:
    """Each field's codes and labels, in the active language (made once per PDF)."""
    return {
        where: {str(code): str(label) for code, label in (
            choices.items() if isinstance(choices, dict) else choices.choices
        )}
        for where, choices in CHOICES.items()
    }  # fmt: skip


def _label(labels: dict[tuple[str, str], dict[str, str]], section: str, key: str, v: Any) -> Any:
    """A code's label where the field has choices; a list of records (a claim's
    documents, a designation's beneficiaries) as lines of "label: value"."""
    if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
        return "\n".join(
            "; ".join(
                f"{LABELS.get(k, k)}: {_text(_label(labels, section, k, x))}"
                for k, x in item.items()
            )
            for item in v
        )
    known = labels.get((section, key))
    if known is None or not isinstance(v, str):
        return v
    return known.get(v, v)


def export_json(data: dict[str, Any]) -> bytes:
    """The export as UTF-8 JSON, keys in a fixed order, indented."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()


#: Values up to this many characters are drawn as plain strings (no wrapping needed).
SHORT = 28
#: A section is a table (a row per record) when its records share at most this many fields.
TABLE_COLUMNS = 6


def _tabular(records: list[dict[str, Any]], columns: list[str]) -> bool:
    return len(columns) <= TABLE_COLUMNS and all(
        list(r) == columns and not any(isinstance(v, list | dict) for v in r.values())
        for r in records
    )


def _text(v: Any) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, bool):
        return _("yes") if v else _("no")
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def export_pdf(data: dict[str, Any], *, compress: bool = True) -> bytes:
    """The export as a PDF in the active language: a title page line, then each section
    with its records (an empty section says so)."""
    font = cjk_font()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("My data held by the society"),
        creator="MutualSociety",
        pageCompression=1 if compress else 0,
    )
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, textColor=PRIMARY)
    heading = ParagraphStyle(
        "heading", fontName=font, fontSize=13, leading=18, textColor=PRIMARY, spaceBefore=10
    )
    label = ParagraphStyle("label", fontName=font, fontSize=8.5, leading=11, textColor=MUTED)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, textColor=INK)
    story: list = [
        Paragraph(escape(_("My data held by the society")), title),
        Paragraph(
            escape(
                _("Member %(member)s, made on %(date)s.")
                % {"member": data["member"], "date": timezone.localdate().isoformat()}
            ),
            cell,
        ),
        Spacer(1, 4 * mm),
    ]
    titles = {section.key: str(section.title) for section in SECTIONS}
    labels = _choice_labels()

    def cell_of(v: Any, style: ParagraphStyle = cell):
        # Paragraphs wrap but cost time: short values are drawn as plain strings.
        shown = _text(v)
        if len(shown) <= SHORT and "\n" not in shown:
            return shown
        return Paragraph(escape(shown).replace("\n", "<br/>"), style)

    def label_of(name: str) -> str:
        return str(LABELS.get(name, name.replace("_", " ")))

    plain = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    for key, records in data["sections"].items():
        story.append(Paragraph(escape(titles.get(key, key)), heading))
        if not records:
            story.append(Paragraph(escape(_("Nothing recorded.")), cell))
            continue
        records = [{k: _label(labels, key, k, v) for k, v in r.items()} for r in records]
        columns = list(records[0])
        if _tabular(records, columns):
            # Many records of the same few fields (payments, ledger lines, dues): one
            # table, a row per record.
            table = Table(
                [[Paragraph(escape(label_of(c)), label) for c in columns]]
                + [[cell_of(r[c]) for c in columns] for r in records],
                repeatRows=1,
            )
            table.setStyle(TableStyle([*plain, ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE)]))
            story.append(table)
            continue
        for record in records:
            table = Table(
                [[label_of(name), cell_of(v)] for name, v in record.items()],
                colWidths=[45 * mm, None],
            )
            table.setStyle(
                TableStyle(
                    [
                        *plain,
                        ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
                        ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
                    ]
                )
            )
            story += [table, Spacer(1, 2 * mm)]
    document.build(story)
    return buffer.getvalue()
