"""Server-side SVG charts of the solvency pages: the geometry only (coordinates in a
fixed ``viewBox``, scaled to the page's width by the browser), drawn by the templates
``admin/solvency/includes/bar_chart.svg.html`` and ``line_chart.svg.html``. No
JavaScript; the numbers are also in a table beside each chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
HEIGHT = 260
LEFT = 48  # room for the axis labels
BOTTOM = 40
TOP = 12
RIGHT = 12
#: Colours of the lines, in order: the base line first (dark), then the routes.
PALETTE = ("#1f2937", "#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626")


def _top(values: Sequence[Decimal | None], threshold: Decimal | None) -> float:
    found = [float(v) for v in values if v is not None]
    if threshold is not None:
        found.append(float(threshold))
    high = max(found, default=100.0)
    step = 50.0 if high <= 400 else 100.0 if high <= 1000 else 500.0
    return ((high // (4 * step)) + 1) * 4 * step


def _y(value: float, top: float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot * (1 - max(value, 0.0) / top), 1)


def _ticks(top: float) -> list[dict]:
    return [{"y": _y(top * i / 4, top), "label": f"{top * i / 4:g}"} for i in range(5)]


def _frame(top: float, threshold: Decimal | None) -> dict:
    """The box, the axis ticks and the threshold line every chart has."""
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "ticks": _ticks(top),
        "threshold_y": _y(float(threshold), top) if threshold is not None else None,
        "threshold": threshold,
    }


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None
    x: float
    y: float
    width: float
    height: float
    below: bool


def bar_chart(items: Sequence[tuple[str, Decimal | None]], *, threshold: Decimal | None) -> dict:
    """Bars of ``(label, ratio %)`` with the threshold as a horizontal line; a bar below
    the threshold is marked (``below``)."""
    top = _top([v for _, v in items], threshold)
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(items), 1)
    bars = []
    for i, (label, value) in enumerate(items):
        y = _y(float(value or 0), top)
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(LEFT + i * slot + slot * 0.15, 1),
                y=y,
                width=round(slot * 0.7, 1),
                height=round(HEIGHT - BOTTOM - y, 1),
                below=value is not None and threshold is not None and value < threshold,
            )
        )
    return {**_frame(top, threshold), "bars": bars}


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    *,
    threshold: Decimal | None,
) -> dict:
    """Lines of ratios (%) over ``labels`` (the quarters), one per series, with the
    threshold as a dashed horizontal line."""
    top = _top([v for _, values in series for v in values], threshold)
    plot_width = WIDTH - LEFT - RIGHT
    step = plot_width / max(len(labels) - 1, 1)
    xs = [round(LEFT + i * step, 1) for i in range(len(labels))]
    lines = []
    for n, (name, values) in enumerate(series):
        points = [(x, _y(float(v), top)) for x, v in zip(xs, values, strict=False) if v is not None]
        lines.append(
            {
                "name": name,
                "colour": PALETTE[n % len(PALETTE)],
                "points": " ".join(f"{x},{y}" for x, y in points),
                "dash": "" if n == 0 else "6 3" if n % 2 else "",
            }
        )
    return {
        **_frame(top, threshold),
        "lines": lines,
        "xlabels": [{"x": x, "label": label} for x, label in zip(xs, labels, strict=False)],
    }
