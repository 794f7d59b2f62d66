"""The dashboard's history chart as geometry for a server-side SVG: both ratios as
lines, the thresholds as dashed lines, the early-warning band above the comprehensive
threshold. Pure arithmetic on the history points; the template draws it (with its
translated title and labels). Coordinates are floats in the SVG's own units: the chart
scales with its ``viewBox``, nothing here is money.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

WIDTH = 720
HEIGHT = 320
LEFT, RIGHT, TOP, BOTTOM = 84, 44, 16, 40
#: Steps the y axis may take, in percentage points: the smallest that gives at most six
#: ticks is chosen.
STEPS = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: Decimal
    label: str
    warning: bool = False  # the quarter's status was not "adequate"


@dataclass(frozen=True)
class Line:
    key: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    lines: list[Line]
    thresholds: list[tuple[str, float, Decimal]]  # (key, y, value)
    band: tuple[float, float] | None  # (y top, height) of the early-warning band
    plot_width: int
    y_ticks: list[tuple[float, int]]
    x_labels: list[tuple[float, str]]
    empty: bool = field(default=False)


def _step(top: Decimal) -> int:
    for step in STEPS:
        if top / step <= 6:
            return step
    return STEPS[-1]


def history_chart(
    history,
    *,
    comprehensive_min: Decimal | None,
    core_min: Decimal | None,
    margin: Decimal,
) -> Chart:
    """Geometry for ``history`` (``selectors.HistoryPoint``, oldest first)."""
    values = [v for p in history for v in (p.comprehensive_ratio, p.core_ratio) if v is not None]
    ceiling = max([*values, (comprehensive_min or Decimal(0)) + margin, Decimal(100)])
    step = _step(ceiling)
    top = (int(ceiling) // step + 1) * step
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def y_of(value: Decimal | float) -> float:
        return round(TOP + plot_h * (1 - float(value) / top), 1)

    count = len(history)

    def x_of(index: int) -> float:
        if count == 1:
            return round(LEFT + plot_w / 2, 1)
        return round(LEFT + plot_w * index / (count - 1), 1)

    lines = []
    for key in ("comprehensive_ratio", "core_ratio"):
        points = [
            Point(
                x_of(i),
                y_of(getattr(p, key)),
                getattr(p, key),
                p.quarter,
                warning=p.status != "adequate",
            )
            for i, p in enumerate(history)
            if getattr(p, key) is not None
        ]
        lines.append(Line(key, points))
    thresholds = [
        (key, y_of(value), value)
        for key, value in (("comprehensive", comprehensive_min), ("core", core_min))
        if value is not None
    ]
    band = None
    if comprehensive_min is not None and margin:
        upper = y_of(comprehensive_min + margin)
        band = (upper, round(y_of(comprehensive_min) - upper, 1))
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
        lines=lines,
        thresholds=thresholds,
        band=band,
        plot_width=plot_w,
        y_ticks=[(y_of(v), v) for v in range(0, top + 1, step)],
        x_labels=[(x_of(i), p.quarter) for i, p in enumerate(history)],
        empty=not history,
    )
