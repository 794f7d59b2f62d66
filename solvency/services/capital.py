"""The society's capital at a valuation date, and the asset holdings staff import.

Capital comes from two places (docs/solvency.md, "Capital"):

- the ledger, read through ``ledger.selectors``: the initial operating fund (4001), the
  surplus (4104), the result of the year to the valuation date, and the results of
  earlier years not yet appropriated (income and expense accounts are not closed by
  entries, so both are income less expenses over their periods). All core capital; the
  fund is split by the tier of each tranche in the register (``FundTranche``), and a
  difference between the register and the ledger counts as core capital and is
  reported as a warning — the ledger is the authority for the amount;
- the capital items staff enter (``CapitalItem``): subordinated surplus notes,
  admitted-asset adjustments..., each in its tier, counted from ``valid_from`` to
  ``valid_until``.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger import chart
from ledger.selectors import account_balance, net_result
from mutualsociety.common.exceptions import InvalidInput, NotAllowed
from mutualsociety.common.money import ZERO, MoneyInputError, parse_money_input, quantize_money

from ..models import (
    AssetClass,
    AssetHolding,
    CapitalItem,
    CreditRating,
    FundRepayment,
    FundTranche,
    Tier,
)

# --- Capital -------------------------------------------------------------------------


@dataclass(frozen=True)
class CapitalLine:
    """One line of capital: where it comes from (``source``: ledger, register, item),
    what it is (``code``; a capital item's own description in ``label``), its tier."""

    code: str
    tier: str
    amount: Decimal
    source: str
    label: str = ""
    ref: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "tier": self.tier,
            "amount": str(self.amount),
            "source": self.source,
            "label": self.label,
            "ref": self.ref,
        }


@dataclass(frozen=True)
class CapitalPosition:
    valuation_date: dt.date
    lines: tuple[CapitalLine, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def total(self, tier: str) -> Decimal:
        return sum((line.amount for line in self.lines if line.tier == tier), ZERO)

    @property
    def core(self) -> Decimal:
        return self.total(Tier.CORE)

    @property
    def supplementary(self) -> Decimal:
        return self.total(Tier.SUPPLEMENTARY)


def year_start(day: dt.date) -> dt.date:
    return day.replace(month=1, day=1)


def capital_position(*, valuation_date: dt.date) -> CapitalPosition:
    """Every line of capital at the end of ``valuation_date`` (see the module's
    docstring), in a fixed order: the fund by tier, the register difference, surplus,
    the year's result, earlier results, then the staff's items."""
    lines: list[CapitalLine] = []
    warnings: list[str] = []
    fund = account_balance(account=chart.INITIAL_OPERATING_FUND, as_of=valuation_date)
    register = {
        row["tier"]: quantize_money(row["total"])
        for row in FundTranche.objects.filter(received_on__lte=valuation_date)
        .values("tier")
        .annotate(total=Sum("amount"))
    }
    # Repayments (``services.repayment``) reduce a tranche's place in the register as
    # they reduce 4001 in the ledger.
    for row in (
        FundRepayment.objects.filter(repaid_on__lte=valuation_date)
        .values("tranche__tier")
        .annotate(total=Sum("amount"))
    ):
        tier = row["tranche__tier"]
        register[tier] = register.get(tier, ZERO) - quantize_money(row["total"])
    registered = sum(register.values(), ZERO)
    for tier in (Tier.CORE, Tier.SUPPLEMENTARY):
        if register.get(tier):
            lines.append(CapitalLine("initial_operating_fund", tier, register[tier], "register"))
    difference = fund - registered
    if difference:
        lines.append(
            CapitalLine(
                "initial_operating_fund" if not registered else "fund_not_in_register",
                Tier.CORE,
                difference,
                "ledger",
            )
        )
        if registered:
            warnings.append(
                _(
                    "The register of the initial operating fund (%(register)s) differs from "
                    "the ledger's account 4001 (%(ledger)s); the difference counts as core "
                    "capital."
                )
                % {"register": registered, "ledger": fund}
            )
    lines.append(
        CapitalLine(
            "surplus",
            Tier.CORE,
            account_balance(account=chart.SURPLUS, as_of=valuation_date),
            "ledger",
        )
    )
    start = year_start(valuation_date)
    lines.append(
        CapitalLine(
            "result_of_the_year",
            Tier.CORE,
            net_result(start=start, end=valuation_date),
            "ledger",
        )
    )
    earlier = net_result(end=start - dt.timedelta(days=1))
    if earlier:
        lines.append(CapitalLine("earlier_results", Tier.CORE, earlier, "ledger"))
    items = CapitalItem.objects.filter(valid_from__lte=valuation_date).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=valuation_date)
    )
    for item in items.order_by("tier", "valid_from", "id"):
        lines.append(
            CapitalLine(item.kind, item.tier, item.amount, "item", item.description, item.pk)
        )
    return CapitalPosition(valuation_date, tuple(lines), tuple(warnings))


