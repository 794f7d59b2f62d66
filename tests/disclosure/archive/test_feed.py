"""The Atom feed: valid Atom, newest first, one entry per version with a stable id;
corrections and withdrawals appear."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from disclosure.selectors.archive import FEED_SIZE
from tests.disclosure.archive.factories import (
    at,
    corrected,
    manual_draft,
    manual_published,
    solvency,
    withdrawn,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
URL = reverse("disclosure:feed")


def _entries(client) -> tuple[ET.Element, list[ET.Element]]:
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None, name
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for name in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{name}") is not None, name
    return root, entries


def _text(entry, name: str) -> str:
    return entry.find(f"{ATOM}{name}").text or ""


def test_valid_atom_newest_first_with_links_to_the_pages(client, compliance):
    older = solvency(2026, 1, when=at(2026, 4, 20))
    newer = solvency(2026, 2, when=at(2026, 7, 20))
    manual_draft(compliance, title_en="A draft never in the feed")
    root, entries = _entries(client)
    assert [_text(e, "title") for e in entries] == [newer.title_en, older.title_en]
    updated = dt.datetime.fromisoformat(_text(entries[0], "updated"))
    assert updated == newer.published_at == at(2026, 7, 20)
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"http://testserver{reverse('disclosure:publication', args=[newer.pk])}"
    assert "The comprehensive ratio is above the requirement." in _text(entries[0], "summary")
    assert "A draft never in the feed" not in ET.tostring(root, encoding="unicode")


def test_an_entrys_id_is_stable_per_version(client, compliance, compliance2):
    first = solvency(2026, 1, when=at(2026, 4, 20))
    _, before = _entries(client)
    corrected(first, compliance, compliance2, "The capital was misstated.")
    from django.core.cache import cache

    cache.clear()
    _, after = _entries(client)
    ids = [_text(e, "id") for e in after]
    assert len(set(ids)) == 2
    stable = f"tag:mutualsociety,2026-04-20:disclosure/publication/{first.pk}"
    assert _text(before[0], "id") == ids[1] == stable


def test_corrections_and_withdrawals_appear(client, compliance, compliance2):
    first = solvency(2026, 1, when=at(2026, 4, 20))
    second = corrected(first, compliance, compliance2, "The capital was misstated.")
    other = solvency(2026, 2, when=at(2026, 7, 20))
    withdrawn(first, compliance2, "Published under the wrong regime.")
    _, entries = _entries(client)
    titles = [_text(e, "title") for e in entries]
    # the withdrawal is the newest change: the withdrawn version comes back on top
    assert titles[0] == f"Withdrawn: {first.title_en}"
    assert "Published under the wrong regime." in _text(entries[0], "summary")
    assert f"{second.title_en} (version 2)" in titles
    correction = entries[titles.index(f"{second.title_en} (version 2)")]
    assert "Correction of version 1: The capital was misstated." in _text(correction, "summary")
    assert other.title_en in titles and len(entries) == 3


def test_at_most_the_latest_fifty(client, compliance, compliance2):
    for number in range(FEED_SIZE + 2):
        manual_published(compliance, compliance2, key=f"related_party:{number}")
    _, entries = _entries(client)
    assert len(entries) == FEED_SIZE


def test_the_feed_is_cached_until_something_is_published(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        solvency(2026, 1)
    client.get(URL)
    with django_assert_num_queries(0):
        _, entries = _entries(client)
    assert len(entries) == 1
    with django_capture_on_commit_callbacks(execute=True):
        solvency(2026, 2)
    assert len(_entries(client)[1]) == 2


def test_the_feed_speaks_the_readers_language(client):
    publication = solvency(2026, 1)
    response = client.get(URL, headers={"accept-language": "zh-hans"})
    root = ET.fromstring(response.content)  # noqa: S314 - our own answer
    assert root.find(f"{ATOM}entry/{ATOM}title").text == publication.title
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-hans"
