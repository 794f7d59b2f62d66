"""Server-side SVG charts of the solvency pages: the geometry only (coordinates in a
fixed ``viewBox``, scaled to the page's width by the browser), drawn by the templates
``solvency/includes/bar_chart.svg.html`` and ``line_chart.svg.html`` (the staff site
and the public disclosure pages). No JavaScript; the numbers are also in a table beside
each chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
HEIGHT = 260
LEFT = 64  # room for the axis labels
BOTTOM = 56  # room for the quarters, or three lines of a bar's name
TOP = 12
RIGHT = 28  # room for the last quarter's label
#: Colours of the lines, in order: the base line first (dark), then the routes.
PALETTE = ("#1f2937", "#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626")
#: Dash patterns of the lines, in the same order: lines whose ratios are close (or equal)
#: stay told apart where they overlap. The base line is solid.
DASHES = ("", "9 4", "2 3", "12 3 3 3", "5 5", "1 6")
#: Steps the zoomed y axis may take, in percentage points.
FINE_STEPS = tuple(
    Decimal(m) * Decimal(10) ** e for e in range(-2, 4) for m in ("1", "2", "2.5", "5")
)
#: When the lines would fill less than this share of a chart drawn from 0, the y axis
#: is zoomed on them (the threshold then said in a note if it falls outside).
ZOOM_BELOW = Decimal("0.25")


def _top(values: Sequence[Decimal | None], threshold: Decimal | None) -> float:
    found = [float(v) for v in values if v is not None]
    if threshold is not None:
        found.append(float(threshold))
    high = max(found, default=100.0)
    step = 50.0 if high <= 400 else 100.0 if high <= 1000 else 500.0
    return ((high // (4 * step)) + 1) * 4 * step


def _y(value: float, top: float, bottom: float = 0.0) -> float:
    plot = HEIGHT - TOP - BOTTOM
    share = (max(value, bottom) - bottom) / (top - bottom)
    return round(TOP + plot * (1 - share), 1)


def _ticks(top: float) -> list[dict]:
    return [{"y": _y(top * i / 4, top), "label": f"{top * i / 4:g}"} for i in range(5)]


def _zoom(values: Sequence[Decimal], threshold: Decimal | None) -> tuple[Decimal, Decimal, Decimal]:
    """A round (bottom, top, step) around ``values`` and the threshold when it is close
    enough to keep the lines apart, in at most five steps."""
    low, high = min(values), max(values)
    if threshold is not None and (high - low) >= ZOOM_BELOW * (high - min(low, threshold)):
        low = min(low, threshold)
    high = max(high, low + Decimal("0.04"))
    for step in FINE_STEPS:
        bottom = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
        top = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
        if top == high:
            top += step
        if bottom == low and bottom - step >= 0:
            bottom -= step
        if (top - bottom) / step <= 5:
            return bottom, top, step
    return Decimal(0), high, high  # beyond every step: not reached for ratios


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
    lines: tuple[str, ...] = ()  # the label wrapped to the bar's width

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


def _ems(text: str) -> float:
    """The width of ``text`` in ems: a Chinese character is one, a Latin one about half."""
    return sum(1.0 if ord(c) > 0x2E80 else 0.55 for c in text)


def wrap(label: str, ems: float, *, most: int = 3) -> tuple[str, ...]:
    """``label`` in lines of at most ``ems`` (words kept whole where there are spaces,
    Chinese broken between characters), at most ``most`` lines, the last cut with "…"."""
    lines: list[str] = []
    current = ""
    for token in _tokens(label):
        candidate = (current + token) if current else token.lstrip()
        if current and _ems(candidate) > ems:
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = candidate
    if current:
        lines.append(current.rstrip())
    if len(lines) > most:
        lines = lines[: most - 1] + [lines[most - 1].rstrip() + "…"]
    return tuple(lines)


def _tokens(label: str) -> list[str]:
    """Words with their leading space; each Chinese character a token of its own."""
    tokens: list[str] = []
    for c in label:
        if c == " " or not tokens or ord(c) > 0x2E80 or ord(tokens[-1][-1]) > 0x2E80:
            tokens.append(c)
        else:
            tokens[-1] += c
    return tokens


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
                lines=wrap(label, slot / 16),
            )
        )
    return {**_frame(top, threshold), "bars": bars}


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    *,
    threshold: Decimal | None,
) -> dict:
    """Lines of ratios (%) over ``labels`` (the quarters), one per series, each in its
    own colour and dash pattern, with the threshold as a dashed horizontal line. When
    the lines lie close together far above the threshold, the y axis is zoomed on them
    (``zoomed``) and the threshold, then off the axis, is given as ``threshold_below``."""
    values = [v for _, vs in series for v in vs if v is not None]
    top0 = _top(values, threshold)
    zoomed = bool(values) and (max(values) - min(values)) < ZOOM_BELOW * Decimal(str(top0))
    if zoomed:
        low, high, step = _zoom(values, threshold)
        places = max(0, -step.normalize().as_tuple().exponent)  # type: ignore[operator]
        count = int((high - low) / step)
        bottom_value, top_value = float(low), float(high)
        ticks = [
            {
                "y": _y(float(low + step * i), top_value, bottom_value),
                "label": f"{low + step * i:.{places}f}",
            }
            for i in range(count + 1)
        ]
    else:
        bottom_value, top_value = 0.0, top0
        ticks = _ticks(top0)
    plot_width = WIDTH - LEFT - RIGHT
    step_x = plot_width / max(len(labels) - 1, 1)
    xs = [round(LEFT + i * step_x, 1) for i in range(len(labels))]
    lines = []
    for n, (name, values_n) in enumerate(series):
        points = [
            (x, _y(float(v), top_value, bottom_value))
            for x, v in zip(xs, values_n, strict=False)
            if v is not None
        ]
        lines.append(
            {
                "name": name,
                "colour": PALETTE[n % len(PALETTE)],
                "points": " ".join(f"{x},{y}" for x, y in points),
                "dash": DASHES[n % len(DASHES)],
                "width": 3 if n == 0 else 2,
            }
        )
    on_axis = threshold is not None and bottom_value <= float(threshold) <= top_value
    return {
        **_frame(top_value, threshold),
        "ticks": ticks,
        "threshold_y": _y(float(threshold), top_value, bottom_value) if on_axis else None,
        "threshold_below": threshold if threshold is not None and not on_axis else None,
        "zoomed": zoomed,
        "lines": lines,  # the template draws them in reverse: the base line on top
        "xlabels": [
            {"x": x, "label": label, "minor": i % 2 == 1 and len(labels) > 6}
            for i, (x, label) in enumerate(zip(xs, labels, strict=False))
        ],
    }
