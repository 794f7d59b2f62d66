"""A publication's page: its facts, text, figures, files with their checksums, and every
published version of the document with its dates, correction notes and withdrawals."""

import hashlib

import pytest
from django.urls import reverse

from disclosure.services import publication_discard, publication_submit
from tests.disclosure.archive.factories import (
    at,
    corrected,
    manual_draft,
    solvency,
    withdrawn,
)

pytestmark = pytest.mark.django_db

CSV = "指标,金额\n实际资本,1234567.80\n".encode()


def _url(publication) -> str:
    return reverse("disclosure:publication", args=[publication.pk])


def test_the_page_shows_the_document(client):
    publication = solvency(2026, 1, files=[("csv", "偿付能力摘要.csv", CSV)])
    response = client.get(_url(publication))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1><span lang="en">Solvency report summary, 2026Q1</span></h1>' in html
    assert "2026Q1" in html and "Solvency report summary" in html
    # the body as paragraphs with line breaks, escaped
    assert "<p>The comprehensive ratio is above the requirement.<br>So is the core ratio.</p>" in (
        html
    )
    # the figures: a definition list, a nested section, a table with a caption, numbers grouped
    assert '<dt>Comprehensive ratio</dt><dd><span class="num">187.45</span></dd>' in html
    assert "<h3>Capital</h3>" in html and "1,234,567.80" in html
    assert "<caption>Modules</caption>" in html and "400,000.00" in html
    # the file with its format, size and checksum, and a link to download it
    sha = hashlib.sha256(CSV).hexdigest()
    assert f"{sha[:32]}<wbr>{sha[32:]}" in html
    attachment = publication.attachments.get()
    assert reverse("disclosure:attachment", args=[publication.pk, attachment.pk]) in html
    assert "CSV" in html and f"{len(CSV)}\xa0bytes" in html


def test_the_chinese_page_shows_the_chinese_text(client):
    publication = solvency(2026, 1)
    html = client.get(_url(publication), headers={"accept-language": "zh-hans"}).content.decode()
    assert publication.title in html and "综合偿付能力充足率高于监管要求。" in html
    assert publication.title_en not in html


def test_the_body_is_never_html(client, compliance, compliance2):
    from tests.disclosure.archive.factories import manual_published

    publication = manual_published(
        compliance, compliance2, body="<script>alert(1)</script>", body_en=""
    )
    html = client.get(_url(publication)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_versions_with_their_dates_and_correction_notes(client, compliance, compliance2):
    first = solvency(2026, 1, when=at(2026, 4, 20))
    second = corrected(first, compliance, compliance2, "The actual capital was misstated.")
    html = client.get(_url(first)).content.decode()
    # the old version says it was corrected, and links to the new one
    assert "This version was corrected on" in html
    assert f'<a href="{_url(second)}">read the newer version</a>' in html
    assert f'<a href="{_url(second)}">Version 2</a>, corrected on' in html
    assert ": The actual capital was misstated." in html
    assert '<strong aria-current="page">Version 1</strong>, published on' in html
    assert '<time datetime="2026-04-20T10:00:00+08:00">' in html
    # the new version's page lists both, itself marked
    html = client.get(_url(second)).content.decode()
    assert f'<a href="{_url(first)}">Version 1</a>' in html
    assert '<strong aria-current="page">Version 2</strong>' in html
    assert "This version was corrected on" not in html


def test_a_withdrawn_version_stays_readable_with_its_reason(client, compliance2):
    publication = solvency(2026, 1)
    withdrawn(publication, compliance2, "Published under the wrong regime.")
    response = client.get(_url(publication))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Withdrawn on" in html and "Published under the wrong regime." in html
    assert "1,234,567.80" in html  # still readable


def test_a_discarded_correction_is_not_a_version(client, compliance, compliance2):
    from disclosure.services import publication_correct

    first = solvency(2026, 1)
    draft = publication_correct(publication=first, actor=compliance, note="Not needed after all.")
    publication_discard(publication=draft, actor=compliance)
    html = client.get(_url(first)).content.decode()
    assert "Not needed after all." not in html and "Version 2" not in html
    assert client.get(_url(draft)).status_code == 404


@pytest.mark.parametrize("state", ["draft", "pending", "discarded", "unknown"])
def test_what_is_not_published_is_a_404_in_the_sites_layout(client, compliance, state):
    draft = manual_draft(compliance)
    if state == "pending":
        publication_submit(publication=draft, actor=compliance)
    elif state == "discarded":
        publication_discard(publication=draft, actor=compliance)
    pk = draft.pk + 100 if state == "unknown" else draft.pk
    response = client.get(reverse("disclosure:publication", args=[pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no published document with this number." in html
    assert 'class="subnav"' in html and "Error 404" in html
    assert draft.title not in html


def test_a_cached_page_costs_one_query_and_a_correction_shows_at_once(
    client, compliance, compliance2, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = solvency(2026, 1)
    client.get(_url(first))
    with django_assert_num_queries(1):
        assert client.get(_url(first)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        corrected(first, compliance, compliance2, "Restated.")
    assert "This version was corrected on" in client.get(_url(first)).content.decode()


def _queries(client, publication) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_url(publication)).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_versions_and_files(client, compliance, compliance2):
    small = solvency(2025, 1, files=[("csv", "a.csv", CSV)])
    few = _queries(client, small)
    large = solvency(2026, 1, files=[("csv", f"{n}.csv", CSV + bytes([48 + n])) for n in range(5)])
    latest = large
    for number in range(4):
        latest = corrected(latest, compliance, compliance2, f"Restatement {number}.")
    withdrawn(large, compliance2, "Superseded.")
    assert _queries(client, large) == few


@pytest.mark.parametrize(
    "path", ["/disclosure/publications/abc/", "/disclosure/no-such-page/", "/disclosure/feed/x/"]
)
def test_an_unknown_address_of_the_disclosure_site_is_a_404_in_its_layout(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="subnav"' in html and "There is nothing at this address." in html
    assert reverse("disclosure:archive") in html
