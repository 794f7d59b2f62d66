"""The SVG charts' geometry: bars and lines against the threshold."""

from decimal import Decimal as D

from solvency.charts import BOTTOM, HEIGHT, TOP, bar_chart, line_chart


def test_bars_below_the_threshold_are_marked_and_the_scale_is_round():
    chart = bar_chart([("base", D("180.00")), ("a", D("99.99")), ("b", None)], threshold=D(100))
    assert [b.below for b in chart["bars"]] == [False, True, False]
    assert [t["label"] for t in chart["ticks"]] == ["0", "50", "100", "150", "200"]
    plot = HEIGHT - TOP - BOTTOM
    assert chart["threshold_y"] == TOP + plot / 2  # 100 of 200
    assert chart["bars"][2].height == 0


def test_lines_skip_missing_points_and_the_first_is_solid():
    chart = line_chart(
        ["q1", "q2", "q3"], [("base", [D(120), None, D(80)]), ("r", [D(1)] * 3)], threshold=D(100)
    )
    base, route = chart["lines"]
    assert len(base["points"].split()) == 2 and len(route["points"].split()) == 3
    assert base["dash"] == "" and route["dash"]
    assert [x["label"] for x in chart["xlabels"]] == ["q1", "q2", "q3"]
