"""Aggregating risk charges with a correlation matrix, and the ratios that follow.

The diversified requirement of a set of module charges is the square root of the
quadratic form of the charges and the correlation matrix (Solvency II Directive
2009/138/EC, Annex IV, point 1; C-ROSS Rule No. 2 aggregates its quantified risks the
same way; NAIC RBC's covariance formula is the case of an identity matrix):

    requirement = sqrt( Σᵢ Σⱼ Corrᵢⱼ · chargeᵢ · chargeⱼ )

Everything is Decimal; the square root is taken in a context of ``PRECISION`` digits
(``Decimal.sqrt``, correctly rounded) and the result rounded to the cent once, at the
end, through ``common.money.quantize_money``. Ratios are percentages with 2 places,
rounded DOWN (``ROUND_FLOOR``): a ratio shown as 100.00 is never below 100%, so what a
reader compares with a threshold says the same as the exact comparison
(``regimes.meets``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Context, Decimal, InvalidOperation

from mutualsociety.common.money import ZERO, quantize_money

#: Digits of the context the quadratic form and its square root are computed in: far
#: beyond any sum of products of amounts below 10^16 (two amounts, 32 digits, plus room).
PRECISION = 60
CONTEXT = Context(prec=PRECISION)
ONE = Decimal(1)
HUNDRED = Decimal(100)


class CalculationError(ValueError):
    """The input of a calculation is unusable; ``field`` names the part at fault (a
    dotted path such as ``correlation.matrix[1][0]``)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class Correlation:
    """A correlation matrix over named modules, as checked by ``correlation_check``."""

    modules: tuple[str, ...]
    matrix: tuple[tuple[Decimal, ...], ...]

    def coefficient(self, a: str, b: str) -> Decimal:
        return self.matrix[self.modules.index(a)][self.modules.index(b)]

    def as_json(self) -> dict:
        """The stored and printed form: ``{"modules": [...], "matrix": [["1", ...]]}``
        (coefficients as strings, so that no binary fraction creeps in)."""
        return {
            "modules": list(self.modules),
            "matrix": [[str(c) for c in row] for row in self.matrix],
        }


def _coefficient(value: object, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal | float):
        raise CalculationError("must be a number", field=field)
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        raise CalculationError("must be a number", field=field) from None
    if not number.is_finite():
        raise CalculationError("must be a finite number", field=field)
    return number


def correlation_check(data: object, *, field: str = "correlation") -> Correlation:
    """Check a correlation matrix given as ``{"modules": [...], "matrix": [[...]]}`` and
    return it as Decimals.

    The rules: the module names are distinct non-empty strings; the matrix is square with
    one row and column per module; every coefficient is a number in [-1, 1]; the diagonal
    is exactly 1; the matrix is symmetric (Corrᵢⱼ = Corrⱼᵢ). A float is read through its
    shortest text (0.25 stays 0.25). Raises ``CalculationError`` naming the field.
    """
    if not isinstance(data, Mapping):
        raise CalculationError("must be an object with modules and matrix", field=field)
    for key in ("modules", "matrix"):
        if key not in data:
            raise CalculationError("is missing", field=f"{field}.{key}")
    modules = data["modules"]
    if not isinstance(modules, Sequence) or isinstance(modules, str) or not modules:
        raise CalculationError("must be a non-empty list of names", field=f"{field}.modules")
    names: list[str] = []
    for i, name in enumerate(modules):
        if not isinstance(name, str) or not name.strip():
            raise CalculationError("must be a module name", field=f"{field}.modules[{i}]")
        if name in names:
            raise CalculationError(f"names {name} twice", field=f"{field}.modules")
        names.append(name)
    rows = data["matrix"]
    size = len(names)
    if not isinstance(rows, Sequence) or isinstance(rows, str) or len(rows) != size:
        raise CalculationError(f"must have {size} rows, one per module", field=f"{field}.matrix")
    matrix: list[tuple[Decimal, ...]] = []
    for i, row in enumerate(rows):
        if not isinstance(row, Sequence) or isinstance(row, str) or len(row) != size:
            raise CalculationError(
                f"must have {size} entries, one per module", field=f"{field}.matrix[{i}]"
            )
        values = []
        for j, cell in enumerate(row):
            where = f"{field}.matrix[{i}][{j}]"
            value = _coefficient(cell, where)
            if not -ONE <= value <= ONE:
                raise CalculationError("must be between -1 and 1", field=where)
            values.append(value)
        matrix.append(tuple(values))
    for i in range(size):
        if matrix[i][i] != ONE:
            raise CalculationError("must be 1 (the diagonal)", field=f"{field}.matrix[{i}][{i}]")
        for j in range(i):
            if matrix[i][j] != matrix[j][i]:
                raise CalculationError(
                    f"must equal matrix[{j}][{i}] (the matrix is symmetric)",
                    field=f"{field}.matrix[{i}][{j}]",
                )
    return Correlation(tuple(names), tuple(matrix))


