"""Server-side SVG of a consultation's results, as the house draws its charts
(``solvency.charts``, ``disclosure.charts``): the geometry here, the drawing in
``templates/governance/includes/share_bars.svg.html``; a fixed ``viewBox`` scaled to the
page's width by the browser (a phone's 390 px included), no JavaScript, and the numbers
also in a table beside it. Horizontal bars: an option's text above its bar, whatever its
length, so long Chinese or English options need no wrapping."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from mutualsociety.common.display import format_rate

WIDTH = 360  # a phone's width: the text stays legible at 390 px and is not enlarged beyond
ROW = 40  # one option: its label line, then its bar
BAR = 14
LEFT = 4
VALUE_ROOM = 104  # right of the longest bar: "66.6667% (12)"


@dataclass(frozen=True)
class ShareBar:
    label: str
    count: int
    percent: str
    y_label: float
    y: float
    width: float

    @property
    def x_value(self) -> float:
        return round(LEFT + self.width + 6, 1)

    @property
    def y_value(self) -> float:
        return self.y + 12


def share_bar_chart(bars: Sequence[tuple[str, int, Decimal | None]]) -> dict:
    """Bars of shares (``(label, count, share)``, share a fraction 0-1 or None for none
    answered), each as long as its share of the full width."""
    plot = WIDTH - LEFT - VALUE_ROOM
    rows = []
    for i, (label, count, part) in enumerate(bars):
        fraction = float(part or 0)
        top = i * ROW
        rows.append(
            ShareBar(
                label=label,
                count=count,
                percent=format_rate(part, 1) or "—",
                y_label=top + 12,
                y=top + 18,
                width=round(max(fraction, 0.0) * plot, 1),
            )
        )
    return {"width": WIDTH, "height": max(len(rows), 1) * ROW, "left": LEFT, "bars": rows}
