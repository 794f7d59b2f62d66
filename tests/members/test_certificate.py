"""members.certificate.render_certificate: a pure function from a member, their coverages
and the society to the bytes of a PDF."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess

import pytest

from members.certificate import render_certificate
from members.models import Coverage
from mutualsociety.common.fonts import cjk_font_file
from mutualsociety.common.selectors import society_get
from tests.members.factories import consent_documents_make, member_make, premium_plan_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    consent_documents_make()
    return member_make(premium_plan_make(code="care"))


def _render(member, **kwargs) -> bytes:
    coverages = list(
        Coverage.objects.filter(member=member, status=Coverage.Status.IN_FORCE).select_related(
            "plan", "plan_version"
        )
    )
    return render_certificate(member, coverages, society_get(), compress=False, **kwargs)


def test_the_certificate_is_a_one_page_pdf(member):
    pdf = _render(member)

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert b"/Count 1" in pdf


def test_it_shows_the_member_number_the_masked_identity_number_and_the_cover(member):
    pdf = _render(member, issued_on=dt.date(2026, 5, 4))
    coverage = Coverage.objects.get(member=member)

    assert member.member_number.encode() in pdf
    assert member.masked_id_number.encode() in pdf
    assert member.id_number.encode() not in pdf
    assert b"Membership certificate" in pdf
    assert b"100,000.00 CNY" in pdf
    assert coverage.start_date.isoformat().encode() in pdf
    assert coverage.waiting_period_end.isoformat().encode() in pdf
    assert b"Date issued 2026-05-04" in pdf
    assert member.joined_on.isoformat().encode() in pdf


def test_a_member_without_cover_in_force_gets_a_certificate_saying_so(member):
    pdf = render_certificate(member, [], society_get(), compress=False)

    assert b"No cover is in force at present." in pdf


def test_text_people_typed_is_not_read_as_markup(member):
    member.legal_name = "Anna <b>&amp; Co"
    society = society_get()
    society.name_en = "Mutual <i> & Friends"

    pdf = render_certificate(member, [], society, compress=False)

    assert pdf.startswith(b"%PDF-")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_the_text_reads_in_both_languages(member, tmp_path):
    """Extracted by a PDF reader, the Chinese text comes out as Chinese."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(_render(member))

    text = subprocess.run(  # noqa: S603 - a fixed tool on our own file
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    for expected in ("会员证书", "Membership certificate", "相互保险社", member.legal_name):
        assert expected in text
    assert member.masked_id_number in text
    assert member.id_number not in text


IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
# CI installs the font (.ci/run), so there the test runs or fails, never skips.
needs_cjk_font = pytest.mark.skipif(
    cjk_font_file() is None and not IN_CI,
    reason="needs a TrueType Chinese font: apt-get install fonts-wqy-microhei",
)


@needs_cjk_font
def test_the_chinese_font_is_embedded_as_a_subset(member):
    """The defect: the certificate named the CID font STSong-Light and left it to the
    reader's Asian font pack (empty boxes without it). Now a subset of a TrueType font
    travels inside the PDF (a FontFile2 stream, a subset tag before its name)."""
    pdf = _render(member)

    assert b"STSong-Light" not in pdf
    assert b"/FontFile2" in pdf
    assert re.search(rb"/BaseFont /[A-Z]{6}\+\w+", pdf)


@needs_cjk_font
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs pdffonts (poppler-utils)")
def test_a_pdf_reader_finds_every_font_it_needs_for_chinese_inside(member, tmp_path):
    """pdffonts lists the Chinese font as embedded ("emb yes") and subset ("sub yes");
    the only fonts not embedded are the standard Helvetica ones every reader has."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(_render(member))

    rows = subprocess.run(  # noqa: S603 - a fixed tool on our own file
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]

    embedded = [row for row in rows if " yes yes " in row]
    named_only = [row.split()[0] for row in rows if row not in embedded]
    assert embedded and all("TrueType" in row for row in embedded)
    assert all(name.startswith("Helvetica") for name in named_only)
