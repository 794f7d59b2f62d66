"""The Content-Security-Policy (issue 14, docs/security.md).

Every page answers with the policy, and no page needs what the policy forbids: no inline
script, no event-handler attribute, no ``style`` attribute, no ``<style>`` block without
the request's nonce, no ``javascript:`` URL. The walk asks for every address of the URL
conf (the second-factor walk's, tests/accounts/test_second_factor_everywhere.py, with its
real objects) as an anonymous visitor, a member and a superuser and parses each HTML page
it is given; the template files are scanned as well, so that a page the walk cannot reach
(an error page, a branch its data does not take) is covered too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from mutualsociety.common.models import Society
from tests.accounts.test_second_factor_everywhere import World

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


class _Offences(HTMLParser):
    """What the policy would block (or that would need 'unsafe-inline') in one page."""

    def __init__(self, nonces: set[str]):
        super().__init__(convert_charrefs=True)
        self.nonces = nonces
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        nonced = attributes.get("nonce") in self.nonces
        data = attributes.get("type") == "application/json"  # json_script: not run
        if tag == "script" and not attributes.get("src") and not nonced and not data:
            self.found.append("<script> without src or nonce")
        if tag == "style" and not nonced:
            self.found.append("<style> without the nonce")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=>")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            if value and re.match(r"\s*javascript:", value, re.I):
                self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def offences(html: str, nonces: set[str] = frozenset()) -> list[str]:
    parser = _Offences(set(nonces))
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_checker_finds_what_the_policy_forbids():
    """The parser below is what every page is held to: it must see each kind."""
    page = (
        '<script>alert(1)</script><script src="/s.js"></script>'
        '<script nonce="n1">ok()</script><button onclick="x()">b</button>'
        '<p style="color:red">p</p><style>p{}</style><style nonce="n1">p{}</style>'
        '<a href="javascript:void(0)">a</a><svg><rect style="fill:red"/></svg>'
        '<script id="data" type="application/json">{"a": 1}</script>'
    )

    assert offences(page, {"n1"}) == [
        "<script> without src or nonce",
        "<button onclick=>",
        "<p style='color:red'>",
        "<style> without the nonce",
        "<a href='javascript:void(0)'>",
        "<rect style='fill:red'>",
    ]
    assert offences('<script nonce="other">x</script>', {"n1"}) == ["<script> without src or nonce"]


def test_the_policy_is_strict():
    """The header of a page: scripts only from this site, nothing inline allowed."""
    from django.test import Client

    response = Client().get("/")
    policy = _directives(response[HEADER])

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]  # no nonce asked for: none in the header
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


@pytest.mark.parametrize("who", ["anonymous", "member", "superuser"])
def test_every_page_keeps_to_the_policy(client, settings, tmp_path, who):
    """Each address of the site answering an HTML page to this person carries the policy
    and has nothing in it that the policy would block."""
    world = World(settings, tmp_path)
    Society.objects.filter(pk=1).update(require_staff_two_factor=False)
    if who == "member":
        client.force_login(world.member.user)
    elif who == "superuser":
        client.force_login(
            get_user_model().objects.create_superuser("root", password="x-long-password-9")
        )

    pages = 0
    found: dict[str, list[str]] = {}
    for _name, path in world.addresses():
        response = client.get(path)
        if response.streaming or response.status_code != 200:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages += 1
        policy = _directives(response.get(HEADER, ""))
        assert "script-src" in policy, f"{path}: no {HEADER} header with script-src"
        assert "'unsafe-inline'" not in policy["script-src"], path
        nonces = {
            source[len("'nonce-") : -1]
            for sources in policy.values()
            for source in sources
            if source.startswith("'nonce-")
        }
        if problems := offences(response.content.decode(), nonces):
            found[path] = problems

    assert found == {}
    assert pages > {"anonymous": 20, "member": 40, "superuser": 200}[who]


TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
# Inside a tag: an event handler, a style attribute, a javascript: URL.
TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
IN_TAG = re.compile(r"""\s(on[a-z]+|style)\s*=|=\s*["']?\s*javascript:""", re.I)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>", re.I)


def _is_email(path: Path) -> bool:
    relative = path.relative_to(TEMPLATES).as_posix()
    return "/email/" in f"/{relative}" or (
        relative.startswith("registration/") and "email" in path.name
    )


def test_no_template_holds_what_the_policy_forbids():
    """Every template but the e-mails (which are not pages): the same patterns, read from
    the files, for the pages no walk reaches."""
    templates = [p for p in TEMPLATES.rglob("*") if p.is_file() and not _is_email(p)]
    assert len(templates) > 100

    found = []
    for template in templates:
        text = template.read_text()
        for tag in TAG.findall(text):
            if IN_TAG.search(tag):
                found.append(f"{template.relative_to(TEMPLATES)}: {tag[:80]}")
        for match in SCRIPT_OR_STYLE.finditer(text):
            tag = match.group(0)
            inline = match.group(1).lower() == "style" or not re.search(
                r"\ssrc=|application/json", tag
            )
            if inline and "request.csp_nonce" not in tag:
                found.append(f"{template.relative_to(TEMPLATES)}: {tag[:80]}")

    assert found == []


def test_the_api_docs_page_runs_no_inline_script(client):
    """Swagger UI's start-up script is served from its own address (the split view)."""
    response = client.get("/api/docs/")
    page = response.content.decode()
    script = re.search(r'<script src="(/api/docs/\?script=[^"]*)"', page)

    assert response.status_code == 200
    assert offences(page) == []
    assert script is not None
    start = client.get(script.group(1).replace("&amp;", "&"))
    assert start.status_code == 200
    assert "SwaggerUIBundle" in start.content.decode()


# --- Uploads: never served inline, never from the web root ---------------------------------


def test_claim_and_complaint_documents_are_private_downloads(client, settings, tmp_path):
    """A claim's and a complaint's document are stored under the private root (no URL
    serves it), and their only address hands them over as an attachment the browser may
    not sniff (a PDF with HTML inside is never rendered as a page of this site)."""
    from claims.services.documents import Upload, document_path
    from support.services import ComplaintData, complaint_file
    from tests.claims.factories import PDF, claim_make, covered_member
    from tests.members.factories import mutual_aid_plan_make
    from tests.support.factories import key

    settings.CLAIM_DOCUMENTS_ROOT = tmp_path / "private"
    member = covered_member(mutual_aid_plan_make())
    claim_document = claim_make(member).documents.get()
    complaint_document = complaint_file(
        member=member,
        data=ComplaintData(category="service", description="See the letter."),
        submission_key=key(),
        documents=[Upload("letter.pdf", PDF)],
    ).complaint.documents.get()
    client.force_login(member.user)

    for document, url in (
        (claim_document, f"/claims/documents/{claim_document.pk}/"),
        (complaint_document, f"/complaints/documents/{complaint_document.pk}/"),
    ):
        stored = document_path(document).resolve()
        assert stored.is_file()
        assert stored.is_relative_to(settings.CLAIM_DOCUMENTS_ROOT.resolve())
        assert not stored.is_relative_to(Path(settings.STATIC_ROOT).resolve())
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment;"), url
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == PDF
