"""disclosure.reports.render_pdf: what a reader of the published PDF finds in it."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from disclosure.reports import (
    annual_report,
    render_pdf,
    sha256_hex,
    solvency_quarterly_report,
)
from mutualsociety.common import fonts
from mutualsociety.common.fonts import EMBEDDED, cjk_font, cjk_font_file
from tests.disclosure.reports import samples

needs_font = pytest.mark.skipif(
    cjk_font_file() is None,
    reason="needs a TrueType Chinese font to embed (apt-get install fonts-wqy-microhei)",
)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(pdf: bytes) -> str:
    """The text of every page, line breaks and runs of spaces as one space."""
    return re.sub(r"\s+", " ", " ".join(pages_text(pdf)))


@needs_font
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_quarterly_report_shows_the_ratios_and_amounts_to_the_cent(language):
    """Whatever the language, the ratios read as percentages with two decimals and the
    capital to the cent with thousands separators."""
    text = flat(render_pdf(solvency_quarterly_report(samples.quarterly(), language=language)))

    for figure in (
        "185.43%",  # comprehensive ratio
        "120.07%",  # core ratio
        "100.00%",  # its minimum
        "50.00%",
        "125,456,522.13",  # actual capital
        "81,234,567.89",  # core capital
        "67,656,543.21",  # minimum capital
        "60,100,200.30",  # insurance risk module
        "7,037,035.80",  # reserves: 3,456,789.01 + 2,345,678.90 + 1,234,567.89
        "173.53%",  # the last quarter of the history
    ):
        assert figure in text, figure


@needs_font
def test_chinese_comes_out_as_text_because_the_font_is_embedded():
    pdf = render_pdf(solvency_quarterly_report(samples.quarterly(), language="zh-hans"))
    text = flat(pdf)

    assert cjk_font() == EMBEDDED
    assert b"/FontFile2" in pdf  # the TrueType outlines travel with the document
    assert "众安互助相互保险社" in text  # the society's name (data)
    assert "综合偿付能力充足率" in text  # translated labels
    assert "核心资本" in text
    assert "保险风险" in text  # a module's Chinese name
    assert "2026年9月30日" in text  # dates as Chinese readers write them


@needs_font
def test_the_english_report_takes_the_english_names():
    text = flat(render_pdf(solvency_quarterly_report(samples.quarterly(), language="en")))

    assert "Zhong'an Mutual Insurance Society" in text
    assert "Comprehensive solvency adequacy ratio" in text
    assert "Insurance risk" in text
    assert "30 Sep 2026" in text


@needs_font
def test_every_page_has_the_footer_with_page_x_of_y():
    pdf = render_pdf(annual_report(samples.annual(months=120), language="en"))
    pages = pages_text(pdf)

    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Zhong'an Mutual Insurance Society" in page
        assert "Generated on 10 Feb 2027" in page


@needs_font
def test_a_long_table_runs_onto_the_next_page_with_its_header_repeated():
    """A table of 120 months does not fit on one page: each page it spans starts with
    the column headers again, and its rows are all there."""
    report = annual_report(samples.annual(months=120), language="en")
    pages = pages_text(render_pdf(report))

    holding = [i for i, page in enumerate(pages) if "Critical illness mutual aid plan" in page]
    spanned = [i for i in holding if "Accident mutual aid plan" in pages[i]]
    assert len(spanned) >= 2
    for i in spanned:
        page = re.sub(r"\s+", " ", pages[i])
        assert "Claims by plan and month of submission" in page or i != spanned[0]
        assert "Amount claimed Amount approved Amount paid" in page
    text = " ".join(pages)
    assert "232,209.19" in text  # the 120th row's amount claimed: 100000 + 119 * 1111, .19
    assert "100,000.00" in text  # and the first's


@needs_font
def test_the_same_report_renders_to_the_same_bytes():
    """Rendered twice (and in between another report), the same figures give the same
    PDF, byte for byte, so the same SHA-256: a second run publishes nothing new."""
    figures = samples.annual(months=40)
    first = render_pdf(annual_report(figures, language="zh-hans"))
    render_pdf(solvency_quarterly_report(samples.quarterly(), language="en"))
    second = render_pdf(annual_report(samples.annual(months=40), language="zh-hans"))

    assert first == second
    assert sha256_hex(first) == sha256_hex(second)


@needs_font
def test_different_figures_give_a_different_checksum():
    figures = samples.quarterly()
    before = render_pdf(solvency_quarterly_report(figures, language="en"))
    figures["solvency"]["capital"]["actual"] = "125456522.14"

    after = render_pdf(solvency_quarterly_report(figures, language="en"))

    assert sha256_hex(before) != sha256_hex(after)


def test_the_pdf_is_dated_by_the_report_not_by_the_clock():
    pdf = render_pdf(solvency_quarterly_report(samples.quarterly(), language="en"))

    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    assert info["/CreationDate"].startswith("D:20261020")
    assert info["/Author"] == "Zhong'an Mutual Insurance Society"


def test_text_in_the_figures_is_not_read_as_markup():
    figures = samples.quarterly()
    figures["society"]["name_en"] = "Mutual <b> & <i>Friends"
    figures["solvency"]["modules"][0]["name"] = "Risk <para> & co"

    pdf = render_pdf(solvency_quarterly_report(figures, language="en"))

    assert pdf.startswith(b"%PDF-")


SUBPROCESS_RENDER = """
import django, sys
django.setup()
from disclosure.reports import annual_report, render_pdf
from tests.disclosure.reports import samples
sys.stdout.write(render_pdf(annual_report(samples.annual(months=40), language="zh-hans")).hex())
"""


@needs_font
def test_another_process_at_another_time_renders_the_same_bytes():
    """The worker that reruns the job is another process, maybe in another time zone
    and with another hash seed: its PDF is the same, byte for byte."""
    here = render_pdf(annual_report(samples.annual(months=40), language="zh-hans"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mutualsociety.settings",
        "PYTHONHASHSEED": "12345",
        "TZ": "America/New_York",
    }

    there = subprocess.run(
        [sys.executable, "-c", SUBPROCESS_RENDER],
        capture_output=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        text=True,
    ).stdout

    assert bytes.fromhex(there) == here


def test_without_a_chinese_font_file_the_report_still_renders(monkeypatch, settings):
    """A bare machine (no font package) gets a PDF naming the built-in Chinese font, not
    an error: the figures are all there."""
    settings.PDF_CJK_FONT = ""
    monkeypatch.setattr(fonts, "SYSTEM_FONTS", ("/nonexistent/font.ttc",))
    fonts.cjk_font.cache_clear()
    try:
        pdf = render_pdf(solvency_quarterly_report(samples.quarterly(), language="en"))
    finally:
        fonts.cjk_font.cache_clear()

    assert b"/FontFile2" not in pdf
    assert b"STSong-Light" in pdf
    assert "125,456,522.13" in flat(pdf)
