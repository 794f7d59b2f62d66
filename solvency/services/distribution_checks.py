"""The checks of a surplus distribution (``distribution``'s first step, run again at each
step): the distributable amount and its workings, the alerts, solvency after it; and the
validation of the rule's terms. See ``services.distribution`` for the rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from ledger.selectors import net_result
from mutualsociety.common.exceptions import InvalidInput
from mutualsociety.common.money import CENT, ZERO, quantize_money, quantize_rate

from .. import selectors
from ..models import FundTranche, SurplusDistribution
from .evaluation import json_ready
from .repayment import solvency_after, surplus_available

Basis = SurplusDistribution.Basis


def money_check(value: Any, name: str, *, minimum: Decimal = CENT) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < minimum or amount % CENT:
        raise InvalidInput(
            _("Enter an amount of at least %(min)s, in whole cents.") % {"min": minimum},
            field=name,
        )
    return amount


def weight_check(basis: str, value: Any) -> Decimal:
    if basis == Basis.CONTRIBUTIONS:
        return Decimal("1")
    if basis == Basis.MEMBERSHIP:
        return Decimal("0")
    if basis != Basis.MIX:
        raise InvalidInput(
            _("Choose the basis: %(choices)s.") % {"choices": ", ".join(Basis.values)},
            field="basis",
        )
    try:
        weight = Decimal(str(value))
    except (InvalidOperation, ValueError):
        weight = Decimal("NaN")
    if not weight.is_finite() or not 0 < weight < 1 or weight != quantize_rate(weight):
        raise InvalidInput(
            _(
                "For a mix, the weight of contributions is between 0 and 1 exclusive, with "
                "at most 6 decimals (0.7 is 70%)."
            ),
            field="contributions_weight",
        )
    return weight


# --- The distributable amount and its checks --------------------------------------------


def fund_outstanding(as_of: dt.date) -> Decimal:
    """The loans of the initial operating fund received by ``as_of`` and not yet repaid
    (the register, ``selectors.tranches_with_repayments``)."""
    rows = selectors.tranches_with_repayments().filter(
        kind=FundTranche.Kind.LOAN, received_on__lte=as_of
    )
    total = rows.aggregate(t=Sum("outstanding"))["t"]
    return quantize_money(total or ZERO)


def distribution_checks(
    *, amount: Decimal, as_of: dt.date, reserve_outstanding_fund: bool, on: dt.date
) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Every condition of distributing ``amount`` computed at ``as_of`` and checked on
    ``on``: the failures by field, and the workings (see the module's docstring)."""
    fails: dict[str, list[str]] = {}
    workings: dict[str, Any] = {}

    def fail(name: str, message: str) -> None:
        fails.setdefault(name, []).append(message)

    since_founding = net_result(end=as_of)
    available = surplus_available(as_of=as_of, since_founding=since_founding)
    owed = fund_outstanding(as_of) if reserve_outstanding_fund else ZERO
    distributable = max(ZERO, quantize_money(available - owed))
    workings.update(
        as_of=as_of,
        result_since_founding=since_founding,
        surplus_available=available,
        fund_outstanding=owed,
        distributable=distributable,
        amount=amount,
    )
    if since_founding < 0:
        fail(
            "surplus",
            _("The result since founding is %(result)s: there is no surplus to distribute.")
            % {"result": since_founding},
        )
    if amount > distributable:
        fail(
            "amount",
            _(
                "The distributable surplus is %(distributable)s (surplus and results not "
                "yet appropriated less the fund repaid, %(available)s, less the fund still "
                "owed, %(owed)s): %(amount)s is more."
            )
            % {
                "distributable": distributable,
                "available": available,
                "owed": owed,
                "amount": amount,
            },
        )
    blocked, reasons = selectors.distribution_blocked(on)
    if blocked:
        fail("alerts", _("Distribution is blocked: %(reasons)s") % {"reasons": " ".join(reasons)})
    check = solvency_after(core_less=amount, supplementary_less=ZERO)
    if check is not None:
        workings["assessment"] = check.assessment.pk
        workings["core_after"] = check.core
        workings["after"] = check.ratios
        if check.missed:
            fail(
                "assessment",
                _(
                    "After the distribution, assessment %(a)s would be below its threshold "
                    "for: %(measures)s (comprehensive %(comprehensive)s%%, core %(core)s%%)."
                )
                % check.message_figures,
            )
    return fails, json_ready(workings)


def refuse(fails: dict[str, list[str]]) -> None:
    if fails:
        raise InvalidInput(
            _("The distribution is refused: %(conditions)s.") % {"conditions": ", ".join(fails)},
            fields=fails,
        )
