"""privacy.export: everything the society holds about a member, theirs only, as JSON with
stable keys and as a PDF a person can read in their language."""

from __future__ import annotations

import io
import json

import pytest
from django.utils import translation
from pypdf import PdfReader

from privacy.export.render import export_json, export_pdf
from privacy.export.sections import SECTIONS, member_export

pytestmark = pytest.mark.django_db

KEYS = [
    "profile",
    "consents",
    "applications",
    "coverages",
    "contributions",
    "payments",
    "ledger",
    "claims",
    "governance",
    "consultations",
    "complaints",
    "surplus_and_refunds",
    "beneficiaries",
    "notifications",
    "history",
    "privacy_requests",
]


def text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_sections_and_their_keys_are_stable(alice):
    data = member_export(alice)

    assert [s.key for s in SECTIONS] == KEYS
    assert list(data["sections"]) == KEYS
    assert set(data["sections"]["profile"][0]) >= {
        "member_number",
        "legal_name",
        "id_number",
        "phone",
        "email",
        "status",
    }


def test_the_export_holds_the_members_data_and_none_of_anothers(alice, bob):
    data = json.loads(export_json(member_export(alice)))
    flat = json.dumps(data, ensure_ascii=False)
    sections = data["sections"]

    assert sections["profile"][0]["legal_name"] == "赵爱丽"
    assert sections["profile"][0]["id_number"] == alice.id_number
    assert [p["amount"] for p in sections["payments"]] == ["123.45"]
    assert any(line["amount"] in ("123.45", "-123.45") for line in sections["ledger"])
    assert [c["number"] for c in sections["claims"]] == [alice.claims.get().number]
    assert sections["claims"][0]["documents"][0]["original_name"] == "report.pdf"
    assert sections["beneficiaries"][0]["beneficiaries"][0]["name"] == "赵小宝"
    assert sections["consents"] and sections["applications"] and sections["coverages"]
    for secret in ("钱伯德", bob.id_number, bob.member_number, "678.90", "钱小贝", bob.phone):
        assert secret not in flat


def test_beneficiaries_numbers_stay_masked_in_the_export(alice):
    number = alice.designations.get().beneficiaries.get().id_number
    flat = export_json(member_export(alice)).decode()

    assert number not in flat
    assert number[-4:] in flat


def test_the_pdf_reads_in_english_and_in_chinese(alice, bob):
    data = member_export(alice)
    with translation.override("en"):
        english = text(export_pdf(data))
    with translation.override("zh-hans"):
        chinese = text(export_pdf(data))

    assert "My data held by the society" in english
    assert "Payments" in english and "123.45" in english
    assert alice.member_number in english and "赵爱丽" in english
    assert "钱伯德" not in english and "678.90" not in english
    assert "赵爱丽" in chinese and "123.45" in chinese
    # Codes by their label: the JSON says "resident_id", the PDF the document's name.
    assert "Resident identity card (mainland)" in english and "resident_id" not in english
    # Labels in the reader's language (one the catalogue already translates).
    assert "Member number" in english and "会员编号" not in english
    assert "会员编号" in chinese and "Member number" not in chinese


def test_the_export_reads_a_fixed_number_of_queries(alice, django_assert_max_num_queries):
    """One query or two per section, however many records the member has."""
    from tests.members.factories import pay

    for _ in range(5):
        pay(alice, "30.00")
    with django_assert_max_num_queries(28):  # 20; 3 complaints, 3 consultations, 2 surplus
        member_export(alice)


def test_the_export_holds_the_members_complaints_with_every_step_and_none_of_anothers(alice, bob):
    from support.models import Complaint
    from tests.support.factories import file_for, handler_make, resolved

    mine = resolved(alice, handler_make(), outcome=Complaint.Status.PARTLY_UPHELD)
    file_for(bob, description="Bob's own grievance about the call centre.")

    (complaint,) = member_export(alice)["sections"]["complaints"]
    assert complaint["reference"] == mine.reference
    assert complaint["status"] == "partly_upheld"
    assert complaint["outcome_text"] == "We apologise and will call you within a day."
    assert [step["type"] for step in complaint["steps"]] == ["filed", "acknowledged", "resolved"]
    assert "Bob's own grievance" not in export_json(member_export(alice)).decode()


def test_the_export_holds_the_members_consultation_answers_and_comments_only(alice, bob, make_user):
    from governance.services.consultations import consultation_comment, consultation_respond
    from tests.governance.factories import consultation_answers, consultation_make

    secretary = make_user("sec", roles=("board_secretary",), is_staff=True)
    consultation = consultation_make(actor=secretary)
    consultation_respond(
        consultation=consultation,
        member=alice,
        answers=consultation_answers(consultation, single="B", multiple=["X"], scale=4),
    )
    consultation_comment(consultation=consultation, member=alice, body="爱丽的意见")
    consultation_comment(consultation=consultation, member=bob, body="伯德的意见")

    section = member_export(alice)["sections"]["consultations"]
    (response,) = [r for r in section if r["record"] == "response"]
    assert [a["option"] for a in response["answers"]][:2] == ["B", "X"]
    assert [c["comment"] for c in section if c["record"] == "comment"] == ["爱丽的意见"]
    assert "伯德的意见" not in export_json(member_export(alice)).decode()
