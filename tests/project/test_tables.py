"""Wide tables scroll inside their box, never off the page: /claims/notices/ clipped its
Status column at 1280 px and the statements page cut off the credit column and the totals
at 390 px. Every table of every template sits directly in a scroll box, and the boxes
scroll."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
#: Django's own navigation table (the admin's app list), copied to add one link.
NOT_DATA_TABLES = {"admin/app_list.html"}
SCROLL_BOXES = ("table-scroll", "statement-scroll")

TEMPLATE_SYNTAX = re.compile(
    r"(?s)\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}|\{%.*?%\}"
)
START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>")


def tables_without_scroll_box(source: str) -> list[int]:
    """Line numbers of the <table>s whose nearest preceding start tag is not a scroll box."""
    text = TEMPLATE_SYNTAX.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    missing = []
    previous = None
    for tag in START_TAG.finditer(text):
        name, attributes = tag.group(1).lower(), tag.group(2)
        if name == "table":
            classes = re.search(r'class="([^"]*)"', previous[1]) if previous else None
            in_box = (
                previous is not None
                and previous[0] == "div"
                and classes
                and any(box in classes.group(1).split() for box in SCROLL_BOXES)
            )
            if not in_box:
                missing.append(text.count("\n", 0, tag.start()) + 1)
        previous = (name, attributes)
    return missing


def test_every_table_sits_in_a_scroll_box():
    offending = {
        str(path.relative_to(TEMPLATES)): lines
        for path in sorted(TEMPLATES.rglob("*.html"))
        if str(path.relative_to(TEMPLATES)) not in NOT_DATA_TABLES
        and (lines := tables_without_scroll_box(path.read_text(encoding="utf-8")))
    }
    assert not offending, offending


def test_the_check_finds_a_bare_table():
    assert tables_without_scroll_box("<p>x</p>\n<table><tr><td>1</td></tr></table>") == [2]
    assert tables_without_scroll_box('<div class="x"><table></table></div>') == [1]
    assert not tables_without_scroll_box(
        '<div class="table-scroll">{% if a %}\n<table></table>{% endif %}</div>'
    )


def test_the_scroll_boxes_scroll_sideways():
    """Portal (site.css), staff site (admin.css) and the statements page."""
    site = (ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")
    admin = (ROOT / "static" / "css" / "admin.css").read_text(encoding="utf-8")
    # The statements page's own styles (a file: the Content-Security-Policy forbids inline).
    statements = (ROOT / "static" / "css" / "admin" / "ledger-statements.css").read_text(
        encoding="utf-8"
    )
    assert re.search(r"\.table-scroll\s*\{[^}]*overflow-x:\s*auto", site)
    assert re.search(r"\.table-scroll\s*\{[^}]*overflow-x:\s*auto", admin)
    assert re.search(r"\.statement-scroll\s*\{[^}]*overflow-x:\s*auto", statements)


def test_the_staff_site_loads_its_stylesheet(client, db, make_user):
    """admin/base_site.html adds static/css/admin.css to every admin page."""
    client.force_login(make_user("boss", is_staff=True, is_superuser=True))
    html = client.get("/admin/").content.decode()
    assert "css/admin.css" in html


def test_the_notices_status_wraps_instead_of_widening_the_table():
    """The Status cell (status and the objection deadline) is running text."""
    source = (TEMPLATES / "claims" / "notice_list.html").read_text(encoding="utf-8")
    assert '<td class="text">{{ case.notice_status }}' in source
    site = (ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")
    assert re.search(r"td\.text,\s*th\.text\s*\{[^}]*white-space:\s*normal", site)
