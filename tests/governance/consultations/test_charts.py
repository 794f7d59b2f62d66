"""The SVG bars of a consultation's results: each bar as long as its share of the plot,
nothing drawn for a share of none."""

from __future__ import annotations

from decimal import Decimal

from governance.charts import LEFT, ROW, VALUE_ROOM, WIDTH, share_bar_chart


def test_bars_are_as_long_as_their_share_and_stacked_one_per_row():
    chart = share_bar_chart(
        [("A", 2, Decimal("0.666667")), ("B", 1, Decimal("0.333333")), ("C", 0, None)]
    )
    plot = WIDTH - LEFT - VALUE_ROOM
    a, b, c = chart["bars"]
    assert (a.width, b.width, c.width) == (round(0.666667 * plot, 1), round(0.333333 * plot, 1), 0)
    assert (a.y, b.y, c.y) == (18, 18 + ROW, 18 + 2 * ROW)
    assert chart["height"] == 3 * ROW
    assert (a.percent, c.percent) == ("66.7%", "—")  # one decimal, shown
    assert b.x_value == round(LEFT + b.width + 6, 1)


def test_an_empty_result_still_has_a_drawable_height():
    assert share_bar_chart([])["height"] == ROW
