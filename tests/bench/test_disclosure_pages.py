"""The disclosure-pages benchmark (bench/disclosure_pages.py) at a tiny scale, so that it
cannot rot: its society builders, its query counts at two sizes, its two gunicorn
servers, the bare view and the load generator. No timing is asserted."""

from __future__ import annotations

import datetime as dt

import pytest

from bench import disclosure_pages
from bench.disclosure_urls import BARE_PREFIX


@pytest.mark.parametrize(
    ("today", "last", "year"),
    [
        (dt.date(2026, 12, 4), dt.date(2026, 9, 30), ["2025-12-31", "2026-03-31", "2026-06-30"]),
        (dt.date(2026, 2, 1), dt.date(2025, 12, 31), ["2025-03-31", "2025-06-30", "2025-09-30"]),
        (dt.date(2026, 4, 1), dt.date(2026, 3, 31), ["2025-06-30", "2025-09-30", "2025-12-31"]),
    ],
)
def test_the_year_of_publications_is_the_four_quarters_to_the_last_quarter_end(today, last, year):
    """The publications cover the four quarters ending at the last quarter end before today."""
    assert disclosure_pages.last_quarter_end(today) == last
    ends = disclosure_pages._quarter_ends(last)
    assert [d.isoformat() for d in ends] == [*year, last.isoformat()]


@pytest.mark.django_db
def test_the_bare_view_is_the_benchmarks_only_and_answers_its_templates_bytes(
    client, settings, tmp_path
):
    """The bare view exists under the bench URLconf only, and renders its static template
    byte for byte (template syntax in the page stays text)."""
    assert client.get(f"{BARE_PREFIX}home/").status_code == 404  # not a URL of the product
    folder = tmp_path / "bench_bare"
    folder.mkdir()
    page = "<html><body>{{ not a variable }} 会员 {% not a tag %}</body></html>".encode()
    (folder / "home.html").write_bytes(b"{% verbatim %}" + page + b"{% endverbatim %}")
    settings.ROOT_URLCONF = "bench.disclosure_urls"
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], str(tmp_path)]}]

    response = client.get(f"{BARE_PREFIX}home/")

    assert response.status_code == 200
    assert response.content == page
    assert client.get("/disclosure/").status_code == 200  # the project's URLs are all there


@pytest.mark.django_db(transaction=True)
def test_the_load_generator_counts_answers_and_failures(live_server, settings, tmp_path):
    """Requests answered 200 are counted with their latency; others are counted apart."""
    folder = tmp_path / "bench_bare"
    folder.mkdir()
    (folder / "home.html").write_text("<p>bare</p>")
    settings.ROOT_URLCONF = "bench.disclosure_urls"
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], str(tmp_path)]}]
    port = int(live_server.url.rsplit(":", 1)[1])
    # One request of each first (templates loaded, connections open), not counted.
    assert disclosure_pages.fetch(port, f"{BARE_PREFIX}home/")[0] == 200
    assert disclosure_pages.fetch(port, f"{BARE_PREFIX}nope/")[0] == 404

    ok = disclosure_pages.load(port, f"{BARE_PREFIX}home/", clients=2, seconds=0.3, warmup=0.1)
    missing = disclosure_pages.load(port, f"{BARE_PREFIX}nope/", clients=1, seconds=0.5, warmup=0)

    assert ok["requests"] > 0 and ok["errors"] == {}
    assert ok["rps"] > 0 and 0 < ok["p50_ms"] <= ok["p95_ms"]
    assert missing["requests"] == 0 and missing["errors"].get("404", 0) > 0


@pytest.mark.postgres
def test_the_benchmark_runs_end_to_end_at_a_tiny_scale(chart_of_accounts, monkeypatch):
    """At 30 members: both sizes built, the pages' queries counted at each (not growing),
    both gunicorn servers serve every page and its bare twin of the same size, and every
    counted request is answered 200."""
    # The servers use their own local-memory cache, never a shared Redis of the tests.
    monkeypatch.delenv("REDIS_URL", raising=False)
    pages = ["/disclosure/", "/disclosure/solvency/"]

    result = disclosure_pages.run(
        scale=30, log=lambda _: None, seed=False, pages=pages,
        clients=2, seconds=0.3, warmup=0.1, workers=1, rounds=2,
    )  # fmt: skip

    assert result["members"] == 30 and result["publications"] == 2 * 49
    assert result["slowest_page"] in pages
    for page in pages:
        numbers = result["pages"][page]
        for run in ("bare", "cached", "uncached", "bare_on_uncached_server"):
            assert numbers[run]["requests"] > 0, (page, run)
            assert len(numbers[run]["rounds_rps"]) == 2
            assert numbers[run]["errors"] == {}, (page, run)
        sizes = list(numbers["queries_uncached"])
        assert sizes == ["3 members, 49 publications", "30 members, 98 publications"]
        assert numbers["queries_uncached"][sizes[0]] > 0  # the society's name at least
        assert numbers["queries_uncached"][sizes[0]] == numbers["queries_uncached"][sizes[1]]
        assert numbers["queries_grow"] is False
        assert numbers["bytes"] > 1000
