"""The Chinese font that PDFs embed (the membership certificate; later, the reports).

A PDF that only names a font leaves the reader to supply it: without the reader's Asian
font pack its Chinese shows as empty boxes. So PDFs embed a subset of a font file (the
glyphs they use). reportlab embeds TrueType outlines only; Noto Sans CJK (and any other
OpenType font with CFF outlines) cannot be embedded by it. The font is taken from
``settings.PDF_CJK_FONT`` (a path; ``path.ttc#1`` picks the second face of a
collection) or else the first of ``SYSTEM_FONTS`` found: on Debian and in the Docker
image, WenQuanYi Micro Hei (``apt-get install fonts-wqy-microhei``; Apache 2.0 or GPLv3
with the font exception), which covers Chinese and Latin alike.

With none found, Chinese falls back to the built-in CID font ``STSong-Light`` (named,
not embedded) with a warning in the log. A ``PDF_CJK_FONT`` that is not a file stops
``manage.py check`` (common.E001).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

logger = logging.getLogger(__name__)

#: TrueType-outline CJK fonts, where Debian's packages install them (first found wins).
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # fonts-arphic-uming
)
#: The name the embedded font is registered under in reportlab.
EMBEDDED = "SocietyCJK"
#: The built-in CID font used when no font file is found (not embedded).
FALLBACK = "STSong-Light"
INSTALL_HINT = "apt-get install fonts-wqy-microhei, or set PDF_CJK_FONT to a TrueType font"


def cjk_font_file() -> tuple[Path, int] | None:
    """The font file to embed and the face's index in it, or None when there is none."""
    configured = (settings.PDF_CJK_FONT or "").strip()
    if configured:
        path, _sep, index = configured.partition("#")
        return Path(path), int(index or 0)
    for candidate in SYSTEM_FONTS:
        if Path(candidate).is_file():
            return Path(candidate), 0
    return None


@functools.cache
def cjk_font() -> str:
    """Register the Chinese font with reportlab (once) and return its name.

    The embedded font when a file is found (``PDF_CJK_FONT`` or a system font); else the
    built-in ``STSong-Light``, with a warning. A configured file reportlab cannot embed
    (missing, CFF outlines) is an error, not a silent fallback.
    """
    found = cjk_font_file()
    if found is None:
        logger.warning(
            "No TrueType Chinese font to embed in PDFs: their Chinese is left to the "
            "reader's fonts (%s).",
            INSTALL_HINT,
        )
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK))
        return FALLBACK
    path, index = found
    try:
        font = TTFont(EMBEDDED, str(path), subfontIndex=index)
    except (OSError, TTFError) as exc:
        raise TTFError(f"PDF_CJK_FONT {path}: reportlab cannot embed it ({exc}).") from exc
    pdfmetrics.registerFont(font)
    return EMBEDDED


@register()
def check_cjk_font(app_configs=None, **kwargs) -> list[CheckMessage]:
    """common.E001: ``PDF_CJK_FONT`` names a file that is not there.

    A machine without any Chinese font is not an error of the configuration (``make
    run`` needs nothing but Python): its PDFs fall back to the named font, and the log
    says so when the first one is made.
    """
    configured = (settings.PDF_CJK_FONT or "").strip()
    found = cjk_font_file()
    if configured and found is not None and not found[0].is_file():
        return [
            Error(
                f"PDF_CJK_FONT names {found[0]}, which is not a file.",
                hint=INSTALL_HINT,
                id="common.E001",
            )
        ]
    return []
