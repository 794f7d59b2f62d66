"""The reserving engine: a development triangle projected with the ``chainladder``
package (chain ladder, Mack chain ladder, Bornhuetter-Ferguson, an optional constant tail
factor). The methods are chainladder's own; this module only turns a triangle of Decimal
cells into chainladder's input and its answers back into Decimal, rounded through
``quantize_money`` / ``quantize_rate``.

chainladder (with numpy, pandas, scikit-learn) takes seconds to import, so it is imported
only inside the functions below, never when Django starts (a test checks it).

A triangle is given as cells ``{(origin, lag): value}``: ``origin`` a label that sorts in
the order of the origin periods (an ISO date, a year), ``lag`` 1, 2, ... the development
period, ``value`` cumulative. chainladder is handed the origins as consecutive synthetic
years (the first origin 2000, the next 2001, ...) and lag k as the valuation k − 1 years
after it: the methods read only the shape of the triangle, so a month or quarter grain
projects exactly as its own calendar would.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mutualsociety.common.money import ZERO, quantize_money, quantize_rate

METHODS = ("chainladder", "mack", "bf")
#: The first synthetic year handed to chainladder (any year works; see the module doc).
BASE_YEAR = 2000

Cells = Mapping[tuple[str, int], Decimal]


class TriangleError(ValueError):
    """A triangle or parameter the engine cannot project; ``field`` names the input."""

    def __init__(self, message: str, field: str = "triangle") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class OriginResult:
    origin: str
    latest: Decimal
    ultimate: Decimal
    ibnr: Decimal
    std_err: Decimal | None


@dataclass(frozen=True)
class Projection:
    method: str
    #: Age-to-age factors from lag 1→2 on (then the tail's, when one is given).
    factors: tuple[Decimal, ...]
    tail: Decimal | None
    origins: tuple[OriginResult, ...]
    latest: Decimal
    ultimate: Decimal
    ibnr: Decimal
    std_err: Decimal | None


def _sort_key(label: str) -> tuple[int, Any]:
    try:
        return (0, Decimal(label))
    except ArithmeticError:
        return (1, label)


def origins_of(cells: Cells) -> list[str]:
    """The origins of ``cells`` in order (numerically when every label is a number)."""
    labels = {origin for origin, _lag in cells}
    if all(_sort_key(label)[0] == 0 for label in labels):
        return sorted(labels, key=_sort_key)
    return sorted(labels)


def cumulate(cells: Cells) -> dict[tuple[str, int], Decimal]:
    """Incremental cells to cumulative ones (a missing lag adds nothing)."""
    out: dict[tuple[str, int], Decimal] = {}
    for origin in origins_of(cells):
        lags = sorted(lag for o, lag in cells if o == origin)
        total = ZERO
        for lag in range(1, lags[-1] + 1):
            total += cells.get((origin, lag), ZERO)
            out[(origin, lag)] = total
    return out


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


#: Beyond this an amount is no estimate but a degenerate fit (a variance extrapolated
#: from a column of equal values comes back as 1e154).
AMOUNT_LIMIT = 1e15


def _finite(value: float) -> bool:
    return value is not None and math.isfinite(float(value)) and abs(value) < AMOUNT_LIMIT


def _triangle(cells: Cells, origins: Sequence[str]):
    import chainladder as cl
    import pandas as pd

    index = {origin: i for i, origin in enumerate(origins)}
    frame = pd.DataFrame(
        [
            {
                "origin": str(BASE_YEAR + index[origin]),
                "valuation": str(BASE_YEAR + index[origin] + lag - 1),
                "value": float(value),
            }
            for (origin, lag), value in cells.items()
        ]
    )
    return cl.Triangle(
        frame, origin="origin", development="valuation", columns=["value"], cumulative=True
    )


def _column(triangle) -> list[float]:
    """The per-origin values of a one-column chainladder triangle (latest, ultimate)."""
    import numpy as np

    return [float(v) for v in np.asarray(triangle.values).reshape(-1)]


def project(
    cells: Cells,
    *,
    method: str,
    apriori: Decimal | None = None,
    exposure: Mapping[str, Decimal] | None = None,
    tail: Decimal | None = None,
) -> Projection:
    """Project a cumulative triangle with ``method`` (chainladder | mack | bf).

    ``bf`` needs ``apriori`` (the expected loss ratio) and ``exposure`` (premium per
    origin); ``tail`` (≥ 1) adds a constant tail factor after the last lag. Latest,
    ultimate and IBNR are rounded to the cent with IBNR = ultimate − latest; std err
    (Mack only, None otherwise) per origin and in total. Refused (``TriangleError``): an
    unknown method, an empty triangle, a lag below 1, a single development period, BF
    without a-priori or exposure for every origin, a tail below 1, a projection
    chainladder leaves undefined.
    """
    if method not in METHODS:
        raise TriangleError(f"unknown method {method!r}: one of {', '.join(METHODS)}", "method")
    if not cells:
        raise TriangleError("the triangle is empty")
    bad = sorted((origin, lag) for origin, lag in cells if lag < 1)
    if bad:
        raise TriangleError(f"lag {bad[0][1]} of origin {bad[0][0]} is below 1")
    if tail is not None and tail < 1:
        raise TriangleError("the tail factor is at least 1", "tail")
    if max(lag for _, lag in cells) < 2:
        raise TriangleError(
            "the triangle has one development period: no development factor can be "
            "estimated before a second one is observed"
        )
    origins = origins_of(cells)
    if method == "bf":
        if apriori is None or apriori <= 0:
            raise TriangleError("Bornhuetter-Ferguson needs an a-priori loss ratio", "apriori")
        missing = [o for o in origins if exposure is None or o not in exposure]
        if missing:
            raise TriangleError(f"no exposure for origin {missing[0]}", "exposure")

    import warnings

    import chainladder as cl
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        triangle = _triangle(cells, origins)
        developed = cl.Development().fit_transform(triangle)
        if tail is not None:
            developed = cl.TailConstant(tail=float(tail)).fit_transform(developed)
        factors = tuple(
            quantize_rate(_dec(f)) for f in np.asarray(developed.ldf_.values).reshape(-1)
        )
        std_errs: list[float] | None = None
        total_std: float | None = None
        if method == "bf":
            exposure = exposure or {}  # every origin's is there: checked above
            weight = triangle.latest_diagonal * 0
            weight.values = weight.values + np.array([float(exposure[o]) for o in origins]).reshape(
                weight.values.shape
            )
            model = cl.BornhuetterFerguson(apriori=float(apriori or 0)).fit(
                developed, sample_weight=weight
            )
        elif method == "mack":
            model = cl.MackChainladder().fit(developed)
            summary = model.summary_  # per origin: Latest, IBNR, Ultimate, Mack Std Err
            column = list(summary.development).index("Mack Std Err")
            std_errs = [float(v) for v in np.asarray(summary.values)[0, 0, :, column]]
            total_std = float(np.asarray(model.total_mack_std_err_).reshape(-1)[0])
        else:
            model = cl.Chainladder().fit(developed)
        latest = _column(triangle.latest_diagonal)
        ultimate = _column(model.ultimate_)

    rows = []
    for i, origin in enumerate(origins):
        if not _finite(ultimate[i]):
            raise TriangleError(
                f"origin {origin}: chainladder gives no ultimate (a development factor "
                "is undefined: a column of zeros?)"
            )
        row_latest = quantize_money(_dec(latest[i]))
        row_ultimate = quantize_money(_dec(ultimate[i]))
        std = None
        if std_errs is not None and _finite(std_errs[i]):
            std = quantize_money(_dec(std_errs[i]))
        elif std_errs is not None and math.isnan(std_errs[i]):
            std = ZERO  # a fully developed origin: nothing left to vary
        rows.append(OriginResult(origin, row_latest, row_ultimate, row_ultimate - row_latest, std))
    return Projection(
        method=method,
        factors=factors,
        tail=quantize_rate(tail) if tail is not None else None,
        origins=tuple(rows),
        latest=sum((r.latest for r in rows), ZERO),
        ultimate=sum((r.ultimate for r in rows), ZERO),
        ibnr=sum((r.ibnr for r in rows), ZERO),
        std_err=quantize_money(_dec(total_std))
        if total_std is not None and _finite(total_std)
        else None,
    )