# --- Importing asset holdings --------------------------------------------------------

COLUMNS = ("as_of", "asset_class", "issuer", "rating", "market_value", "duration", "reference")
REQUIRED = ("as_of", "asset_class", "issuer", "market_value")
#: A statement of holdings is short; a longer file is refused before it is read.
MAX_ROWS = 10_000
HEADER_LINE = 1


@dataclass
class HoldingsImport:
    """What an import found and did: ``errors`` are (line, column, message)."""

    total: int = 0
    imported: int = 0
    replaced: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)


def _date(text: str) -> dt.date:
    day = dt.date.fromisoformat(text)
    if len(text) != 10:
        raise ValueError(text)
    return day


def _duration(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value < 0 or value % Decimal("0.01") != 0:
        raise ValueError(text)
    if value >= 10_000:
        raise ValueError(text)
    return value


def _holding(line: int, cells: dict[str, str], today: dt.date, errors: list) -> AssetHolding | None:
    found: list[tuple[int, str, str]] = []

    def fail(column: str, message: str) -> None:
        found.append((line, column, message))

    as_of = None
    try:
        as_of = _date(cells["as_of"])
        if as_of > today:
            fail("as_of", _("The date is in the future."))
    except ValueError:
        fail("as_of", _("Enter a date as YYYY-MM-DD."))
    asset_class = cells["asset_class"].lower()
    if asset_class not in AssetClass.values:
        fail(
            "asset_class",
            _("Unknown asset class %(value)r; one of %(choices)s.")
            % {"value": cells["asset_class"], "choices": ", ".join(AssetClass.values)},
        )
    issuer = cells["issuer"]
    if not issuer:
        fail("issuer", _("Name the issuer or counterparty."))
    elif len(issuer) > 200:
        fail("issuer", _("At most 200 characters."))
    rating_text = cells["rating"] or CreditRating.UNRATED
    rating = rating_text if rating_text == CreditRating.UNRATED else rating_text.upper()
    if rating.lower() == CreditRating.UNRATED:
        rating = CreditRating.UNRATED
    if rating not in CreditRating.values:
        fail(
            "rating",
            _("Unknown rating %(value)r; one of %(choices)s.")
            % {"value": rating_text, "choices": ", ".join(CreditRating.values)},
        )
    value = None
    try:
        value = parse_money_input(cells["market_value"])
    except MoneyInputError:
        fail(
            "market_value",
            _("Enter the market value with the digits 0–9 and at most two decimals."),
        )
    duration = None
    try:
        duration = _duration(cells["duration"])
    except ValueError:
        fail("duration", _("Enter the duration in years, at least 0, with at most 2 decimals."))
    if len(cells["reference"]) > 100:
        fail("reference", _("At most 100 characters."))
    if found or as_of is None:
        errors.extend(found)
        return None
    return AssetHolding(
        as_of=as_of,
        asset_class=asset_class,
        issuer=issuer,
        rating=rating,
        market_value=value,
        duration=duration,
        reference=cells["reference"],
    )


def _read(file: TextIO, report: HoldingsImport, today: dt.date) -> list[AssetHolding]:
    reader = csv.reader(file)
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError):
        report.errors.append((HEADER_LINE, "file", _("The file is not UTF-8 CSV text.")))
        return []
    if not header:
        report.errors.append((HEADER_LINE, "file", _("The file is empty; it needs a header row.")))
        return []
    names = [h.strip().lstrip("\ufeff").strip().lower() for h in header]
    for name in names:
        if name not in COLUMNS:
            report.errors.append(
                (HEADER_LINE, name or "file", _("Unknown column %(name)r.") % {"name": name})
            )
    for name in REQUIRED:
        if name not in names:
            report.errors.append(
                (HEADER_LINE, name, _("The header has no %(name)s column.") % {"name": name})
            )
    for name in sorted({n for n in names if names.count(n) > 1}):
        report.errors.append(
            (HEADER_LINE, name, _("The header names %(name)s twice.") % {"name": name})
        )
    if report.errors:
        return []
    holdings: list[AssetHolding] = []
    previous = reader.line_num
    try:
        for cells in reader:
            line = previous + 1
            previous = reader.line_num
            if not "".join(cells).strip():
                continue
            report.total += 1
            if report.total > MAX_ROWS:
                report.errors.append(
                    (line, "file", _("At most %(n)d rows at a time.") % {"n": MAX_ROWS})
                )
                return []
            if len(cells) != len(names):
                report.errors.append(
                    (
                        line,
                        "file",
                        _("This row has %(found)d cells; the header has %(expected)d.")
                        % {"found": len(cells), "expected": len(names)},
                    )
                )
                continue
            values = dict.fromkeys(COLUMNS, "")
            values.update(zip(names, (c.strip() for c in cells), strict=True))
            holding = _holding(line, values, today, report.errors)
            if holding is not None:
                holdings.append(holding)
    except (csv.Error, UnicodeDecodeError):
        report.errors.append((reader.line_num + 1, "file", _("The file is not UTF-8 CSV text.")))
    return holdings


