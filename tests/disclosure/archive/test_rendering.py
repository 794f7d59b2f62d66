"""The generic renderer of a publication's figures: readable, grouped numbers, escaped."""

from decimal import Decimal

import pytest

from disclosure.rendering import MAX_DEPTH, key_label, number_text, render_content


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1234567.80", "1,234,567.80"),
        ("-1234.5", "-1,234.5"),
        ("187.4567", "187.4567"),
        (1234567, "1,234,567"),
        (Decimal("0.08"), "0.08"),
        ("12", "12"),
        ("007", None),  # an identifier, not a number
        ("2026-03-31", None),
        ("2026Q1", None),
        (True, None),
        ("NaN", None),
    ],
)
def test_numbers_are_grouped_with_their_own_places(value, text):
    assert number_text(value) == text


def test_keys_read_as_words():
    assert key_label("claims_paid") == "Claims paid"


def test_shapes():
    html = render_content(
        {
            "as_of": "2026-03-31",
            "paid": True,
            "regions": ["east", "west"],
            "capital": {"actual": "1000000.00", "detail": {"cash": "5.00"}},
            "rows": [{"q": "2026Q1", "cases": 3}, {"q": "2026Q2", "amount": "10.00"}],
            "empty": [],
            "none": None,
        }
    )
    assert "<dt>As of</dt><dd>2026-03-31</dd>" in html
    assert "<dt>Paid</dt><dd>yes</dd>" in html
    assert "<ul><li>east</li><li>west</li></ul>" in html
    assert "<h3>Capital</h3>" in html and "<h4>Detail</h4>" in html
    assert '<span class="num">1,000,000.00</span>' in html
    # a table's columns are every key, in the order they first appear; a gap shows a dash
    assert "<caption>Rows</caption>" in html
    assert '<th scope="col">Q</th><th scope="col">Cases</th><th scope="col">Amount</th>' in html
    assert '<td><span class="muted">—</span></td>' in html
    assert "<dt>Empty</dt><dd><ul></ul></dd>" in html


def test_everything_is_escaped():
    html = render_content({"<b>key</b>": "<script>x</script>", "rows": [{"<i>": "&"}]})
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "&amp;" in html


def test_deep_nesting_stops():
    content: dict = {"leaf": "1"}
    for _ in range(MAX_DEPTH + 5):
        content = {"level": content}
    html = render_content(content)
    assert "<code>" in html and html.count("<h6>") >= 1


def test_empty_and_top_level_lists():
    assert render_content({}) == ""
    assert "<caption>Figures</caption>" in render_content([{"a": 1}])


def test_a_name_stored_in_both_languages_reads_in_the_pages_language():
    """{"zh-hans": ..., "en": ...} is one name, not a section of two entries."""
    from django.utils import translation

    content = {"regime": {"name": {"zh-hans": "偿二代", "en": "C-ROSS"}}, "plans": [
        {"plan": {"zh-hans": "互助计划", "en": "Mutual aid plan"}, "members": 3}]}  # fmt: skip
    with translation.override("en"):
        english = str(render_content(content))
    with translation.override("zh-hans"):
        chinese = str(render_content(content))
    assert "C-ROSS" in english and "偿二代" not in english and "Zh-hans" not in english
    assert "Mutual aid plan" in english
    assert "偿二代" in chinese and "C-ROSS" not in chinese and "互助计划" in chinese
