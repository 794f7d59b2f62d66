"""Limits on what people type: the largest single amount and the window of dates for money.

Every service that takes an amount or a date a person entered calls these, so that the
API, the admin and the portal refuse the same input with the same message, on its field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ..exceptions import InvalidInput
from ..selectors import DATE_FLOOR, society_get


def _amount(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, force_grouping=True)


def amount_ceiling_check(amount: Decimal, *, field: str, line: int | None = None) -> Decimal:
    """Refuse an amount a person entered that is over the society's largest single amount
    (``Society.max_single_amount``, default 1,000,000,000.00); return it otherwise.

    The one place this limit is enforced: every service that takes an amount a person
    typed calls it — a payment received (``members.payment_record``), a line of a manual
    ledger entry (``ledger.entry_post_manual``), the amount claimed (``claims`` intake) and
    assessed (``claim_assess``), a plan's benefits, premiums, cap and approval threshold
    (``members.plan_version_check`` and the admin's plan forms) — so the API, the admin and
    the portal refuse it alike, on ``field`` (with ``line``, "Line n:" leads the message).
    Amounts the system computes (dues from a premium, an apportionment's total over all
    members, reversals) are not limited: they can legitimately exceed what one person
    would type, and the ledger bounds them by its own column.
    """
    ceiling = society_get().max_single_amount
    if amount > ceiling:
        values = {"amount": _amount(amount), "ceiling": _amount(ceiling), "n": line}
        if line is None:
            message = _(
                "%(amount)s is over %(ceiling)s, the largest single amount the society "
                "accepts; check the amount, or ask an administrator to raise the limit."
            )
        else:
            message = _(
                "Line %(n)d: %(amount)s is over %(ceiling)s, the largest single amount "
                "the society accepts; check the amount, or ask an administrator to raise "
                "the limit."
            )
        raise InvalidInput(message % values, field=field)
    return amount


def date_window_check(value: dt.date, *, field: str, latest: dt.date, too_late: str) -> dt.date:
    """Refuse a date a person entered for money that lies outside a plausible window;
    return it otherwise.

    Not before the society was founded (``Society.founded_on``; 1 January 2000 while it
    is empty), and not after ``latest`` (what the operation allows: today for money
    received, the end of the current month for a manual ledger entry), with ``too_late``
    as the message then. Refused on ``field``.
    """
    founded_on = society_get().founded_on
    earliest = founded_on or DATE_FLOOR
    if value < earliest:
        if founded_on:
            message = _(
                "%(date)s is before %(earliest)s, when the society was founded; check the year."
            )
        else:
            message = _(
                "%(date)s is before %(earliest)s, the earliest date accepted; check the "
                "year (once the society's founding date is filled in, it is the limit)."
            )
        raise InvalidInput(
            message % {"date": value.isoformat(), "earliest": earliest.isoformat()}, field=field
        )
    if value > latest:
        raise InvalidInput(too_late, field=field)
    return value