def asset_holdings_import(*, file: TextIO, actor, replace: bool = False) -> HoldingsImport:
    """Import a statement of asset holdings from CSV (UTF-8, a header row naming the
    columns ``COLUMNS`` in any order; ``REQUIRED`` must be there).

    Every row is checked first; any error — a bad header, a row naming its line, column
    and reason — and nothing is saved. A date that already has holdings is refused
    unless ``replace``, which deletes that date's holdings and writes the file's in the
    same transaction (a corrected statement). Needs ``solvency.import_assetholding``.
    """
    if actor is None or not actor.has_perm("solvency.import_assetholding"):
        raise NotAllowed(_("You do not have permission to import asset holdings."))
    report = HoldingsImport()
    holdings = _read(file, report, timezone.localdate())
    if not report.errors and not holdings:
        report.errors.append((HEADER_LINE, "file", _("The file has no rows after its header.")))
    if report.errors:
        report.errors.sort(key=lambda e: e[0])
        return report
    dates = sorted({h.as_of for h in holdings if h.as_of is not None})
    report.dates = dates
    with transaction.atomic():
        existing = AssetHolding.objects.select_for_update().filter(as_of__in=dates)
        taken = sorted(set(existing.values_list("as_of", flat=True)))
        if taken and not replace:
            raise InvalidInput(
                _(
                    "Holdings as of %(dates)s exist already: tick “replace” to replace that "
                    "statement, or correct its rows."
                )
                % {"dates": ", ".join(d.isoformat() for d in taken)},
                field="file",
            )
        if taken:
            report.replaced, _deleted = AssetHolding.objects.filter(as_of__in=taken).delete()
        for h in holdings:
            h.recorded_by = actor
        AssetHolding.objects.bulk_create(holdings)
    report.imported = len(holdings)
    return report