def identity(modules: Sequence[str]) -> Correlation:
    """The matrix of independent modules (NAIC RBC's square root of a sum of squares)."""
    names = tuple(modules)
    return Correlation(
        names,
        tuple(tuple(ONE if i == j else ZERO for j in range(len(names))) for i in range(len(names))),
    )


def diversified_requirement(
    charges: Mapping[str, Decimal], correlation: Correlation, *, field: str = "modules"
) -> Decimal:
    """sqrt(Σᵢⱼ Corrᵢⱼ·chargeᵢ·chargeⱼ), to the cent (ROUND_HALF_UP).

    Every charged module must be in the matrix (else ``CalculationError`` naming
    ``<field>.<module>``); a module of the matrix without a charge counts as 0. Charges
    may not be negative. A quadratic form below zero (possible only with a matrix that is
    not positive semi-definite) is refused rather than rounded up to 0.
    """
    for name, charge in charges.items():
        if name not in correlation.modules:
            raise CalculationError(
                "is not a module of the correlation matrix", field=f"{field}.{name}"
            )
        if charge < 0:
            raise CalculationError("cannot be negative", field=f"{field}.{name}")
    values = [charges.get(name, ZERO) for name in correlation.modules]
    total = Decimal(0)
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            total = CONTEXT.add(
                total, CONTEXT.multiply(correlation.matrix[i][j], CONTEXT.multiply(a, b))
            )
    if total < 0:
        raise CalculationError(
            "gives a negative sum under the square root: the correlation matrix is not "
            "positive semi-definite for these charges",
            field="correlation.matrix",
        )
    return quantize_money(CONTEXT.sqrt(total))


def mcr_corridor(
    *,
    scr: Decimal,
    linear: Decimal,
    floor_rate: Decimal,
    cap_rate: Decimal,
    absolute_floor: Decimal,
) -> Decimal:
    """The minimum capital requirement of Solvency II: the linear MCR kept within
    ``floor_rate``–``cap_rate`` of the SCR (25%–45%), and never below the absolute floor
    (Directive 2009/138/EC, art. 129(3) and (1)(d); Delegated Regulation (EU) 2015/35,
    art. 248):

        MCR = max( min( max(linear, floor_rate·SCR), cap_rate·SCR ), absolute_floor )

    To the cent (ROUND_HALF_UP)."""
    combined = min(max(linear, floor_rate * scr), cap_rate * scr)
    return quantize_money(max(combined, absolute_floor))


def ratio(capital: Decimal, requirement: Decimal) -> Decimal | None:
    """``capital / requirement`` as a percentage with 2 places, rounded down (125.00 is
    125%); ``None`` when there is no requirement (0 or less) to measure against."""
    if requirement <= 0:
        return None
    return quantize_money(CONTEXT.divide(capital * HUNDRED, requirement), rounding=ROUND_FLOOR)
