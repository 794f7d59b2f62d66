"""Server-side SVG charts of the public disclosure pages: the geometry only, drawn by
``templates/disclosure/public/includes/money_bars.svg.html`` (the ratio lines of the
solvency page are ``solvency.charts.line_chart``, drawn by the solvency app's own
include). Coordinates in the same fixed ``viewBox`` as the solvency charts, scaled to
the page's width by the browser; no JavaScript; the numbers are also in a table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from mutualsociety.common.display import format_amount
from solvency.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, wrap

#: Round steps an amount axis may take: 1, 2, 2.5 and 5 times a power of ten.
_STEPS = tuple(Decimal(m) * Decimal(10) ** e for e in range(-2, 13) for m in ("1", "2", "2.5", "5"))


def nice_top(high: Decimal, *, ticks: int = 4) -> tuple[Decimal, Decimal]:
    """(top, step): the smallest round step whose ``ticks`` steps reach ``high``
    (1.00 for nothing to draw)."""
    if high <= 0:
        return Decimal(1), Decimal("0.25")
    for step in _STEPS:
        if step * ticks >= high:
            return step * ticks, step
    return high, high / ticks  # beyond a trillion: not reached


def _y(value: Decimal, top: Decimal) -> float:
    plot = HEIGHT - TOP - BOTTOM
    share = float(max(value, Decimal(0)) / top)
    return round(TOP + plot * (1 - share), 1)


@dataclass(frozen=True)
class MoneyBar:
    label: str
    value: Decimal
    text: str  # the amount as written in the table
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


def money_bar_chart(items: Sequence[tuple[str, Decimal | None]]) -> dict:
    """Bars of amounts (``(label, amount)``, oldest first) from 0 on a round axis of
    four steps; a missing amount is drawn as 0. The labels are wrapped to the bar's
    width (and every other one left out when there are more than twelve bars)."""
    values = [v or Decimal(0) for _label, v in items]
    top, step = nice_top(max(values, default=Decimal(0)))
    places = 0 if step == step.to_integral_value() else 2
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(items), 1)
    crowded = len(items) > 12
    bars = []
    for i, ((label, _value), value) in enumerate(zip(items, values, strict=True)):
        y = _y(value, top)
        bars.append(
            MoneyBar(
                label=label,
                value=value,
                text=format_amount(value),
                x=round(LEFT + i * slot + slot * 0.15, 1),
                y=y,
                width=round(slot * 0.7, 1),
                height=round(HEIGHT - BOTTOM - y, 1),
                lines=() if crowded and i % 2 else wrap(label, max(slot / 7, 4.0), most=2),
            )
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "ticks": [
            {"y": _y(step * i, top), "label": format_amount(step * i, places)} for i in range(5)
        ],
        "bars": bars,
    }
