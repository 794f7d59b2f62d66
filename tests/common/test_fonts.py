"""mutualsociety.common.fonts: which Chinese font PDFs embed, and what happens without."""

from __future__ import annotations

import logging

import pytest
from reportlab.pdfbase.ttfonts import TTFError

from mutualsociety.common import fonts


@pytest.fixture(autouse=True)
def _fresh():
    fonts.cjk_font.cache_clear()
    yield
    fonts.cjk_font.cache_clear()


@pytest.fixture
def no_system_font(monkeypatch, settings):
    settings.PDF_CJK_FONT = ""
    monkeypatch.setattr(fonts, "SYSTEM_FONTS", ("/nonexistent/font.ttc",))


def test_without_a_font_file_pdfs_name_the_built_in_font_and_the_log_says_so(
    no_system_font, caplog
):
    with caplog.at_level(logging.WARNING, logger="mutualsociety.common.fonts"):
        assert fonts.cjk_font() == fonts.FALLBACK

    assert "fonts-wqy-microhei" in caplog.text


def test_a_machine_without_a_font_passes_the_checks(no_system_font):
    """make run and make test need nothing but Python: no font is no configuration error."""
    assert fonts.check_cjk_font() == []


def test_a_configured_font_that_is_missing_is_an_error(settings, tmp_path):
    settings.PDF_CJK_FONT = str(tmp_path / "missing.ttf")

    [message] = fonts.check_cjk_font()

    assert message.id == "common.E001"
    with pytest.raises(TTFError, match="PDF_CJK_FONT"):
        fonts.cjk_font()


def test_a_font_reportlab_cannot_embed_is_refused_by_name(settings, tmp_path):
    """A CFF-outline font (Noto Sans CJK's .ttc/.otf) or any file that is not TrueType is
    an error naming the setting, not a certificate without its Chinese."""
    fake = tmp_path / "not-a-font.ttf"
    fake.write_bytes(b"OTTO" + b"\\0" * 64)
    settings.PDF_CJK_FONT = str(fake)

    assert fonts.check_cjk_font() == []
    with pytest.raises(TTFError, match="PDF_CJK_FONT"):
        fonts.cjk_font()


def test_a_face_of_a_collection_is_picked_with_a_hash(settings):
    settings.PDF_CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#1"

    assert fonts.cjk_font_file() == (
        fonts.Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
        1,
    )
