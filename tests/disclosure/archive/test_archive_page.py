"""The archive: every published version, newest first, filterable, with its corrections,
withdrawals and late flags; drafts never; bad filters answer 400 in the site's layout."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Kind
from disclosure.services import publication_discard
from disclosure.views.archive import PER_PAGE
from mutualsociety.common.selectors import society_get
from tests.disclosure.archive.factories import (
    at,
    corrected,
    manual_draft,
    manual_published,
    solvency,
    withdrawn,
)

pytestmark = pytest.mark.django_db

URL = reverse("disclosure:archive")


def test_only_published_versions_are_listed_newest_first(client, compliance, compliance2):
    older = solvency(2026, 1, when=at(2026, 4, 20))
    newer = solvency(2026, 2, when=at(2026, 7, 20))
    manual_draft(compliance, title="草稿", title_en="A draft never shown", key="draft:1")
    pending = manual_draft(compliance, title="待批", title_en="Pending never shown", key="p:1")
    from disclosure.services import publication_submit

    publication_submit(publication=pending, actor=compliance)
    discarded = manual_draft(compliance, title="作废", title_en="Discarded never shown", key="d:1")
    publication_discard(publication=discarded, actor=compliance)

    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(newer.title_en) < html.index(older.title_en)
    for hidden in ("A draft never shown", "Pending never shown", "Discarded never shown"):
        assert hidden not in html
    assert reverse("disclosure:publication", args=[newer.pk]) in html
    assert "2026Q2" in html and "Solvency report summary" in html  # period and kind
    assert '<time datetime="2026-07-20T10:00:00' in html


def test_the_title_is_in_the_pages_language(client):
    publication = solvency(2026, 1)
    english = client.get(URL).content.decode()
    assert publication.title_en in english
    chinese = client.get(URL, headers={"accept-language": "zh-hans"}).content.decode()
    assert publication.title in chinese and publication.title_en not in chinese


def test_a_title_without_english_is_shown_in_chinese_marked_as_such(
    client, compliance, compliance2
):
    manual_published(compliance, compliance2, title="关联交易公告", title_en="")
    html = client.get(URL).content.decode()
    assert 'lang="zh-Hans">关联交易公告</a>' in html


def test_a_corrected_version_links_to_its_correction_with_the_date(client, compliance, compliance2):
    first = solvency(2026, 1, when=at(2026, 4, 20))
    second = corrected(first, compliance, compliance2, "The capital was misstated.")
    html = client.get(URL).content.decode()
    link = reverse("disclosure:publication", args=[second.pk])
    assert f'corrected on <a href="{link}">' in html
    assert f'datetime="{timezone.localtime(second.published_at).isoformat()}' in html


def test_a_withdrawn_version_shows_the_reason(client, compliance2):
    publication = solvency(2026, 1)
    withdrawn(publication, compliance2, "Published under the wrong regime.")
    html = client.get(URL).content.decode()
    assert (
        '<span class="badge badge-off">withdrawn</span>: '
        '<span class="small">Published under the wrong regime.</span>'
    ) in html


def test_a_late_publication_is_flagged(client, compliance, compliance2):
    late = solvency(2026, 1, when=at(2026, 5, 2))  # due 30 April
    on_time = solvency(2026, 2, when=at(2026, 7, 30))  # due 30 July: on time
    # a correction comes when it must: not flagged, whatever the first version's due date
    corrected(on_time, compliance, compliance2, "A figure restated.")
    html = client.get(URL).content.decode()
    assert html.count("published late") == 1
    assert '<time datetime="2026-04-30">' in html
    assert late.published_late


def test_filter_by_kind_and_period(client, compliance, compliance2):
    q1 = solvency(2026, 1)
    q2 = solvency(2026, 2)
    # 2026-03-31, in 2026Q1
    related = manual_published(compliance, compliance2, title_en="Service contract signed")
    html = client.get(URL, {"kind": Kind.SOLVENCY_SUMMARY}).content.decode()
    assert q1.title_en in html and q2.title_en in html and related.title_en not in html
    html = client.get(URL, {"period": "2026Q1"}).content.decode()
    assert q1.title_en in html and related.title_en in html and q2.title_en not in html
    html = client.get(URL, {"period": "2026"}).content.decode()
    assert all(p.title_en in html for p in (q1, q2, related))
    html = client.get(URL, {"period": "2025", "kind": Kind.SOLVENCY_SUMMARY}).content.decode()
    assert "Nothing was published of this kind or period." in html
    html = client.get(URL, {"period": "9999Q4"}).content.decode()
    assert "Nothing was published of this kind or period." in html


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"kind": "horoscope"}, "kind"),
        ({"period": "2026Q5"}, "period"),
        ({"period": "2026-02-30"}, "period"),
        ({"period": "0000Q1"}, "period"),
        ({"period": "0000"}, "period"),
        ({"period": "last year"}, "period"),
    ],
)
def test_a_bad_filter_answers_400_in_the_sites_layout_naming_it(client, query, parameter):
    response = client.get(URL, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"<code>{parameter}</code>" in html
    assert "Information disclosure" in html  # the disclosure layout
    assert 'class="subnav"' in html


def test_a_bad_page_number_shows_a_page(client):
    solvency(2026, 1)
    assert client.get(URL, {"page": "abc"}).status_code == 200
    assert client.get(URL, {"page": "999"}).status_code == 200


def test_pages_of_the_archive(client, compliance, compliance2):
    for number in range(PER_PAGE + 1):
        manual_published(
            compliance,
            compliance2,
            key=f"related_party:{number}",
            title_en=f"Related {number:03d}",
            period=f"2026-01-{number % 28 + 1:02d}",
        )
    first = client.get(URL, {"kind": Kind.RELATED_PARTY}).content.decode()
    assert "Page 1 of 2" in first and "Related 025" in first and "Related 000" not in first
    assert 'href="?kind=related_party&amp;page=2"' in first
    second = client.get(URL, {"kind": Kind.RELATED_PARTY, "page": "2"}).content.decode()
    assert "Related 000" in second


def test_overdue_periodic_documents_are_listed(client):
    society = society_get()
    society.founded_on = dt.date(2024, 1, 1)
    society.save(update_fields=["founded_on"])
    html = client.get(URL).content.decode()
    assert "Documents past their due date" in html
    assert "2024Q1" in html


def test_a_new_publication_shows_at_once(client, django_capture_on_commit_callbacks):
    """The answer is cached, and the cache is forgotten when something is published."""
    with django_capture_on_commit_callbacks(execute=True):
        solvency(2026, 1)
    assert "2026Q2" not in client.get(URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        solvency(2026, 2)
    assert "2026Q2" in client.get(URL).content.decode()


def test_a_cached_answer_costs_one_query(client, django_assert_num_queries):
    """Only the society's name for the layout: the archive's part comes from the cache."""
    solvency(2026, 1)
    client.get(URL)
    with django_assert_num_queries(1):
        response = client.get(URL)
    assert "Solvency report summary, 2026Q1" in response.content.decode()


def _queries(client, django_assert_max_num_queries) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_publications(
    client, compliance, compliance2, django_assert_max_num_queries
):
    first = solvency(2026, 1)
    few = _queries(client, django_assert_max_num_queries)
    for number in range(2, 5):
        solvency(2026, number)
    corrected(first, compliance, compliance2, "Figures restated.")
    withdrawn(solvency(2025, 4), compliance2, "Wrong quarter.")
    for number in range(5):
        manual_published(compliance, compliance2, key=f"related_party:{number}")
    assert _queries(client, django_assert_max_num_queries) == few


def test_made_up_query_parameters_do_not_fill_the_cache(client):
    """?x=1, ?x=2 ... are one cached copy: only the parameters a page reads make a key."""
    from django.core.cache import cache

    client.get("/disclosure/archive/")
    before = len(cache._cache)  # the test's local-memory cache
    for i in range(20):
        assert client.get(f"/disclosure/archive/?utm={i}").status_code == 200
        assert client.get(f"/disclosure/feed/?x={i}").status_code == 200
    client.get("/disclosure/feed/")
    assert len(cache._cache) <= before + 1  # the feed's one copy
    assert client.get("/disclosure/archive/?kind=product").status_code == 200
    assert len(cache._cache) == before + 2
