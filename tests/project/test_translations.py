"""Every string a person sees exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[dict]:
    """The entries of a .po file: flags, msgid and msgstr (plural forms concatenated)."""
    entries: list[dict] = []
    current: dict | None = None
    key = ""
    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current and current["msgid"]:
                entries.append(current)
            current = None
            continue
        if current is None:
            current = {"flags": "", "msgid": "", "msgstr": "", "obsolete": False}
        if line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        else:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
            if match:
                key = "msgstr" if match.group(1).startswith("msgstr") else match.group(1)
                value = match.group(2)
            else:
                value = re.match(r'^"(.*)"$', line).group(1)
            if key in ("msgid", "msgstr"):
                current[key] += value
    return [e for e in entries if not e["obsolete"]]


def test_chinese_catalog_is_complete_and_compiled():
    """No zh-hans entry is untranslated or fuzzy, and the compiled catalog is committed."""
    text = CATALOG.read_text(encoding="utf-8")
    entries = _entries(text)
    assert len(entries) > 50
    untranslated = [e["msgid"] for e in entries if not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    assert CATALOG.with_suffix(".mo").exists()
    assert (ROOT / "locale" / "en" / "LC_MESSAGES" / "django.mo").exists()


def test_pages_are_translated(client, db):
    """The home page says different things in zh-hans and en."""
    zh = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    en = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="zh-hans"' in zh
    assert '<html lang="en"' in en
    assert zh != en


def test_amounts_are_grouped_by_thousands_in_both_languages():
    """300,000.00 on Chinese pages too (Django's zh_Hans formats group nothing)."""
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ amount|floatformat:"2g" }}')
    for language in ("zh-hans", "en"):
        with translation.override(language):
            rendered = template.render(Context({"amount": Decimal("1234567.5")}))
        assert rendered == "1,234,567.50", language


#: A Chinese character (or full-width mark) followed by an ASCII ; , : ( or ) — "90 天; 意外",
#: "12 个月, 自动续保", "文件: …" — where Chinese takes ；，：（）. Placeholders, URLs, code and
#: numbers are not Chinese text, so "%(date)s: ", "https://" and "10:30" pass.
CHINESE_THEN_ASCII_PUNCTUATION = re.compile(
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef][ \t]*[;,:()]"
)


def test_chinese_text_uses_chinese_punctuation():
    """No msgstr of the zh-hans catalog follows Chinese text with ASCII punctuation."""
    entries = _entries(CATALOG.read_text(encoding="utf-8"))
    offending = [
        (e["msgid"], match.group(0))
        for e in entries
        for match in [CHINESE_THEN_ASCII_PUNCTUATION.search(e["msgstr"])]
        if match
    ]
    assert not offending, offending[:10]


def test_the_punctuation_check_finds_what_it_is_for():
    """The pattern catches the defects the issue names and lets code and numbers pass."""
    for bad in ("90 天; 意外", "12 个月, 自动续保", "文件: 章程", "管理费(8%)", "（见附件)"):
        assert CHINESE_THEN_ASCII_PUNCTUATION.search(bad), bad
    for good in ("90 天；意外", "%(date)s: ", "https://example.org", "10:30", "SHA-256(seed:id)"):
        assert not CHINESE_THEN_ASCII_PUNCTUATION.search(good), good
