"""The SVG charts' geometry: bars and lines against the threshold."""

from decimal import Decimal as D

from solvency.charts import BOTTOM, HEIGHT, TOP, bar_chart, line_chart, wrap


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


def test_close_lines_far_above_the_threshold_get_a_zoomed_axis_and_a_note():
    # the demo's projection: five lines within 1.5 points of each other, near 1569%
    series = [
        ("base", [D("1569.56"), D("1568.51")]),
        ("retained", [D("1569.52"), D("1568.07")]),
        ("tranche", [D("1569.34"), D("1568.30")]),
        ("notes", [D("1569.34"), D("1568.30")]),  # the very same line as "tranche"
    ]
    chart = line_chart(["2026Q4", "2027Q1"], series, threshold=D(100))
    assert chart["zoomed"] and chart["threshold_below"] == D(100)
    assert chart["threshold_y"] is None  # off the axis: said in a note instead
    labels = [t["label"] for t in chart["ticks"]]
    assert labels == ["1568.0", "1568.5", "1569.0", "1569.5", "1570.0"]
    ys = sorted(float(p.split(",")[1]) for line in chart["lines"] for p in line["points"].split())
    assert ys[-1] - ys[0] > 100  # the lines fill most of the plot's height, not a pixel
    dashes = [line["dash"] for line in chart["lines"]]
    assert dashes[0] == "" and len(set(dashes)) == 4  # equal lines told apart by their dashes


def test_lines_near_the_threshold_keep_it_on_the_zoomed_axis():
    chart = line_chart(["q1", "q2"], [("base", [D(120), D(90)])], threshold=D(100))
    assert chart["zoomed"] and chart["threshold_below"] is None
    assert chart["threshold_y"] is not None
    assert [t["label"] for t in chart["ticks"]] == ["80", "90", "100", "110", "120", "130"]


def test_lines_spread_from_low_to_high_keep_the_axis_from_zero():
    chart = line_chart(["q1", "q2"], [("base", [D(300), D(80)])], threshold=D(100))
    assert not chart["zoomed"] and chart["ticks"][0]["label"] == "0"


def test_bar_names_wrap_to_the_bar_and_never_run_into_the_next():
    assert wrap("准备金不利发展15%", 4.9) == ("准备金不", "利发展15%")
    assert wrap("Claims up 20%", 4.9) == ("Claims", "up 20%")
    assert wrap("Adverse reserve development of fifteen", 4.9) == (
        "Adverse",
        "reserve",
        "development…",
    )
    wide = bar_chart([("基准", D(150)), ("会员集中退出30%", D(120))], threshold=D(100))
    assert wide["bars"][1].lines == ("会员集中退出30%",)
    seven = bar_chart([("基准", D(150))] + [("会员集中退出30%", D(120))] * 6, threshold=D(100))
    assert seven["bars"][1].lines == ("会员集中", "退出30%")
